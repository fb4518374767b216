package dev.tgsession;

import org.jspecify.annotations.Nullable;

/** Another owner holds the session and this one may not use it now. */
public class SessionLockedException extends SessionException {

  /**
   * Creates the exception.
   *
   * @param message who holds the session, and what to do
   * @param cause the underlying failure, if any
   */
  public SessionLockedException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
