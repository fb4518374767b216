package dev.tgsession.sqlite;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.SessionException;
import dev.tgsession.SessionLockedException;
import dev.tgsession.SessionStorageException;
import java.nio.file.Path;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The one mapping from SQLite's failures to the session exceptions, and the one message shape:
 * {@code SQLite file <path> failed to <operation>: <cause>}.
 */
final class SqliteFailures {

  private static final int MAX_CAUSE = 100;

  private SqliteFailures() {}

  /** The message for a failure of {@code operation} on {@code file}. */
  static String message(Path file, String operation, String cause) {
    return "SQLite file " + file + " failed to " + operation + ": " + cause;
  }

  /**
   * The exception for {@code e}: {@link SessionLockedException} when another connection held the
   * file past the busy timeout, {@link IncompatibleSessionException} when the file is corrupt or
   * not a database, {@link SessionStorageException} otherwise.
   */
  static SessionException map(Path file, String operation, SQLException e, int busyTimeoutMillis) {
    int primary = primaryCode(e);
    if (primary == SQLiteErrorCode.SQLITE_BUSY.code
        || primary == SQLiteErrorCode.SQLITE_LOCKED.code) {
      return new SessionLockedException(
          message(
              file,
              operation,
              "another connection held the file locked for more than busy-timeout="
                  + busyTimeoutMillis
                  + " ms; retry, or raise the option busy-timeout"),
          e);
    }
    if (primary == SQLiteErrorCode.SQLITE_CORRUPT.code
        || primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
      return new IncompatibleSessionException(
          message(
              file,
              operation,
              "expected an SQLite session database, found a corrupt or non-SQLite file ("
                  + cause(e)
                  + "); restore it from a backup"),
          e);
    }
    return new SessionStorageException(message(file, operation, cause(e)), e);
  }

  /** SQLite's primary result code of {@code e}, or -1 when it is not SQLite's. */
  static int primaryCode(@Nullable Throwable e) {
    return e instanceof SQLiteException sqlite ? sqlite.getResultCode().code & 0xFF : -1;
  }

  /** {@code e}'s message on one line, cut to a bounded length. */
  static String cause(Throwable e) {
    String text = String.valueOf(e.getMessage()).replaceAll("\\s+", " ").strip();
    return text.length() <= MAX_CAUSE ? text : text.substring(0, MAX_CAUSE) + "...";
  }
}
