package dev.tgsession.sqlite;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.SessionStorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteOpenMode;
import org.sqlite.jdbc4.JDBC4Connection;

/**
 * Opening a session file: create it owner-only, recognise what it is without writing to it, then
 * open it for writing in WAL mode and migrate it.
 */
final class SessionFile {

  private static final byte[] SQLITE_HEADER =
      "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private SessionFile() {}

  /**
   * Creates the file with permissions 0600 if it does not exist (where the file system has POSIX
   * permissions), so SQLite never creates it with the umask's wider ones; SQLite gives its -wal and
   * -shm files the permissions of the database file.
   */
  static void createOwnerOnly(Path file) {
    if (Files.exists(file)) {
      return;
    }
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        throw new SessionStorageException(
            SqliteFailures.message(
                file, "create the file", "expected its directory to exist, found none; create it"),
            null);
      }
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException e) {
      // another process created it first: fine, it is a session file or will be checked as one
    } catch (IOException e) {
      throw new SessionStorageException(
          SqliteFailures.message(file, "create the file", SqliteFailures.cause(e)), e);
    }
  }

  /**
   * Rejects a file that is not SQLite by its first 16 bytes (an empty file is a new database).
   *
   * @throws IncompatibleSessionException if it is not an SQLite database
   */
  static void requireSqliteHeader(Path file, String what) {
    byte[] header;
    try (InputStream in = Files.newInputStream(file)) {
      header = in.readNBytes(SQLITE_HEADER.length);
    } catch (IOException e) {
      throw new SessionStorageException(
          SqliteFailures.message(file, "read the file", SqliteFailures.cause(e)), e);
    }
    if (header.length != 0 && !Arrays.equals(header, SQLITE_HEADER)) {
      throw new IncompatibleSessionException(
          "expected "
              + what
              + " (an SQLite database), found a file that is not SQLite at "
              + file
              + "; check the path, the file was left untouched");
    }
  }

  /**
   * Opens a read-only connection that writes nothing, not even side files: without a -wal file all
   * content is in the database file, so it is opened {@code immutable} (no locks, no -wal or -shm
   * created); with one, another connection is using the file (or crashed), its -wal and -shm exist,
   * and a plain read-only open reads the WAL too, waiting up to {@code busyTimeoutMillis} for a
   * writer's lock.
   */
  static Connection openReadOnly(Path file, int busyTimeoutMillis) throws SQLException {
    Path wal = file.resolveSibling(file.getFileName() + "-wal");
    if (Files.exists(wal)) {
      return openLockedReadOnly(file, busyTimeoutMillis);
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setOpenMode(SQLiteOpenMode.READONLY);
    config.setOpenMode(SQLiteOpenMode.OPEN_URI);
    String uri = file.toAbsolutePath().toUri() + "?immutable=1";
    return new JDBC4Connection("jdbc:sqlite:" + uri, uri, tuned(config).toProperties());
  }

  /**
   * Opens a read-only connection that takes SQLite's locks, waiting up to {@code busyTimeoutMillis}
   * for them, and reads a hot journal or WAL.
   */
  static Connection openLockedReadOnly(Path file, int busyTimeoutMillis) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(busyTimeoutMillis);
    config.setReadOnly(true);
    config.setOpenMode(SQLiteOpenMode.READONLY);
    return open(file, config);
  }

  /**
   * Opens a read-write connection with the busy timeout, switched to WAL and synchronous=NORMAL. A
   * file that holds nothing yet (a session being created) is switched with synchronous=OFF: its
   * conversion writes a rollback journal, and syncing that journal, the directory and the file for
   * a database that holds nothing (four fsyncs, most of a new session's opening) protects nothing;
   * a file with content is switched under NORMAL.
   */
  static Connection openReadWrite(Path file, int busyTimeoutMillis) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(busyTimeoutMillis);
    Connection connection = open(file, config);
    try (Statement statement = connection.createStatement()) {
      boolean empty;
      try (ResultSet pages = statement.executeQuery("PRAGMA page_count")) {
        empty = pages.next() && pages.getLong(1) == 0;
      }
      statement.execute(empty ? "PRAGMA synchronous = OFF" : "PRAGMA synchronous = NORMAL");
      switchToWal(statement, busyTimeoutMillis);
      if (empty) {
        statement.execute("PRAGMA synchronous = NORMAL");
      }
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return connection;
  }

  /**
   * Puts the file in WAL mode (a setting stored in the file, so a no-op once done). Converting a
   * new file takes its exclusive lock; when several connections convert it at the same moment,
   * SQLite answers all but one with SQLITE_BUSY at once, without its busy handler (waiting would
   * deadlock). So the conversion is retried here, with a short random pause, until the busy timeout
   * has passed; the winner's conversion takes microseconds.
   */
  private static void switchToWal(Statement statement, int busyTimeoutMillis) throws SQLException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(busyTimeoutMillis);
    for (int attempt = 0; ; attempt++) {
      try {
        statement.execute("PRAGMA journal_mode = WAL");
        return;
      } catch (SQLiteException e) {
        int primary = e.getResultCode().code & 0xFF;
        if (primary != SQLiteErrorCode.SQLITE_BUSY.code || System.nanoTime() - deadline >= 0) {
          throw e;
        }
        try {
          Thread.sleep(1 + ThreadLocalRandom.current().nextInt(Math.min(1 << attempt, 20)));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          e.addSuppressed(interrupted);
          throw e;
        }
      }
    }
  }

  /** Opens a connection for reads only; the file is already in WAL mode. */
  static Connection openReader(Path file, int busyTimeoutMillis) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(busyTimeoutMillis);
    return open(file, config);
  }

  private static Connection open(Path file, SQLiteConfig config) throws SQLException {
    String name = file.toAbsolutePath().toString();
    Properties properties = tuned(config).toProperties();
    // The constructor takes the file name as is: no '?' options are parsed out of it.
    return new JDBC4Connection("jdbc:sqlite:" + name, name, properties);
  }

  /**
   * The most page cache one connection keeps, in KiB ({@code PRAGMA cache_size = -N}). SQLite's
   * default, 2,000 KiB (500 pages), is smaller than what a read by id walks in a session of some
   * tens of thousands of peers (grammers' {@code peer_info}, our {@code tgsession_peer} and the
   * username table and index: about 1,000 pages at 50,000 peers), so random cold reads kept
   * evicting pages they needed again and re-read them from the file. The cache grows only with the
   * pages a connection reads: a small session costs what it did.
   */
  static final int PAGE_CACHE_KIB = 8_192;

  /**
   * Sets the page cache ({@link #PAGE_CACHE_KIB}) and turns off sqlite-jdbc's generated keys: with
   * them on (its default), every {@code INSERT} run by {@code executeUpdate} or {@code execute}
   * prepares, runs and closes a {@code SELECT last_insert_rowid()} of its own (one parse of SQL per
   * write; nothing here reads the keys).
   */
  private static SQLiteConfig tuned(SQLiteConfig config) {
    config.setGetGeneratedKeys(false);
    config.setCacheSize(-PAGE_CACHE_KIB);
    return config;
  }
}
