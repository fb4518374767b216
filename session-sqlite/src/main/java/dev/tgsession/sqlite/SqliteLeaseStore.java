package dev.tgsession.sqlite;

import dev.tgsession.SessionLease;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.spi.LeaseStore;
import dev.tgsession.spi.SessionFailures;
import dev.tgsession.sqlite.SqliteConnections.Control;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Leases in the file itself: one row of {@code tgsession_lease} (id 0, owner, token, expiry in
 * epoch milliseconds), taken, renewed and released in short {@code BEGIN IMMEDIATE} transactions.
 * The token only grows (the row stays after a release, with no owner), and every write of a session
 * that holds a lease compares it inside its own transaction ({@link #fencingToken}). The clocks
 * compared are those of the processes on one host; a network file system's locks are not trusted
 * for this.
 */
final class SqliteLeaseStore implements LeaseStore {

  enum LeaseSql implements Sql {
    CREATE(
        "CREATE TABLE IF NOT EXISTS tgsession_lease (id INTEGER PRIMARY KEY CHECK (id = 0),"
            + " owner TEXT, token INTEGER NOT NULL, expires_at INTEGER NOT NULL)"),
    READ("SELECT owner, token, expires_at FROM tgsession_lease WHERE id = 0"),
    TOKEN("SELECT token FROM tgsession_lease WHERE id = 0"),
    EXISTS("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tgsession_lease'"),
    TAKE(
        "INSERT INTO tgsession_lease (id, owner, token, expires_at) VALUES (0, ?1, ?2, ?3)"
            + " ON CONFLICT (id) DO UPDATE SET owner = ?1, token = ?2, expires_at = ?3"),
    RELEASE("UPDATE tgsession_lease SET owner = NULL, expires_at = 0 WHERE id = 0 AND token = ?"),
    FENCE(
        "UPDATE tgsession_lease SET owner = NULL, expires_at = 0, token = token + 1 WHERE id = 0");

    private final String text;

    LeaseSql(String text) {
      this.text = text;
    }

    @Override
    public String text() {
      return text;
    }
  }

  private record Row(@Nullable String owner, long token, long expiresAt) {}

  private final SqliteConnections connections;
  private final String description;

  SqliteLeaseStore(SqliteConnections connections, String description) {
    this.connections = connections;
    this.description = description;
  }

  @Override
  public SessionLease acquire(String owner, Duration length) {
    if (connections.readOnly()) {
      throw new IllegalArgumentException(
          "session file "
              + connections.file()
              + " was opened read-only (mode=read-only): it cannot take a lease, which is a write;"
              + " drop the lease option to read it, or open it read-write to hold it");
    }
    return connections.writeUnfenced(
        "take the lease",
        connection -> {
          connection.run(LeaseSql.CREATE);
          Row row = read(connection);
          long now = System.currentTimeMillis();
          if (row != null && row.owner() != null && row.expiresAt() > now) {
            throw new SessionLeasedException(
                description, row.owner(), Instant.ofEpochMilli(row.expiresAt()));
          }
          return take(connection, owner, (row == null ? 0 : row.token()) + 1, now, length);
        });
  }

  @Override
  public SessionLease renew(SessionLease lease, Duration length) {
    return connections.writeUnfenced(
        "renew the lease",
        connection -> {
          Row row = read(connection);
          if (row == null || row.token() != lease.token() || row.owner() == null) {
            throw new SessionLeaseLostException(
                "session "
                    + description
                    + " lost its lease (owner '"
                    + lease.owner()
                    + "', token "
                    + lease.token()
                    + "): another owner took it"
                    + (row == null || row.owner() == null ? "" : " ('" + row.owner() + "')")
                    + " after it expired; this instance writes nothing more");
          }
          return take(connection, lease.owner(), lease.token(), System.currentTimeMillis(), length);
        });
  }

  @Override
  public void release(SessionLease lease) {
    connections.writeUnfenced(
        "release the lease",
        connection -> {
          if (!tableExists(connection)) {
            return 0;
          }
          PreparedStatement release = connection.prepare(LeaseSql.RELEASE);
          release.setLong(1, lease.token());
          return release.executeUpdate();
        });
  }

  @Override
  public Optional<SessionLease> current() {
    return connections.read(
        "read the lease",
        connection -> {
          if (!tableExists(connection)) {
            return Optional.empty();
          }
          Row row = read(connection);
          if (row == null || row.owner() == null || row.expiresAt() <= System.currentTimeMillis()) {
            return Optional.empty();
          }
          return Optional.of(
              new SessionLease(row.owner(), row.token(), Instant.ofEpochMilli(row.expiresAt())));
        });
  }

  /**
   * The stored token, read inside the caller's write transaction; -1 when there is no lease row.
   * Called only while this session holds a lease, so the table exists (acquire made it).
   */
  static long fencingToken(SqliteConnection writer) throws SQLException {
    try (ResultSet rows = writer.prepare(LeaseSql.TOKEN).executeQuery()) {
      return rows.next() ? rows.getLong(1) : -1;
    }
  }

  private static boolean tableExists(SqliteConnection connection) throws SQLException {
    try (ResultSet rows = connection.prepare(LeaseSql.EXISTS).executeQuery()) {
      return rows.next();
    }
  }

  private static @Nullable Row read(SqliteConnection connection) throws SQLException {
    try (ResultSet rows = connection.prepare(LeaseSql.READ).executeQuery()) {
      return rows.next() ? new Row(rows.getString(1), rows.getLong(2), rows.getLong(3)) : null;
    }
  }

  private static SessionLease take(
      SqliteConnection connection, String owner, long token, long now, Duration length)
      throws SQLException {
    long expiresAt = now + length.toMillis();
    PreparedStatement take = connection.prepare(LeaseSql.TAKE);
    take.setString(1, owner);
    take.setLong(2, token);
    take.setLong(3, expiresAt);
    take.executeUpdate();
    return new SessionLease(owner, token, Instant.ofEpochMilli(expiresAt));
  }

  /**
   * Before a directory deletes a session file: in one {@code BEGIN IMMEDIATE} transaction, refuses
   * when another owner holds an unexpired lease (unless {@code force}), and moves the token on, so
   * a holder's next write fails with {@link SessionLeaseLostException} instead of landing in the
   * deleted file.
   */
  static void fenceForDelete(Path file, String description, boolean force, int busyTimeoutMillis) {
    SqliteConnection connection = null;
    try {
      connection = new SqliteConnection(SessionFile.openReader(file, busyTimeoutMillis));
      connection.run(Control.BEGIN);
      try {
        if (tableExists(connection)) {
          Row row = read(connection);
          if (!force
              && row != null
              && row.owner() != null
              && row.expiresAt() > System.currentTimeMillis()) {
            throw SessionFailures.leased(
                description,
                new SessionLease(row.owner(), row.token(), Instant.ofEpochMilli(row.expiresAt())));
          }
          connection.run(LeaseSql.FENCE);
        }
        connection.run(Control.COMMIT);
      } catch (SQLException | RuntimeException e) {
        try {
          connection.run(Control.ROLLBACK);
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw SqliteFailures.map(file, "fence the lease before deleting", e, busyTimeoutMillis);
    } finally {
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException e) {
          // the file is deleted next; a failed close changes nothing there
        }
      }
    }
  }
}
