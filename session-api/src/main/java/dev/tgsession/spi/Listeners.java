package dev.tgsession.spi;

import dev.tgsession.SessionListener;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The process-wide {@link SessionListener}s ({@link dev.tgsession.Sessions#addListener}) and the
 * one way every listener is called: a listener that throws is reported once and skipped from then
 * on, one that takes longer than a second is reported once, one registered twice is reported once
 * and called once. Listeners never throw into the caller.
 *
 * @since 0.3.0
 */
public final class Listeners {

  private static final System.Logger LOG = System.getLogger("dev.tgsession.listeners");
  private static final long SLOW_NANOS = 1_000_000_000L;
  private static final long TICK_MILLIS = 50;
  private static final int BACKGROUND_QUEUE = 4096;
  static final SessionListener[] NONE = new SessionListener[0];

  private static volatile SessionListener[] global = NONE;
  // The listeners that threw: read on every event without a lock (usually empty), so it is a
  // copy-on-write array; it holds only listeners that misbehaved, which a process has few of.
  private static volatile SessionListener[] failed = NONE;
  // Identity sets, so each problem is reported once per listener.
  private static final Set<SessionListener> REPORTED_SLOW = identitySet();
  private static final Set<SessionListener> REPORTED_TWICE = identitySet();
  private static volatile boolean reportedDropped;

  private Listeners() {}

  /**
   * Adds a process-wide listener; registering one that is already registered is reported once and
   * changes nothing.
   *
   * @return closing it removes the listener (closing the registration of a duplicate does nothing)
   */
  public static synchronized AutoCloseable register(SessionListener listener) {
    Objects.requireNonNull(listener, "listener");
    for (SessionListener present : global) {
      if (present == listener) {
        reportTwice(listener, "is already registered process-wide; the second registration is");
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

  /** The listeners given for one session, each once (a duplicate is reported once). */
  static SessionListener[] own(List<SessionListener> given) {
    if (given.isEmpty()) {
      return NONE;
    }
    List<SessionListener> unique = new ArrayList<>();
    for (SessionListener listener : given) {
      if (contains(unique, listener)) {
        reportTwice(listener, "was given twice for one session; it is");
      } else {
        unique.add(listener);
      }
    }
    return unique.toArray(NONE);
  }

  /**
   * A session's own listeners followed by the process-wide ones it does not have already: a
   * listener given both ways is reported once and called once.
   */
  static SessionListener[] merge(SessionListener[] own, SessionListener[] everyone) {
    List<SessionListener> all = new ArrayList<>(List.of(own));
    for (SessionListener listener : everyone) {
      if (contains(all, listener)) {
        reportTwice(listener, "is registered process-wide and given for a session; it is");
      } else {
        all.add(listener);
      }
    }
    return all.toArray(NONE);
  }

  static boolean contains(List<SessionListener> listeners, SessionListener wanted) {
    for (SessionListener listener : listeners) {
      if (listener == wanted) {
        return true;
      }
    }
    return false;
  }

  private static void reportTwice(SessionListener listener, String what) {
    if (REPORTED_TWICE.add(listener)) {
      LOG.log(
          Level.WARNING,
          "session listener {0} {1} called once (reported once)",
          listener.getClass().getName(),
          what);
    }
  }

  /** Calls {@code event} on each listener that has not failed before; never throws. */
  static void tell(SessionListener[] listeners, Consumer<SessionListener> event) {
    for (SessionListener listener : listeners) {
      if (hasFailed(listener)) {
        continue;
      }
      long start = Ticker.now;
      try {
        event.accept(listener);
      } catch (Exception | LinkageError | AssertionError e) {
        // Exception, not RuntimeException: a listener can throw a checked one undeclared.
        if (markFailed(listener)) {
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
      long took = Ticker.now - start;
      if (took > SLOW_NANOS && REPORTED_SLOW.add(listener)) {
        LOG.log(
            Level.WARNING,
            "session listener {0} took about {1} ms on the caller''s thread; listeners must be quick"
                + " (hand slow work to another thread)",
            listener.getClass().getName(),
            took / 1_000_000);
      }
    }
  }

  private static boolean hasFailed(SessionListener listener) {
    for (SessionListener broken : failed) {
      if (broken == listener) {
        return true;
      }
    }
    return false;
  }

  /** Records that {@code listener} threw; false when that was known already. */
  private static synchronized boolean markFailed(SessionListener listener) {
    if (hasFailed(listener)) {
      return false;
    }
    List<SessionListener> more = new ArrayList<>(List.of(failed));
    more.add(listener);
    failed = more.toArray(NONE);
    return true;
  }

  /**
   * Runs {@code delivery} on the listener thread rather than the caller's: for events raised on a
   * thread every session shares (lease renewals), which a blocking listener must not hold up. The
   * queue is bounded: when a listener blocks so long that it fills, later events are dropped and
   * that is reported once.
   */
  static void later(Runnable delivery) {
    try {
      Background.EXECUTOR.execute(delivery);
    } catch (RejectedExecutionException e) {
      if (!reportedDropped) {
        reportedDropped = true;
        LOG.log(
            Level.WARNING,
            "session listener events of lease renewals are dropped: "
                + BACKGROUND_QUEUE
                + " are waiting for a listener that blocks");
      }
    }
  }

  /**
   * A clock for finding slow listeners that costs a volatile read: a daemon thread advances it
   * every {@value #TICK_MILLIS} ms, started when a listener is first called. Reading the system
   * clock around every listener call would cost more than the call (on some virtual machines a
   * clock read is a system call of 100 ns or more), and a listener is slow only when it takes a
   * second.
   */
  private static final class Ticker {
    static volatile long now = System.nanoTime();

    static {
      Thread thread =
          new Thread(
              () -> {
                while (true) {
                  now = System.nanoTime();
                  try {
                    Thread.sleep(TICK_MILLIS);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "tgsession-listener-clock");
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** The listener thread, started on first use. */
  private static final class Background {
    static final ExecutorService EXECUTOR =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(BACKGROUND_QUEUE),
            runnable -> {
              Thread thread = new Thread(runnable, "tgsession-listeners");
              thread.setDaemon(true);
              return thread;
            },
            new ThreadPoolExecutor.AbortPolicy());
  }

  private static Set<SessionListener> identitySet() {
    return Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
  }
}
