package dev.tgsession.postgres;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.SessionStorageException;
import dev.tgsession.spi.SessionFailures;
import org.jspecify.annotations.Nullable;

/** The one place this backend words its failures (through {@link SessionFailures}). */
final class PostgresFailures {

  private PostgresFailures() {}

  /**
   * The server or driver failed doing something for a session (or a store); the message carries the
   * innermost cause's words (what the server or driver objected to), never a password.
   */
  static SessionStorageException storage(
      String description, String doing, @Nullable Throwable cause) {
    return SessionFailures.storage(description, doing, cause == null ? null : innermost(cause));
  }

  private static Throwable innermost(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  /**
   * A DC or vault write by an instance whose view of the session's encryption is out of date:
   * another instance encrypted, rekeyed, made plain or cleared it since this one read it.
   */
  static IncompatibleSessionException vaultChanged(String description, String doing) {
    return new IncompatibleSessionException(
        "session "
            + description
            + ": refused to "
            + doing
            + ": a DC or vault write requires the vault this instance last read or wrote, and"
            + " another instance changed the session's encryption since (encrypted, rekeyed, made"
            + " plain or cleared it); nothing was written. Close this instance and open the"
            + " session again, with the encryption-key it has now",
        null);
  }
}
