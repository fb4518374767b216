package dev.tgsession;

import org.jspecify.annotations.Nullable;

/** The stored data is corrupt, foreign, or from a newer version than this one reads. */
public class IncompatibleSessionException extends SessionException {

  /**
   * Creates the exception.
   *
   * @param message what was expected, what was found and what to do
   */
  public IncompatibleSessionException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what was expected, what was found and what to do
   * @param cause the underlying failure
   */
  public IncompatibleSessionException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
