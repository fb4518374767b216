package dev.tgsession;

import org.jspecify.annotations.Nullable;

/** The store failed: I/O, connection, timeout. The cause carries the driver's exception. */
public class SessionStorageException extends SessionException {

  /**
   * Creates the exception.
   *
   * @param message what failed, and where (never a password)
   * @param cause the driver's exception
   */
  public SessionStorageException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
