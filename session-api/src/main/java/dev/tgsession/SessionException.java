package dev.tgsession;

import org.jspecify.annotations.Nullable;

/** The root of every exception a session throws on its own account; unchecked. */
public class SessionException extends RuntimeException {

  /**
   * Creates the exception.
   *
   * @param message what was expected, what was found and what to do
   */
  public SessionException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what was expected, what was found and what to do
   * @param cause the underlying failure
   */
  public SessionException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
