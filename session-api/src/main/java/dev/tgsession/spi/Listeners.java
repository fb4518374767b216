package dev.tgsession.spi;

import dev.tgsession.SessionListener;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The process-wide {@link SessionListener}s ({@link dev.tgsession.Sessions#addListener}) and the
 * one way every listener is called: a listener that throws is reported once and skipped from then
 * on, one that takes longer than a second is reported once. Listeners never throw into the caller.
 *
 * @since 0.3.0
 */
public final class Listeners {

  private static final System.Logger LOG = System.getLogger("dev.tgsession.listeners");
  private static final long SLOW_NANOS = 1_000_000_000L;
  private static final SessionListener[] NONE = new SessionListener[0];

  private static volatile SessionListener[] global = NONE;
  private static final Set<SessionListener> FAILED =
      Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
  private static final Set<SessionListener> REPORTED_SLOW =
      Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

  private Listeners() {}

  /**
   * Adds a process-wide listener; registering one that is already registered is reported once and
   * changes nothing.
   *
   * @return closing it removes the listener
   */
  public static synchronized AutoCloseable register(SessionListener listener) {
    Objects.requireNonNull(listener, "listener");
    for (SessionListener present : global) {
      if (present == listener) {
        LOG.log(
            Level.WARNING,
            "session listener {0} is already registered; the second registration is ignored",
            listener.getClass().getName());
        return () -> {};
      }
    }
    List<SessionListener> more = new ArrayList<>(List.of(global));
    more.add(listener);
    global = more.toArray(NONE);
    return () -> unregister(listener);
  }

  private static synchronized void unregister(SessionListener listener) {
    List<SessionListener> fewer = new ArrayList<>(List.of(global));
    fewer.removeIf(present -> present == listener);
    global = fewer.toArray(NONE);
  }

  /** The process-wide listeners now (a copy-on-write array: read it, never change it). */
  static SessionListener[] global() {
    return global;
  }

  /** The listeners of one session: its own, each once, followed by none of the global ones. */
  static SessionListener[] own(List<SessionListener> given) {
    if (given.isEmpty()) {
      return NONE;
    }
    Map<SessionListener, Boolean> seen = new IdentityHashMap<>();
    List<SessionListener> unique = new ArrayList<>();
    for (SessionListener listener : given) {
      if (seen.put(listener, Boolean.TRUE) == null) {
        unique.add(listener);
      } else {
        LOG.log(
            Level.WARNING,
            "session listener {0} was given twice for one session; it is called once",
            listener.getClass().getName());
      }
    }
    return unique.toArray(NONE);
  }

  /** Calls {@code event} on each listener that has not failed before; never throws. */
  static void tell(SessionListener[] listeners, Consumer<SessionListener> event) {
    for (SessionListener listener : listeners) {
      if (FAILED.contains(listener)) {
        continue;
      }
      long start = System.nanoTime();
      try {
        event.accept(listener);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        if (FAILED.add(listener)) {
          LOG.log(
              Level.WARNING,
              "session listener "
                  + listener.getClass().getName()
                  + " threw "
                  + e.getClass().getName()
                  + "; it is skipped from now on (sessions keep working)",
              e);
        }
        continue;
      }
      long took = System.nanoTime() - start;
      if (took > SLOW_NANOS && REPORTED_SLOW.add(listener)) {
        LOG.log(
            Level.WARNING,
            "session listener {0} took {1} ms on the caller''s thread; listeners must be quick"
                + " (hand slow work to another thread)",
            listener.getClass().getName(),
            took / 1_000_000);
      }
    }
  }
}
