package dev.tgsession;

import java.time.Instant;
import java.util.Objects;

/**
 * Another owner holds an unexpired lease on the session: thrown at once by {@link Sessions#open}
 * with {@code lease=}, never after waiting.
 */
public class SessionLeasedException extends SessionLockedException {

  private final String holder;
  private final Instant expiresAt;

  /**
   * Creates the exception.
   *
   * @param session how messages name the session (a redacted URI)
   * @param holder the owner holding the lease
   * @param expiresAt when that lease ends unless its holder renews it
   */
  public SessionLeasedException(String session, String holder, Instant expiresAt) {
    super(
        "session "
            + Objects.requireNonNull(session, "session")
            + " is leased by '"
            + Objects.requireNonNull(holder, "holder")
            + "' until "
            + Objects.requireNonNull(expiresAt, "expiresAt")
            + " (renewed while its holder runs); stop that process, or wait until the lease"
            + " expires if it died",
        null);
    this.holder = holder;
    this.expiresAt = expiresAt;
  }

  /** The owner holding the lease. */
  public String holder() {
    return holder;
  }

  /** When the holder's lease ends unless renewed. */
  public Instant expiresAt() {
    return expiresAt;
  }
}
