package dev.tgsession.spi;

import dev.tgsession.SessionLease;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.SessionStorageException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The lease side of one {@link AbstractSession}: takes it, renews it on a scheduler shared by every
 * session of the JVM (about every third of its length), releases it on close, and once it is lost
 * refuses every write for good.
 */
final class LeaseHolder {

  private static final ScheduledExecutorService RENEWALS =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "tgsession-lease-renewal");
            thread.setDaemon(true);
            return thread;
          });

  private final ReentrantLock lock = new ReentrantLock();
  private @Nullable LeaseStore store;
  private volatile @Nullable SessionLease lease;
  private volatile boolean lost;
  private @Nullable Duration length;
  private @Nullable ScheduledFuture<?> renewal;

  void acquire(LeaseStore leaseStore, String owner, Duration leaseLength, String description) {
    lock.lock();
    try {
      if (lease != null || lost) {
        throw new IllegalStateException("session " + description + " already holds a lease");
      }
      SessionLease taken = leaseStore.acquire(owner, leaseLength);
      store = leaseStore;
      length = leaseLength;
      lease = taken;
      long period = Math.max(200, leaseLength.toMillis() / 3);
      renewal = RENEWALS.scheduleWithFixedDelay(this::renew, period, period, TimeUnit.MILLISECONDS);
    } finally {
      lock.unlock();
    }
  }

  /** The lease to fence a write with, or null without one; throws once it is lost. */
  @Nullable SessionLease checkWritable(String description) {
    if (lost) {
      throw lostException(description);
    }
    return lease;
  }

  SessionLeaseLostException lost(String description) {
    lost = true;
    cancelRenewal();
    return lostException(description);
  }

  Optional<SessionLease> current() {
    return lost ? Optional.empty() : Optional.ofNullable(lease);
  }

  void stopRenewal() {
    cancelRenewal();
  }

  void release() {
    cancelRenewal();
    lock.lock();
    try {
      SessionLease held = lease;
      LeaseStore leaseStore = store;
      lease = null;
      if (held != null && leaseStore != null && !lost) {
        try {
          leaseStore.release(held);
        } catch (RuntimeException e) {
          // the lease then ends by expiring; close() must not fail over it
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private void renew() {
    lock.lock();
    try {
      SessionLease held = lease;
      LeaseStore leaseStore = store;
      Duration leaseLength = length;
      if (held == null || leaseStore == null || leaseLength == null || lost) {
        return;
      }
      try {
        lease = leaseStore.renew(held, leaseLength);
      } catch (SessionLeaseLostException e) {
        lost = true;
        cancelRenewal();
      } catch (SessionStorageException e) {
        // the store is unreachable: try again next period; fencing decides if someone took over
      } catch (RuntimeException e) {
        // never let the shared scheduler die; the next period tries again
      }
    } finally {
      lock.unlock();
    }
  }

  private void cancelRenewal() {
    ScheduledFuture<?> scheduled = renewal;
    if (scheduled != null) {
      scheduled.cancel(false);
    }
  }

  private SessionLeaseLostException lostException(String description) {
    SessionLease held = lease;
    return new SessionLeaseLostException(
        "session "
            + description
            + " lost its lease"
            + (held == null ? "" : " (owner '" + held.owner() + "', token " + held.token() + ")")
            + ": it expired and another owner took the session; this instance writes nothing"
            + " more. Close it, and open it again once the other owner is gone");
  }
}
