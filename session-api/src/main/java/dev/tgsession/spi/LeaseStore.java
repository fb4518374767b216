package dev.tgsession.spi;

import dev.tgsession.SessionLease;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.SessionLeasedException;
import java.time.Duration;
import java.util.Optional;

/**
 * The store's side of leases ({@link Capability#LEASE}): a backend implements these four operations
 * with its store's own means and returns them from {@link AbstractSession#leaseStore()}; {@link
 * AbstractSession} does the rest (acquiring at open, renewing in the background, releasing on
 * close, refusing writes once the lease is lost).
 *
 * <p>Fencing is the backend's part too: each write receives a {@link WriteFence} and checks its
 * {@link WriteFence#token()} against the stored one, atomically with the write where the store can,
 * and throws {@link WriteFence#lost()} on a mismatch.
 */
public interface LeaseStore {

  /**
   * Takes the lease for {@code owner} if nobody holds an unexpired one. The new token is the
   * highest ever issued for this session plus one (never reused, kept across release).
   *
   * @throws SessionLeasedException naming the holder and its expiry when another owner holds it
   */
  SessionLease acquire(String owner, Duration length);

  /**
   * Extends the lease if the stored token still equals {@code lease.token()}, even if it expired
   * meanwhile (a token that still matches means nobody took over).
   *
   * @throws SessionLeaseLostException when another lease was taken since
   */
  SessionLease renew(SessionLease lease, Duration length);

  /** Ends the lease if it is still held with this token (keeping the token counter); else no-op. */
  void release(SessionLease lease);

  /** The unexpired lease held now, by anyone. */
  Optional<SessionLease> current();
}
