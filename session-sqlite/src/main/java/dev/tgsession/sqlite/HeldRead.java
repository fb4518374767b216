package dev.tgsession.sqlite;

import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The writer's read transaction, kept open from one read to the next while reads follow each other
 * closely and the WAL index header ({@link WalIndex}) shows no commit since it began. In autocommit
 * every query begins a read transaction (WAL index header, a read mark, its shared-memory lock) and
 * its reset ends it (the lock's release): about a third of a lookup by username or phone. Held, a
 * read pays six memory loads instead.
 *
 * <p>Coherence: the header is read before the transaction's snapshot is taken (a deferred {@code
 * BEGIN} takes it at the first query), so an unchanged header means no commit since the snapshot;
 * any commit of another connection changes it, and the next read then ends the transaction and
 * starts a new one. A held transaction never outlives {@link #HOLD_MILLIS}: the next read past that
 * starts a new one, and a shared daemon thread ends an idle one, so another connection's truncating
 * checkpoint (an erasing write) waits that long at most, in its busy handler, and the WAL can be
 * restarted. A read that follows the previous one by more than that runs in autocommit, as before:
 * a session read now and then (a fleet's) never holds one. So does a read less than that after the
 * header last changed: a connection that just committed may be about to checkpoint (an erasing
 * write truncates the WAL right after its commit), and a reader that holds a snapshot nearly all
 * the time could keep its checkpoint waiting, where short autocommit reads leave it gaps. Every
 * write, and every use of the writer that is not a read, ends it first. Guarded by the writer's
 * lock, except {@link #endIfIdle}'s scheduling.
 */
final class HeldRead {

  /** How long a read transaction is held at most, and how close reads must follow to hold one. */
  static final long HOLD_MILLIS = 10;

  private static final long HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(HOLD_MILLIS);

  private static final ThreadFactory DAEMON =
      work -> {
        Thread thread = new Thread(work, "tgsession-sqlite-read-end");
        thread.setDaemon(true);
        return thread;
      };

  /** Ends idle held transactions of every session of this JVM (one thread, created on need). */
  private static final class Ender {
    static final ScheduledExecutorService EXECUTOR =
        Executors.newSingleThreadScheduledExecutor(DAEMON);
  }

  private final WalIndex index;
  private final Runnable endIfIdle;
  private WalIndex.@Nullable Stamp stamp;
  private long deadline;
  private long lastRead;
  private WalIndex.@Nullable Stamp lastHeader;
  private long changedAt;
  private boolean readBefore;

  /**
   * @param endIfIdle ends the held transaction if it is past its deadline, under the writer's lock
   *     (see {@link SqliteConnections}); run on the shared thread
   */
  HeldRead(WalIndex index, Runnable endIfIdle) {
    this.index = index;
    this.endIfIdle = endIfIdle;
  }

  /**
   * Before a read on the writer: keeps the held transaction when it is current and young, else ends
   * it; begins one when reads follow each other closely.
   */
  void beforeRead(SqliteConnection writer) throws SQLException {
    long now = System.nanoTime();
    WalIndex.Stamp held = stamp;
    if (held != null) {
      if (now - deadline < 0 && index.unchangedSince(held) && !index.erasing()) {
        return;
      }
      end(writer);
    }
    if (index.erasing()) {
      return; // an erasing write's checkpoint is waiting for read transactions to end
    }
    WalIndex.Stamp header = index.read(); // before the snapshot: unchanged means none since
    if (!header.equals(lastHeader)) {
      lastHeader = header;
      changedAt = now;
    }
    boolean hold = readBefore && now - lastRead < HOLD_NANOS && now - changedAt >= HOLD_NANOS;
    readBefore = true;
    lastRead = now;
    if (!hold) {
      // a read now and then, or one soon after a commit (its writer may be about to checkpoint),
      // runs in autocommit
      return;
    }
    writer.run(SqliteConnections.Control.BEGIN_READ);
    stamp = header;
    deadline = now + HOLD_NANOS;
    Ender.EXECUTOR.schedule(endIfIdle, HOLD_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** After a read on the writer. */
  void afterRead() {
    lastRead = System.nanoTime();
  }

  /** Whether a transaction is held and past its deadline. */
  boolean expired() {
    return stamp != null && System.nanoTime() - deadline >= 0;
  }

  /** Ends the held transaction, if any. */
  void end(SqliteConnection writer) throws SQLException {
    if (stamp == null) {
      return;
    }
    stamp = null;
    try {
      writer.run(SqliteConnections.Control.COMMIT);
    } catch (SQLException e) {
      try {
        writer.run(SqliteConnections.Control.ROLLBACK);
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    }
  }

  /** Tries again later to end an expired transaction whose writer was busy. */
  void retryLater() {
    Ender.EXECUTOR.schedule(endIfIdle, HOLD_MILLIS, TimeUnit.MILLISECONDS);
  }
}
