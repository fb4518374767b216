package dev.tgsession;

import java.time.Instant;
import java.util.Objects;

/**
 * A lease on a session: one owner at a time may write to it (rule 12, capability {@code LEASE}).
 *
 * @param owner who holds it, as the {@code owner} option named it (default {@code hostname:pid})
 * @param token the fencing token: grows with every new lease of the session, never reused
 * @param expiresAt when it ends unless renewed
 */
public record SessionLease(String owner, long token, Instant expiresAt) {

  /** Validates the lease. */
  public SessionLease {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (token <= 0) {
      throw new IllegalArgumentException("expected a positive lease token, found " + token);
    }
  }
}
