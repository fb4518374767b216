package dev.tgsession.spi;

import dev.tgsession.Session;

/**
 * Hooks for tests of backends and of the kit, not for application code: they put a session in
 * states a real process reaches only by being paused or killed.
 *
 * @since 0.3.0
 */
public final class TestHooks {

  private TestHooks() {}

  /**
   * Stops renewing the session's lease without releasing it, as if its process were paused: writes
   * go on until another owner takes the lease over, then fail with {@link
   * dev.tgsession.SessionLeaseLostException}.
   *
   * @throws IllegalArgumentException when the session is not built on {@link AbstractSession}
   */
  public static void stopLeaseRenewal(Session session) {
    if (!(session instanceof AbstractSession core)) {
      throw new IllegalArgumentException(
          "expected a session built on AbstractSession, found " + session.getClass().getName());
    }
    core.stopLeaseRenewal();
  }
}
