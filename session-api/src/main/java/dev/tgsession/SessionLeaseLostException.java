package dev.tgsession;

/**
 * This session's lease was lost: it expired (the process was paused or the store unreachable past
 * its end) and another owner took the session. The session writes nothing from then on and never
 * takes the lease again on its own; close it, and open it again once the other owner is gone.
 */
public class SessionLeaseLostException extends SessionException {

  /**
   * Creates the exception.
   *
   * @param message which session, which lease, and what to do
   */
  public SessionLeaseLostException(String message) {
    super(message);
  }
}
