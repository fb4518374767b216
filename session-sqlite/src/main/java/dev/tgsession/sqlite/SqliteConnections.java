package dev.tgsession.sqlite;

import dev.tgsession.SessionException;
import dev.tgsession.SessionStorageException;
import dev.tgsession.spi.WriteFence;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The connections of one session: one writer behind a lock, and, only while it is busy, a small
 * pool of readers.
 *
 * <p>SQLite admits one writer per file at a time whatever we do, so one writer connection costs no
 * write throughput and keeps each write statement prepared once; serialising our own writers in
 * Java means they never wait in SQLite's busy handler for each other. A read runs on the writer
 * when nobody is writing (a session used by one thread at a time holds one connection, which
 * matters in a fleet); while the writer is busy it takes a reader (up to {@link #MAX_READERS}, each
 * used by one thread at a time, opened on first need and kept), since WAL lets readers run beside
 * the writer. Every multi-statement write starts with {@code BEGIN IMMEDIATE}: it takes the write
 * lock up front, where the busy timeout applies, instead of upgrading a read transaction, which
 * fails at once with SQLITE_BUSY ("database is locked") when another process wrote in between. No
 * monitor is held across driver calls: the writer's lock is a {@link ReentrantLock}; a write inside
 * another write's transaction (on the same thread) joins it.
 */
final class SqliteConnections {

  static final int MAX_READERS = 4;

  /** A unit of work on one connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(SqliteConnection connection) throws SQLException;
  }

  /** A transaction's statements. */
  enum Control implements Sql {
    BEGIN("BEGIN IMMEDIATE"),
    /** A read transaction, whose snapshot the first query takes (see {@link HeldRead}). */
    BEGIN_READ("BEGIN"),
    COMMIT("COMMIT"),
    ROLLBACK("ROLLBACK");

    private final String text;

    Control(String text) {
      this.text = text;
    }

    @Override
    public String text() {
      return text;
    }
  }

  /** What makes a write leave no old bytes behind (see {@link #writeErasing}). */
  private enum Erasing implements Sql {
    SECURE_DELETE("PRAGMA secure_delete"),
    SECURE_DELETE_ON("PRAGMA secure_delete = ON"),
    SECURE_DELETE_OFF("PRAGMA secure_delete = OFF"),
    CHECKPOINT("PRAGMA wal_checkpoint(TRUNCATE)");

    private final String text;

    Erasing(String text) {
      this.text = text;
    }

    @Override
    public String text() {
      return text;
    }
  }

  private final Path file;
  private final WalIndex.FileUse use;
  private final int busyTimeoutMillis;
  private final boolean readOnly;
  private final List<String> temporaryTables;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final @Nullable SqliteConnection writer;
  private final Semaphore readerPermits = new Semaphore(MAX_READERS);
  private final ConcurrentLinkedDeque<SqliteConnection> idleReaders = new ConcurrentLinkedDeque<>();
  private volatile boolean closed;

  /** How many transactions of the writer the lock's holder is inside (guarded by writeLock). */
  private int depth;

  private volatile @Nullable WriteObserver observer;

  /** The writer's read transaction held between reads (guarded by writeLock); null: none. */
  private @Nullable HeldRead held;

  private volatile Fencing fencing = () -> -1;

  /** What the batches of this session know the file holds (guarded by writeLock). */
  private final StoredPeers storedPeers;

  /**
   * @param writer the open writer connection, or null for a read-only session
   * @param temporaryTables for a read-only session of a file that lacks some of our tables (a
   *     grammers file, an older schema): each reader gets empty temporary ones, so every query runs
   * @param rememberedPeers how many peers' stored rows the batches may remember ({@link
   *     StoredPeers}; 0: none)
   */
  SqliteConnections(
      Path file,
      WalIndex.FileUse use,
      int busyTimeoutMillis,
      @Nullable Connection writer,
      List<String> temporaryTables,
      int rememberedPeers) {
    this.storedPeers = new StoredPeers(rememberedPeers);
    this.file = file;
    this.use = use;
    this.busyTimeoutMillis = busyTimeoutMillis;
    this.readOnly = writer == null;
    this.temporaryTables = temporaryTables;
    this.writer = writer == null ? null : new SqliteConnection(writer);
  }

  Path file() {
    return file;
  }

  /** This session's use of its file (the WAL index mapping lives as long as the file's uses). */
  WalIndex.FileUse use() {
    return use;
  }

  /**
   * Runs {@code work} on the writer when nobody is writing (no transaction is open then, so it
   * reads the latest commit), else on a reader connection, opened only when the writer is busy: a
   * session used by one thread at a time holds one connection. A reader that failed is closed, not
   * pooled.
   */
  <T> T read(String operation, Work<T> work) {
    SqliteConnection connection = writer;
    if (connection != null && writeLock.tryLock()) {
      HeldRead hold = depth == 0 ? held : null; // inside a write of this thread: part of it
      boolean healthy = false;
      try {
        requireOpen();
        if (hold != null) {
          hold.beforeRead(connection);
        }
        T result = work.run(connection);
        healthy = true;
        return result;
      } catch (SQLException e) {
        throw failure(operation, e);
      } finally {
        if (hold != null) {
          if (healthy) {
            hold.afterRead();
          } else {
            endQuietly(hold, connection);
          }
        }
        writeLock.unlock();
      }
    }
    readerPermits.acquireUninterruptibly();
    SqliteConnection reader = null;
    boolean healthy = false;
    try {
      requireOpen();
      reader = idleReaders.pollFirst();
      if (reader == null) {
        reader = openReader();
      }
      T result = work.run(reader);
      healthy = true;
      return result;
    } catch (SQLException e) {
      throw failure(operation, e);
    } finally {
      if (reader != null) {
        if (healthy && !closed) {
          idleReaders.offerFirst(reader);
          if (closed) {
            closeIdleReaders();
          }
        } else {
          try {
            reader.close();
          } catch (SQLException ignored) {
            // the connection is dropped either way; the failure that matters is already thrown
          }
        }
      }
      readerPermits.release();
    }
  }

  /**
   * Runs {@code work} on the writer: in a {@code BEGIN IMMEDIATE} transaction when {@code
   * transaction} or when {@code fence} holds a lease (its token is checked first inside it, so the
   * check and the write are one unit), else in autocommit.
   */
  <T> T write(String operation, WriteFence fence, boolean transaction, Work<T> work) {
    return write(operation, transaction, fence, work, false);
  }

  /**
   * Like {@link #write}, for a write that changes no peer's row (the updates state, the DCs): it
   * leaves what {@link StoredPeers} remembers alone.
   */
  <T> T writeNoPeer(String operation, WriteFence fence, boolean transaction, Work<T> work) {
    return write(operation, transaction, fence, work, true);
  }

  /** How many peers {@link StoredPeers} remembers now (for tests). */
  int storedPeerCount() {
    writeLock.lock();
    try {
      return storedPeers.size();
    } finally {
      writeLock.unlock();
    }
  }

  /** A batch of peers written in its own transaction (see {@link #writePeers}). */
  @FunctionalInterface
  interface PeerWork<T> {
    /**
     * @param stored what the file holds for the peers the session's batches last read or wrote,
     *     already checked against other connections' commits; null inside another write's
     *     transaction (then nothing is remembered)
     */
    T run(SqliteConnection connection, @Nullable StoredPeers stored) throws SQLException;
  }

  /**
   * Runs a batch of peers like {@link #write} in a {@code BEGIN IMMEDIATE} transaction; {@code
   * work} keeps {@link StoredPeers} exact itself. When it fails, everything remembered is
   * forgotten.
   */
  <T> T writePeers(String operation, WriteFence fence, PeerWork<T> work) {
    writeLock.lock();
    try {
      if (depth > 0 || !storedPeers.enabled()) {
        storedPeers.clear();
        return write(operation, true, fence, connection -> work.run(connection, null), false);
      }
      return write(
          operation,
          true,
          fence,
          connection -> {
            storedPeers.begin(connection);
            return work.run(connection, storedPeers);
          },
          true);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Runs {@code work} like {@link #write} in a fenced {@code BEGIN IMMEDIATE} transaction, with
   * {@code PRAGMA secure_delete = ON} (what the transaction deletes or shrinks is overwritten with
   * zeros, in the pages it writes and in the free pages it makes), then checkpoints the WAL into
   * the file and truncates it ({@code wal_checkpoint(TRUNCATE)}), so neither the file nor the WAL
   * keeps the old bytes. The checkpoint waits up to the busy timeout for other connections' read
   * transactions; when one still reads past it, the WAL is truncated by a later erasing write.
   *
   * @return whether the WAL was checkpointed and truncated
   */
  boolean writeErasing(String operation, WriteFence fence, Work<?> work) {
    SqliteConnection connection = writer();
    writeLock.lock();
    try {
      requireOpen();
      if (depth > 0) {
        work.run(connection); // joins the transaction around it, which erases and checkpoints
        return false;
      }
      endHeld(connection);
      WalIndex index = use.index(); // other sessions of this JVM stop holding read transactions
      if (index != null) {
        index.eraseBegins();
      }
      try {
        return erase(operation, fence, work, connection);
      } finally {
        if (index != null) {
          index.eraseEnds();
        }
      }
    } catch (SQLException e) {
      throw failure(operation, e);
    } finally {
      writeLock.unlock();
    }
  }

  private boolean erase(
      String operation, WriteFence fence, Work<?> work, SqliteConnection connection)
      throws SQLException {
    {
      boolean wasOn;
      try (ResultSet rows = connection.prepare(Erasing.SECURE_DELETE).executeQuery()) {
        wasOn = rows.next() && rows.getInt(1) != 0;
      }
      connection.run(Erasing.SECURE_DELETE_ON);
      try {
        write(operation, true, fence, work, false);
      } finally {
        if (!wasOn) {
          connection.run(Erasing.SECURE_DELETE_OFF);
        }
      }
      try (ResultSet rows = connection.prepare(Erasing.CHECKPOINT).executeQuery()) {
        return rows.next() && rows.getInt(1) == 0;
      }
    }
  }

  /** Runs {@code work} in a transaction of its own that no fence checks (the lease's own rows). */
  <T> T writeUnfenced(String operation, Work<T> work) {
    return write(operation, true, null, work, false);
  }

  /**
   * @param keepsPeers whether the write leaves {@link StoredPeers} alone: it changes no peer's row,
   *     or it keeps it exact itself; else it is forgotten before the write begins
   */
  private <T> T write(
      String operation,
      boolean transaction,
      @Nullable WriteFence fence,
      Work<T> work,
      boolean keepsPeers) {
    SqliteConnection connection = writer();
    writeLock.lock();
    try {
      requireOpen();
      if (!keepsPeers) {
        storedPeers.clear();
      }
      if (depth > 0) {
        // a write inside another's transaction (see replaceStore) joins it: fenced by it, one unit
        return work.run(connection);
      }
      endHeld(connection);
      boolean fenced = fence != null && fence.leased();
      WriteObserver current = observer;
      if (!transaction && !fenced) {
        T result = work.run(connection);
        if (current != null) {
          current.written(false);
        }
        return result;
      }
      connection.run(Control.BEGIN);
      // holding the write lock now: nobody else commits until our COMMIT
      boolean alone = current != null && current.alone();
      try {
        T result;
        depth++;
        try {
          result = work.run(connection);
        } finally {
          depth--;
        }
        // at the end, right before the commit: the lease file's token, which a takeover moves
        // without waiting for this transaction (see SqliteLeaseStore)
        if (fenced && fencing.token() != fence.token()) {
          throw fence.lost();
        }
        connection.run(Control.COMMIT);
        if (current != null) {
          current.written(alone);
        }
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        storedPeers.clear();
        try {
          connection.run(Control.ROLLBACK);
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw failure(operation, e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Runs {@code work} on the writer if nobody is using it now; null when it is busy, the session is
   * closed or read-only, or the work failed (the caller then assumes the worst).
   */
  <T> @Nullable T withIdleWriter(Work<T> work) {
    SqliteConnection connection = writer;
    if (connection == null || !writeLock.tryLock()) {
      return null;
    }
    try {
      if (closed) {
        return null;
      }
      if (depth == 0) {
        endHeld(connection);
      }
      return work.run(connection);
    } catch (SQLException e) {
      return null;
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Keeps the writer's read transaction open between reads that follow each other closely, while
   * {@code index} shows no commit (see {@link HeldRead}).
   */
  void holdReads(WalIndex index) {
    if (writer == null) {
      return;
    }
    writeLock.lock();
    try {
      held = new HeldRead(index, this::endHeldIfIdle);
    } finally {
      writeLock.unlock();
    }
  }

  private void endHeld(SqliteConnection connection) throws SQLException {
    HeldRead hold = held;
    if (hold != null) {
      hold.end(connection);
    }
  }

  private static void endQuietly(HeldRead hold, SqliteConnection connection) {
    try {
      hold.end(connection);
    } catch (SQLException ignored) {
      // the read's own failure is what is thrown; a broken connection fails the next use too
    }
  }

  /** Run by {@link HeldRead}'s thread: ends the held transaction once it is past its deadline. */
  private void endHeldIfIdle() {
    HeldRead hold = held;
    SqliteConnection connection = writer;
    if (hold == null || connection == null) {
      return;
    }
    if (!writeLock.tryLock()) {
      hold.retryLater();
      return;
    }
    try {
      if (!closed && depth == 0 && hold.expired()) {
        endQuietly(hold, connection);
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Reads the fencing token a leased write must still find (see SqliteLeaseStore). */
  @FunctionalInterface
  interface Fencing {
    long token() throws SQLException;
  }

  /** Sets where fenced writes read the token (the session's lease store). */
  void fencedBy(Fencing fencing) {
    this.fencing = fencing;
  }

  int busyTimeoutMillis() {
    return busyTimeoutMillis;
  }

  /** What the writer tells, under its lock, about each write (see {@link SqliteCoherence}). */
  interface WriteObserver {
    /**
     * Right after {@code BEGIN IMMEDIATE} took the write lock: whether no other connection has
     * committed since the observer last knew the file current.
     */
    boolean alone();

    /**
     * After a write that succeeded; {@code alone} when {@link #alone} held inside its transaction,
     * so that its commit is the only one since.
     */
    void written(boolean alone);
  }

  /** Tells {@code observer}, under the writer's lock, about each write that succeeded. */
  void afterEachWrite(WriteObserver observer) {
    this.observer = observer;
  }

  private SqliteConnection openReader() throws SQLException {
    if (!readOnly) {
      return new SqliteConnection(SessionFile.openReader(file, busyTimeoutMillis));
    }
    Connection connection = SessionFile.openReadOnly(file, busyTimeoutMillis);
    if (!temporaryTables.isEmpty()) {
      try (Statement statement = connection.createStatement()) {
        for (String ddl : temporaryTables) {
          statement.execute(ddl);
        }
      } catch (SQLException e) {
        connection.close();
        throw e;
      }
    }
    return new SqliteConnection(connection);
  }

  /** The exception for a failure of {@code operation}, in the one shape of this backend. */
  SessionException failure(String operation, SQLException e) {
    return SqliteFailures.map(file, operation, e, busyTimeoutMillis);
  }

  /**
   * Closes every connection, once the reads under way have returned theirs, then ends this
   * session's use of the file (the last use closes the WAL index's descriptor).
   */
  void close() {
    closed = true;
    readerPermits.acquireUninterruptibly(MAX_READERS);
    SQLException failure = null;
    if (writer != null) {
      writeLock.lock();
      try {
        HeldRead hold = held;
        if (hold != null) {
          endQuietly(hold, writer);
        }
        writer.close();
      } catch (SQLException e) {
        failure = e;
      } finally {
        writeLock.unlock();
      }
    }
    SQLException readers = closeIdleReaders();
    failure = failure == null ? readers : failure;
    use.close();
    if (failure != null) {
      throw new SessionStorageException(
          SqliteFailures.message(file, "close cleanly", SqliteFailures.cause(failure)), failure);
    }
  }

  /** Whether this session was opened with {@code mode=read-only} (no writer). */
  boolean readOnly() {
    return readOnly;
  }

  private SqliteConnection writer() {
    if (writer == null) {
      throw new IllegalStateException(
          "session file "
              + file
              + " was opened read-only (mode=read-only); open it without that option to write");
    }
    return writer;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("session file " + file + " is closed");
    }
  }

  private @Nullable SQLException closeIdleReaders() {
    SQLException failure = null;
    SqliteConnection reader;
    while ((reader = idleReaders.pollFirst()) != null) {
      try {
        reader.close();
      } catch (SQLException e) {
        failure = failure == null ? e : failure;
      }
    }
    return failure;
  }
}
