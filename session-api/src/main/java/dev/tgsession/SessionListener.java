package dev.tgsession;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Hears what sessions do: every store operation, peer-cache hits and misses, leases and encryption.
 * No dependency: {@code session-micrometer} maps it to Micrometer Observations.
 *
 * <p>Register one per open ({@link OpenOptions#withListener}) or for the whole process ({@link
 * Sessions#addListener}). Calls arrive on the thread that did the work, after the work (lease
 * renewals, done on a thread every session shares, on a listener thread instead), so a listener
 * must be quick: one that throws is reported once and skipped from then on, one that blocks slows
 * only the session that called it and is reported once. Nothing is built for listeners when none is
 * registered.
 *
 * <p>Every method has an empty default: implement those you need.
 *
 * @since 0.3.0
 */
public interface SessionListener {

  /** A session was opened ({@link Sessions#open} is about to return it). */
  default void sessionOpened(Source source) {}

  /**
   * A session was closed (once per instance); told only to the listeners that were told it opened,
   * so a count of open sessions stays exact.
   */
  default void sessionClosed(Source source) {}

  /**
   * One operation of the session on its store is about to run on this thread; {@link #operation}
   * follows on the same thread when it ends. For a listener that must span the work (an
   * Observation, a trace span the driver's spans nest in); the duration in {@link Operation} does
   * not include the time listeners took here.
   *
   * @param name the {@link Session} method it serves, as {@link Operation#name()}
   */
  default void operationStarted(Source source, String name) {}

  /** One operation of the session on its store ended, in success or failure. */
  default void operation(Operation operation) {}

  /** A peer looked up by id was served from the in-process cache ({@code hit}) or not. */
  default void peerCacheAccess(Source source, boolean hit) {}

  /** The peer cache was dropped because another instance changed peers. */
  default void peerCacheInvalidated(Source source) {}

  /** A lease was acquired, renewed, lost or released. */
  default void lease(Source source, LeaseEvent event, SessionLease lease) {}

  /** Encryption at rest was opened, turned on, rekeyed or turned off. */
  default void encryption(Source source, EncryptionEvent event, @Nullable String fingerprint) {}

  /**
   * Which session an event is about.
   *
   * @param backend the URI scheme of its backend ({@code sqlite}, {@code redis}, ...)
   * @param session its name ({@code session=} of its URI; the file path for sqlite)
   */
  record Source(String backend, String session) {
    public Source {
      Objects.requireNonNull(backend, "backend");
      Objects.requireNonNull(session, "session");
    }
  }

  /**
   * One store operation.
   *
   * @param source the session
   * @param name the {@link Session} method it served ({@code cachePeers}, {@code peer}, {@code
   *     setUpdateState}, ...)
   * @param durationNanos how long the store took
   * @param errorType the simple class name of the exception it ended with; null on success
   * @param batchSize how many items it carried (peers of a batch); 1 for single-item operations, 0
   *     for reads without a count
   * @param at when it ended
   */
  record Operation(
      Source source,
      String name,
      long durationNanos,
      @Nullable String errorType,
      int batchSize,
      Instant at) {
    public Operation {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(at, "at");
    }

    /** Whether the operation succeeded. */
    public boolean succeeded() {
      return errorType == null;
    }
  }

  /** What happened to a lease. */
  enum LeaseEvent {
    ACQUIRED,
    RENEWED,
    LOST,
    RELEASED
  }

  /** What happened to encryption at rest. */
  enum EncryptionEvent {
    /** An encrypted session was opened with its key. */
    OPENED,
    /** A plain session was encrypted in place on open. */
    ENCRYPTED,
    /** Re-encrypted with another key. */
    REKEYED,
    /** Decrypted: the auth keys are stored plain again. */
    DECRYPTED
  }
}
