package dev.tgsession.spi;

import dev.tgsession.SessionLease;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.SessionStorageException;
import org.jspecify.annotations.Nullable;

/**
 * The failures every backend reports, each worded in one place and naming the session the same way:
 * {@code session <description>} (a redacted URI or file path).
 *
 * @since 0.3.0
 */
public final class SessionFailures {

  private SessionFailures() {}

  /**
   * The store failed doing something (I/O, connection, timeout): says what, for which session, and
   * the cause's own words (never a password: causes are driver messages about the store).
   *
   * @param description how messages name the session
   * @param doing what was being done, as a verb phrase ("write 100 peers", "read the DC options")
   */
  public static SessionStorageException storage(
      String description, String doing, @Nullable Throwable cause) {
    String why = cause == null ? null : cause.getMessage();
    return new SessionStorageException(
        "session "
            + description
            + ": could not "
            + doing
            + (why == null || why.isBlank() ? "" : ": " + why)
            + "; check that the store is reachable and try again",
        cause);
  }

  /** Another owner holds the session's lease (thrown at once, never after waiting). */
  public static SessionLeasedException leased(String description, SessionLease holder) {
    return new SessionLeasedException(description, holder.owner(), holder.expiresAt());
  }

  /** This instance's lease was taken over: it writes nothing more. */
  public static SessionLeaseLostException leaseLost(
      String description, @Nullable SessionLease held) {
    return new SessionLeaseLostException(
        "session "
            + description
            + " lost its lease"
            + (held == null ? "" : " (owner '" + held.owner() + "', token " + held.token() + ")")
            + ": it expired and another owner took the session; this instance writes nothing"
            + " more. Close it, and open it again once the other owner is gone");
  }
}
