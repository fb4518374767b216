package dev.tgsession.spi;

import dev.tgsession.SessionLease;
import dev.tgsession.SessionListener;
import dev.tgsession.SessionListener.Source;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The events of one session, told to its own listeners and the process-wide ones. Costs a field
 * read and a volatile read when there are none: nothing is built for nobody.
 */
final class SessionEvents {

  private static final SessionListener[] NONE = new SessionListener[0];

  private volatile Source source;
  private volatile SessionListener[] own = NONE;

  SessionEvents(Source source) {
    this.source = source;
  }

  void bind(Source named, List<SessionListener> listeners) {
    source = named;
    own = Listeners.own(listeners);
  }

  Source source() {
    return source;
  }

  /** Whether anyone listens: the one check on every hot path. */
  boolean active() {
    return own.length != 0 || Listeners.global().length != 0;
  }

  /** A start time for {@link #operation}, or 0 when nobody listens. */
  long start() {
    return active() ? System.nanoTime() : 0;
  }

  void operation(String name, long start, @Nullable Throwable failure, int batchSize) {
    if (start == 0) {
      return;
    }
    long took = System.nanoTime() - start;
    SessionListener.Operation operation =
        new SessionListener.Operation(
            source,
            name,
            took,
            failure == null ? null : failure.getClass().getSimpleName(),
            batchSize,
            Instant.now());
    tell(listener -> listener.operation(operation));
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

  void encryption(SessionListener.EncryptionEvent event, @Nullable String fingerprint) {
    if (active()) {
      Source s = source;
      tell(listener -> listener.encryption(s, event, fingerprint));
    }
  }

  void opened() {
    if (active()) {
      Source s = source;
      tell(listener -> listener.sessionOpened(s));
    }
  }

  void closed() {
    if (active()) {
      Source s = source;
      tell(listener -> listener.sessionClosed(s));
    }
  }

  private void tell(Consumer<SessionListener> event) {
    SessionListener[] mine = own;
    if (mine.length != 0) {
      Listeners.tell(mine, event);
    }
    SessionListener[] everyone = Listeners.global();
    if (everyone.length != 0) {
      Listeners.tell(everyone, event);
    }
  }

  /** Runs a store operation, telling the listeners how long it took and how it ended. */
  <T> T timed(String name, int batchSize, Supplier<T> operation) {
    long start = start();
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
