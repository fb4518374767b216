package dev.tgsession;

import java.time.Duration;
import java.util.Optional;

/**
 * Leases of a backend with capability {@code LEASE}: {@link Session#leasing()}. Opening with {@code
 * lease=SECONDS} takes one before {@link Sessions#open} returns; these calls are for operators and
 * tools.
 *
 * @since 0.3.0
 */
public interface SessionLeasing {

  /** The lease this instance holds, with its current expiry and token; empty when none. */
  Optional<SessionLease> held();

  /** The unexpired lease held on this session now, by anyone; empty when none is held. */
  Optional<SessionLease> current();

  /**
   * Takes the lease and renews it in the background until the session is closed.
   *
   * @throws SessionLeasedException when another owner holds it
   * @throws IllegalStateException when this instance already holds one
   */
  SessionLease acquire(String owner, Duration length);
}
