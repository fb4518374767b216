package dev.tgsession.sqlite;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.SessionException;
import dev.tgsession.SessionStorageException;
import dev.tgsession.spi.PeerCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.sqlite.SQLiteErrorCode;

/**
 * Opens a session file: creates it owner-only (unless read-only), recognises and checks what it
 * holds on a read-only connection ({@link FileInspection}), and only then opens it for writing,
 * switched to WAL and migrated; a refused file is left byte for byte as it was.
 */
final class SqliteFileOpener {

  private SqliteFileOpener() {}

  /**
   * Opens {@code file}.
   *
   * @param readOnly open without writing anything: the file must exist and be a session; no WAL
   *     switch, no migration, no side files created; writes throw {@link IllegalStateException}
   * @param peerCache the cache to keep coherent (ignored when read-only)
   * @param peerCacheSize its size ({@code peer-cache}): also how many peers' stored rows the
   *     session's batches may remember (0: none)
   * @throws IncompatibleSessionException if the file is not one this version can use
   */
  static SqliteSession open(
      String description,
      Path file,
      int busyTimeoutMillis,
      PeerCache peerCache,
      int peerCacheSize,
      boolean readOnly) {
    if (readOnly) {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(
            "expected an existing session file at "
                + file
                + " (mode=read-only never creates one), found none; check the path");
      }
    } else {
      SessionFile.createOwnerOnly(file);
    }
    WalIndex.FileUse use = WalIndex.use(file);
    try {
      return open(description, file, use, busyTimeoutMillis, peerCache, peerCacheSize, readOnly);
    } catch (RuntimeException | Error e) {
      use.close();
      throw e;
    }
  }

  private static SqliteSession open(
      String description,
      Path file,
      WalIndex.FileUse use,
      int busyTimeoutMillis,
      PeerCache peerCache,
      int peerCacheSize,
      boolean readOnly) {
    SessionFile.requireSqliteHeader(file, "a session file");
    Schema.Contents contents = null;
    try {
      if (Files.size(file) > 0) {
        contents = inspect(file, busyTimeoutMillis);
      }
    } catch (IOException e) {
      throw new SessionStorageException(
          SqliteFailures.message(file, "read the file", SqliteFailures.cause(e)), e);
    } catch (SQLException e) {
      throw inspectionFailure(file, e, busyTimeoutMillis);
    }
    if (readOnly) {
      if (contents == null || contents.isEmpty()) {
        throw new IllegalArgumentException(
            "expected a session file at "
                + file
                + ", found an empty database (mode=read-only does not create a session)");
      }
      SqliteConnections connections =
          new SqliteConnections(
              file, use, busyTimeoutMillis, null, Schema.temporaryTables(contents.tables()), 0);
      return new SqliteSession(description, connections, PeerCache.none(), null, true);
    }
    if (peerCache != PeerCache.none()) {
      use.mapBeforeConnecting(); // the inspection's connection is closed: no lock of ours is held
    }
    Connection connection = null;
    try {
      connection = SessionFile.openReadWrite(file, busyTimeoutMillis);
      Schema.migrate(connection);
      SqliteConnections connections =
          new SqliteConnections(file, use, busyTimeoutMillis, connection, List.of(), peerCacheSize);
      WalIndex index = peerCache == PeerCache.none() ? null : use.index();
      SqliteCoherence coherence =
          peerCache == PeerCache.none() ? null : new SqliteCoherence(connections, index);
      if (index != null) {
        connections.holdReads(index);
      }
      return new SqliteSession(description, connections, peerCache, coherence, false);
    } catch (SQLException | RuntimeException e) {
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException closing) {
          e.addSuppressed(closing);
        }
      }
      if (e instanceof SQLException sql) {
        throw SqliteFailures.map(file, "open the session", sql, busyTimeoutMillis);
      }
      throw (RuntimeException) e;
    }
  }

  private static Schema.Contents inspect(Path file, int busyTimeoutMillis) throws SQLException {
    return readSettled(
        file, busyTimeoutMillis, inspector -> FileInspection.requireUsable(inspector, file));
  }

  /** What {@link #readSettled} reads from a read-only connection. */
  @FunctionalInterface
  interface Reading<T> {
    T read(Connection connection) throws SQLException;
  }

  /**
   * Reads {@code file} on a read-only connection, all in one read transaction, so that what is read
   * is one snapshot of the file. An unlocked (immutable) read can still catch a concurrent creator
   * writing or checkpointing the first pages, and see a torn file: a damaged-looking page, or
   * tables not yet there beside a header already written. So a refusal from the first read (an
   * {@link SQLException} or an {@link IncompatibleSessionException}) is not the answer: the file is
   * read again, under SQLite's locks when another connection has side files open (a read-only
   * connection to a WAL file creates -wal and -shm otherwise), after a short pause if not; the
   * second read's verdict stands.
   */
  static <T> T readSettled(Path file, int busyTimeoutMillis, Reading<T> reading)
      throws SQLException {
    try (Connection inspector = SessionFile.openReadOnly(file, busyTimeoutMillis)) {
      return inOneSnapshot(inspector, reading);
    } catch (SQLException | IncompatibleSessionException unlocked) {
      boolean inUse =
          Files.exists(file.resolveSibling(file.getFileName() + "-wal"))
              || Files.exists(file.resolveSibling(file.getFileName() + "-journal"));
      if (!inUse) {
        pause();
      }
      try (Connection inspector =
          inUse
              ? SessionFile.openLockedReadOnly(file, busyTimeoutMillis)
              : SessionFile.openReadOnly(file, busyTimeoutMillis)) {
        return inOneSnapshot(inspector, reading);
      } catch (SQLException | RuntimeException again) {
        again.addSuppressed(unlocked);
        throw again;
      }
    }
  }

  private static <T> T inOneSnapshot(Connection connection, Reading<T> reading)
      throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("BEGIN");
      T result;
      try {
        result = reading.read(connection);
      } catch (SQLException | RuntimeException e) {
        try {
          statement.execute("ROLLBACK");
        } catch (SQLException ending) {
          e.addSuppressed(ending);
        }
        throw e;
      }
      statement.execute("COMMIT"); // a read transaction: ends it, writes nothing
      return result;
    }
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A failure while reading a file with SQLite's header: the file is damaged, unless SQLite says
   * the trouble was I/O, locks or memory.
   */
  static SessionException inspectionFailure(Path file, SQLException e, int busyTimeoutMillis) {
    int primary = SqliteFailures.primaryCode(e);
    if (primary == SQLiteErrorCode.SQLITE_IOERR.code
        || primary == SQLiteErrorCode.SQLITE_CANTOPEN.code
        || primary == SQLiteErrorCode.SQLITE_NOMEM.code
        || primary == SQLiteErrorCode.SQLITE_BUSY.code
        || primary == SQLiteErrorCode.SQLITE_LOCKED.code
        || primary == SQLiteErrorCode.SQLITE_PERM.code
        || primary == SQLiteErrorCode.SQLITE_INTERRUPT.code) {
      return SqliteFailures.map(file, "read the file", e, busyTimeoutMillis);
    }
    return new IncompatibleSessionException(
        SqliteFailures.message(
            file,
            "read the file",
            "expected an intact SQLite database, found a damaged one ("
                + SqliteFailures.cause(e)
                + "); restore a backup. Left untouched."),
        e);
  }
}
