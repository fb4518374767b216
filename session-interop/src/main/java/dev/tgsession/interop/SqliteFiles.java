package dev.tgsession.interop;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.SessionStorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The SQLite files of other libraries: recognised by their header, read on a connection that writes
 * nothing (not even side files), and written whole into a temporary file that is moved into place
 * only once complete.
 */
final class SqliteFiles {

  /**
   * The largest session file read. Telethon and Pyrogram keep one row per peer seen (a few hundred
   * bytes each): a million peers stay far below this.
   */
  static final long MAX_FILE_BYTES = 1L << 30;

  private static final byte[] HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private SqliteFiles() {}

  /**
   * Checks that {@code file} is a regular file of at most {@link #MAX_FILE_BYTES} that starts as an
   * SQLite database.
   *
   * @throws SessionStorageException if there is no such file or it cannot be read
   * @throws IncompatibleSessionException if it is too large or not SQLite
   */
  static void requireDatabase(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new SessionStorageException(
          "expected " + what + " at " + file + ", found no such file", null);
    }
    byte[] header;
    long size;
    try (InputStream in = Files.newInputStream(file)) {
      size = Files.size(file);
      header = in.readNBytes(HEADER.length);
    } catch (IOException e) {
      throw new SessionStorageException(
          "cannot read " + file + ": " + e.getClass().getSimpleName(), e);
    }
    if (size > MAX_FILE_BYTES) {
      throw new IncompatibleSessionException(
          "expected "
              + what
              + " of at most "
              + MAX_FILE_BYTES
              + " bytes, found "
              + size
              + " bytes at "
              + file
              + "; it was not read");
    }
    if (!Arrays.equals(header, HEADER)) {
      throw new IncompatibleSessionException(
          "expected "
              + what
              + " (an SQLite database), found a file that is not SQLite at "
              + file
              + "; check the path, the file was left untouched");
    }
  }

  /**
   * A read-only connection that writes nothing: {@code immutable} when no -wal file exists (no
   * locks, no side files), else a read-only one that also reads the WAL.
   */
  static Connection openReadOnly(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setOpenMode(SQLiteOpenMode.READONLY);
    Path wal = file.resolveSibling(file.getFileName() + "-wal");
    if (Files.exists(wal)) {
      config.setBusyTimeout(5000);
      return DriverManager.getConnection(
          "jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
    }
    config.setOpenMode(SQLiteOpenMode.OPEN_URI);
    String uri = file.toAbsolutePath().toUri() + "?immutable=1";
    return DriverManager.getConnection("jdbc:sqlite:" + uri, config.toProperties());
  }

  /** The tables of the database and their columns, in declaration order. */
  static Map<String, Set<String>> tables(Connection connection) throws SQLException {
    Map<String, Set<String>> tables = new TreeMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p"
                    + " WHERE m.type = 'table' ORDER BY m.name, p.cid")) {
      while (rows.next()) {
        tables
            .computeIfAbsent(rows.getString(1), t -> new LinkedHashSet<>())
            .add(rows.getString(2));
      }
    }
    return tables;
  }

  /** The one integer in the first row of {@code sql}, or {@code null} when there is no row. */
  static @Nullable Long single(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      if (!rows.next()) {
        return null;
      }
      long value = rows.getLong(1);
      return rows.wasNull() ? null : value;
    }
  }

  /** What failed while reading {@code file}, as the exception the API documents. */
  static RuntimeException readFailure(Path file, String what, SQLException e) {
    String cause = String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
    if (cause.length() > 120) {
      cause = cause.substring(0, 120) + "...";
    }
    if (cause.contains("SQLITE_BUSY")
        || cause.contains("SQLITE_IOERR")
        || cause.contains("SQLITE_CANTOPEN")
        || cause.contains("SQLITE_PERM")) {
      return new SessionStorageException("cannot read " + what + " " + file + ": " + cause, e);
    }
    return new IncompatibleSessionException(
        "expected "
            + what
            + " (an intact SQLite database) at "
            + file
            + ", found a damaged one ("
            + cause
            + "); it was left untouched",
        e);
  }

  /** Writes one new file. */
  @FunctionalInterface
  interface Filler {
    void fill(Connection connection) throws SQLException;
  }

  /**
   * Creates {@code file} (owner-only where the file system has POSIX permissions) by filling a
   * temporary file next to it and moving that into place: a failure leaves no file behind, and
   * nobody sees a half-written one.
   *
   * @param replace whether an existing {@code file} may be replaced
   * @throws IllegalArgumentException if {@code file} exists and {@code replace} is false
   */
  static void create(Path file, boolean replace, Filler filler) {
    Path target = file.toAbsolutePath();
    if (!replace && Files.exists(target)) {
      throw new IllegalArgumentException(
          "expected a new file to write, found an existing " + file + " (it was left as it was)");
    }
    Path parent = target.getParent();
    Path temporary = null;
    try {
      temporary = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
      if (temporary.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
      }
      try (Connection connection =
          DriverManager.getConnection("jdbc:sqlite:" + temporary.toAbsolutePath())) {
        connection.setAutoCommit(false);
        filler.fill(connection);
        connection.commit();
      }
      if (replace) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      } else {
        // Files.move without REPLACE_EXISTING refuses a target created meanwhile
        Files.move(temporary, target);
      }
      temporary = null;
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException(
          "expected a new file to write, found an existing " + file + " (it was left as it was)");
    } catch (IOException e) {
      throw new SessionStorageException(
          "cannot write " + file + ": " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
    } catch (SQLException e) {
      throw new SessionStorageException("cannot write " + file + ": " + e.getMessage(), e);
    } finally {
      if (temporary != null) {
        for (String suffix : new String[] {"", "-journal", "-wal", "-shm"}) {
          try {
            Files.deleteIfExists(temporary.resolveSibling(temporary.getFileName() + suffix));
          } catch (IOException ignored) {
            // the temporary file was ours: nothing else to do
          }
        }
      }
    }
  }
}
