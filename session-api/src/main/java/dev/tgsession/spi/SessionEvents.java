package dev.tgsession.spi;

import dev.tgsession.SessionLease;
import dev.tgsession.SessionListener;
import dev.tgsession.SessionListener.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The events of one session, told to its own listeners and the process-wide ones, each listener
 * once. Costs a field read and a volatile read when there are none: nothing is built for nobody.
 */
final class SessionEvents {

  private volatile Source source;
  private volatile SessionListener[] own = Listeners.NONE;
  // own + the process-wide listeners, merged for the global array it names (rebuilt when that
  // array is replaced by a registration), so a listener given both ways is called once.
  private volatile @Nullable Audience audience;
  // Who was told sessionOpened: only they are told sessionClosed (null until then), so that an
  // open-sessions count never sees a close without its open.
  private volatile SessionListener @Nullable [] toldOpened;

  private record Audience(SessionListener[] global, SessionListener[] all) {}

  SessionEvents(Source source) {
    this.source = source;
  }

  void bind(Source named, List<SessionListener> listeners) {
    source = named;
    own = Listeners.own(listeners);
    audience = null;
  }

  Source source() {
    return source;
  }

  /** Whether anyone listens: the one check on every hot path. */
  boolean active() {
    return own.length != 0 || Listeners.global().length != 0;
  }

  /**
   * Tells listeners that operation {@code name} starts, and returns its start time for {@link
   * #operation}, or 0 when nobody listens.
   */
  long start(String name) {
    if (!active()) {
      return 0;
    }
    Source s = source;
    tell(listener -> listener.operationStarted(s, name));
    long now = System.nanoTime();
    return now == 0 ? 1 : now; // 0 means "nobody listened"
  }

  void operation(String name, long start, @Nullable Throwable failure, int batchSize) {
    if (start == 0) {
      return;
    }
    long end = System.nanoTime();
    SessionListener.Operation operation =
        new SessionListener.Operation(
            source,
            name,
            end - start,
            failure == null ? null : errorType(failure),
            batchSize,
            WallClock.at(end));
    tell(listener -> listener.operation(operation));
  }

  /**
   * The wall-clock time of a {@link System#nanoTime()} reading, from a base read at most once a
   * second: {@link Instant#now()} on every operation would add a clock read to what a listener
   * costs, and where a clock read is a system call (some virtual machines) that is 100 ns or more.
   * Within a second the two clocks drift apart by far less than a millisecond.
   */
  static final class WallClock {
    private static final long REFRESH_NANOS = 1_000_000_000L;

    private record Base(Instant wall, long nanos) {}

    private static volatile Base base = new Base(Instant.now(), System.nanoTime());

    private WallClock() {}

    static Instant at(long nanoTime) {
      Base current = base;
      long since = nanoTime - current.nanos();
      if (since < 0 || since > REFRESH_NANOS) {
        current = new Base(Instant.now(), System.nanoTime());
        base = current;
        since = Math.max(0, nanoTime - current.nanos());
      }
      return current.wall().plusNanos(since);
    }
  }

  /** The simple class name, or the full one for a class without one (anonymous, hidden). */
  static String errorType(Throwable failure) {
    String simple = failure.getClass().getSimpleName();
    return simple.isEmpty() ? failure.getClass().getName() : simple;
  }

  void cacheAccess(boolean hit) {
    if (active()) {
      Source s = source;
      tell(listener -> listener.peerCacheAccess(s, hit));
    }
  }

  void cacheInvalidated() {
    if (active()) {
      Source s = source;
      tell(listener -> listener.peerCacheInvalidated(s));
    }
  }

  void lease(SessionListener.LeaseEvent event, SessionLease lease) {
    if (active()) {
      Source s = source;
      tell(listener -> listener.lease(s, event, lease));
    }
  }

  /**
   * A lease event raised on the renewal thread every session shares: told on the listener thread,
   * so a listener that blocks delays no other session's renewal.
   */
  void leaseFromRenewal(SessionListener.LeaseEvent event, SessionLease lease) {
    if (active()) {
      Source s = source;
      SessionListener[] told = audience();
      Listeners.later(() -> Listeners.tell(told, listener -> listener.lease(s, event, lease)));
    }
  }

  void encryption(SessionListener.EncryptionEvent event, @Nullable String fingerprint) {
    if (active()) {
      Source s = source;
      tell(listener -> listener.encryption(s, event, fingerprint));
    }
  }

  void opened() {
    SessionListener[] told = audience();
    toldOpened = told;
    if (told.length != 0) {
      Source s = source;
      Listeners.tell(told, listener -> listener.sessionOpened(s));
    }
  }

  void closed() {
    SessionListener[] opened = toldOpened;
    if (opened == null) {
      return; // never announced (its open failed): nobody counts it
    }
    toldOpened = null;
    List<SessionListener> stillListening = new ArrayList<>();
    List<SessionListener> now = List.of(audience());
    for (SessionListener listener : opened) {
      if (Listeners.contains(now, listener)) {
        stillListening.add(listener);
      }
    }
    if (!stillListening.isEmpty()) {
      Source s = source;
      Listeners.tell(stillListening.toArray(Listeners.NONE), listener -> listener.sessionClosed(s));
    }
  }

  private void tell(Consumer<SessionListener> event) {
    SessionListener[] all = audience();
    if (all.length != 0) {
      Listeners.tell(all, event);
    }
  }

  /** Everyone listening now, each once. */
  private SessionListener[] audience() {
    SessionListener[] mine = own;
    SessionListener[] everyone = Listeners.global();
    if (mine.length == 0) {
      return everyone;
    }
    if (everyone.length == 0) {
      return mine;
    }
    Audience merged = audience;
    if (merged == null || merged.global() != everyone) {
      merged = new Audience(everyone, Listeners.merge(mine, everyone));
      audience = merged;
    }
    return merged.all();
  }

  /** Runs a store operation, telling the listeners how long it took and how it ended. */
  <T> T timed(String name, int batchSize, Supplier<T> operation) {
    long start = start(name);
    if (start == 0) {
      return operation.get();
    }
    try {
      T result = operation.get();
      operation(name, start, null, batchSize);
      return result;
    } catch (RuntimeException | Error e) {
      operation(name, start, e, batchSize);
      throw e;
    }
  }
}
