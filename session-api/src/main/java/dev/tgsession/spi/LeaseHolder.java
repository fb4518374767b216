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
  private final SessionEvents events;
  private @Nullable LeaseStore store;
  private volatile @Nullable SessionLease lease;
  private volatile boolean lost;
  private @Nullable Duration length;
  private @Nullable ScheduledFuture<?> renewal;

  LeaseHolder(SessionEvents events) {
    this.events = events;
  }

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
      events.lease(dev.tgsession.SessionListener.LeaseEvent.ACQUIRED, taken);
    } finally {
      lock.unlock();
    }
  }

  /** The fence of one write: the lease to check, or none; throws once it is lost. */
  WriteFence checkWritable(String description) {
    if (lost) {
      throw lostException(description);
    }
    return new WriteFence(lease, this, description);
  }

  SessionLeaseLostException lost(String description) {
    boolean first = !lost;
    lost = true;
    cancelRenewal();
    SessionLease held = lease;
    if (first && held != null) {
      events.lease(dev.tgsession.SessionListener.LeaseEvent.LOST, held);
    }
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
          events.lease(dev.tgsession.SessionListener.LeaseEvent.RELEASED, held);
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
        SessionLease renewed = leaseStore.renew(held, leaseLength);
        lease = renewed;
        events.lease(dev.tgsession.SessionListener.LeaseEvent.RENEWED, renewed);
      } catch (SessionLeaseLostException e) {
        lost = true;
        cancelRenewal();
        events.lease(dev.tgsession.SessionListener.LeaseEvent.LOST, held);
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
    return SessionFailures.leaseLost(description, lease);
  }

  /** The {@link dev.tgsession.SessionLeasing} view of this holder, for Session.leasing(). */
  dev.tgsession.SessionLeasing facet(LeaseStore store, Runnable ensureOpen, String description) {
    return new dev.tgsession.SessionLeasing() {
      @Override
      public Optional<SessionLease> held() {
        return current();
      }

      @Override
      public Optional<SessionLease> current() {
        ensureOpen.run();
        return store.current();
      }

      @Override
      public SessionLease acquire(String owner, Duration length) {
        java.util.Objects.requireNonNull(owner, "owner");
        java.util.Objects.requireNonNull(length, "length");
        ensureOpen.run();
        LeaseHolder.this.acquire(store, owner, length, description);
        return LeaseHolder.this.current().orElseThrow();
      }
    };
  }
}
