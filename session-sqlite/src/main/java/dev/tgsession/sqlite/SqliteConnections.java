package dev.tgsession.sqlite;

import dev.tgsession.SessionException;
import dev.tgsession.SessionStorageException;
import dev.tgsession.spi.WriteFence;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The connections of one session: one writer behind a lock, and a small pool of readers.
 *
 * <p>SQLite admits one writer per file at a time whatever we do, so one writer connection costs no
 * write throughput and keeps each write statement prepared once; serialising our own writers in
 * Java means they never wait in SQLite's busy handler for each other. WAL lets readers run beside
 * the writer and beside each other, so reads from many threads take their own connections (up to
 * {@link #MAX_READERS}, each used by one thread at a time) instead of queueing on the writer's
 * lock. Every multi-statement write starts with {@code BEGIN IMMEDIATE}: it takes the write lock up
 * front, where the busy timeout applies, instead of upgrading a read transaction, which fails at
 * once with SQLITE_BUSY ("database is locked") when another process wrote in between. No monitor is
 * held across driver calls: the writer's lock is a {@link ReentrantLock}.
 */
final class SqliteConnections {

  static final int MAX_READERS = 4;

  /** A unit of work on one connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(SqliteConnection connection) throws SQLException;
  }

  private enum Control implements Sql {
    BEGIN("BEGIN IMMEDIATE"),
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
  private final int busyTimeoutMillis;
  private final boolean readOnly;
  private final boolean withoutOurTables;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final @Nullable SqliteConnection writer;
  private final Semaphore readerPermits = new Semaphore(MAX_READERS);
  private final ConcurrentLinkedDeque<SqliteConnection> idleReaders = new ConcurrentLinkedDeque<>();
  private volatile boolean closed;
  private volatile @Nullable WriteObserver observer;

  /**
   * @param writer the open writer connection, or null for a read-only session
   * @param withoutOurTables a read-only session of a grammers file that has no {@code tgsession_}
   *     tables: each reader gets empty temporary ones, so the peer queries read grammers' rows
   */
  SqliteConnections(
      Path file, int busyTimeoutMillis, @Nullable Connection writer, boolean withoutOurTables) {
    this.file = file;
    this.busyTimeoutMillis = busyTimeoutMillis;
    this.readOnly = writer == null;
    this.withoutOurTables = withoutOurTables;
    this.writer = writer == null ? null : new SqliteConnection(writer);
  }

  Path file() {
    return file;
  }

  /** Runs {@code work} on a reader connection; a reader that failed is closed, not pooled. */
  <T> T read(String operation, Work<T> work) {
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
    return write(operation, transaction, fence, work);
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
      boolean wasOn;
      try (ResultSet rows = connection.prepare(Erasing.SECURE_DELETE).executeQuery()) {
        wasOn = rows.next() && rows.getInt(1) != 0;
      }
      connection.run(Erasing.SECURE_DELETE_ON);
      try {
        write(operation, true, fence, work);
      } finally {
        if (!wasOn) {
          connection.run(Erasing.SECURE_DELETE_OFF);
        }
      }
      try (ResultSet rows = connection.prepare(Erasing.CHECKPOINT).executeQuery()) {
        return rows.next() && rows.getInt(1) == 0;
      }
    } catch (SQLException e) {
      throw failure(operation, e);
    } finally {
      writeLock.unlock();
    }
  }

  /** Runs {@code work} in a transaction of its own that no fence checks (the lease's own rows). */
  <T> T writeUnfenced(String operation, Work<T> work) {
    return write(operation, true, null, work);
  }

  private <T> T write(
      String operation, boolean transaction, @Nullable WriteFence fence, Work<T> work) {
    SqliteConnection connection = writer();
    writeLock.lock();
    try {
      requireOpen();
      boolean fenced = fence != null && fence.leased();
      if (!transaction && !fenced) {
        T result = work.run(connection);
        observe(connection);
        return result;
      }
      connection.run(Control.BEGIN);
      try {
        if (fenced && SqliteLeaseStore.fencingToken(connection) != fence.token()) {
          throw fence.lost();
        }
        T result = work.run(connection);
        connection.run(Control.COMMIT);
        observe(connection);
        return result;
      } catch (SQLException | RuntimeException | Error e) {
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
      return closed ? null : work.run(connection);
    } catch (SQLException e) {
      return null;
    } finally {
      writeLock.unlock();
    }
  }

  /** What runs on the writer, under its lock, after each write that succeeded. */
  @FunctionalInterface
  interface WriteObserver {
    void written(SqliteConnection writer) throws SQLException;
  }

  /** Runs {@code observer} on the writer, under its lock, after each write that succeeded. */
  void afterEachWrite(WriteObserver observer) {
    this.observer = observer;
  }

  private SqliteConnection openReader() throws SQLException {
    if (!readOnly) {
      return new SqliteConnection(SessionFile.openReader(file, busyTimeoutMillis));
    }
    Connection connection = SessionFile.openReadOnly(file, busyTimeoutMillis);
    if (withoutOurTables) {
      try (Statement statement = connection.createStatement()) {
        for (String ddl : Schema.TEMPORARY_PEER_TABLES) {
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

  /** Closes every connection; the idle readers at once, a busy one when its user returns it. */
  void close() {
    closed = true;
    SQLException failure = null;
    if (writer != null) {
      writeLock.lock();
      try {
        writer.close();
      } catch (SQLException e) {
        failure = e;
      } finally {
        writeLock.unlock();
      }
    }
    SQLException readers = closeIdleReaders();
    failure = failure == null ? readers : failure;
    if (failure != null) {
      throw new SessionStorageException(
          SqliteFailures.message(file, "close cleanly", SqliteFailures.cause(failure)), failure);
    }
  }

  private void observe(SqliteConnection connection) {
    WriteObserver current = observer;
    if (current != null) {
      try {
        current.written(connection);
      } catch (SQLException e) {
        // the observer's state stays as it was; its next check finds out
      }
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
