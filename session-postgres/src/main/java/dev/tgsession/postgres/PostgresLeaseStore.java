package dev.tgsession.postgres;

import dev.tgsession.SessionLease;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.spi.LeaseStore;
import dev.tgsession.spi.SessionFailures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Leases in {@code tgsession_lease}: one row per session with the holder, the fencing token and the
 * expiry (NULL once released), all judged by the server's clock. The token only grows: a new lease
 * is the stored token plus one, and the row outlives release and {@code clear()}.
 */
final class PostgresLeaseStore implements LeaseStore {

  /**
   * Checks the stored token and locks its row until the write's transaction ends, or aborts the
   * transaction with SQLSTATE {@value #LOST_STATE} (parameters: session, token). As the first
   * statement of a multi-statement write it fences the whole write in one round trip.
   */
  static final String FENCE = "SELECT tgsession_fence(?, ?)";

  /** The SQLSTATE {@code tgsession_fence} raises when the token is not the stored one. */
  static final String LOST_STATE = "TGL01";

  private static final String ACQUIRE =
      """
      INSERT INTO tgsession_lease AS l (session, owner, token, expires_at)
      VALUES (?, ?, 1, now() + ? * interval '1 millisecond')
      ON CONFLICT (session) DO UPDATE
        SET owner = EXCLUDED.owner, token = l.token + 1, expires_at = EXCLUDED.expires_at
        WHERE l.expires_at IS NULL OR l.expires_at <= now()
      RETURNING token, expires_at""";

  /**
   * How long a takeover waits for the lease row: a writer holds it (FOR SHARE) only while its
   * transaction runs, and the server ends a transaction whose client paused after {@link
   * PostgresConnections#IDLE_IN_TRANSACTION_MILLIS}; past this the acquire is tried again.
   */
  static final int LOCK_TIMEOUT_MILLIS = PostgresConnections.IDLE_IN_TRANSACTION_MILLIS + 1000;

  private final PostgresConnections connections;
  private final String session;
  private final String description;

  PostgresLeaseStore(PostgresConnections connections, String session, String description) {
    this.connections = connections;
    this.session = session;
    this.description = description;
  }

  private <T> T read(String doing, PostgresConnections.SqlWork<T> work) {
    return connections.run(description, doing, false, work);
  }

  @Override
  public SessionLease acquire(String owner, Duration length) {
    for (int attempt = 0; ; attempt++) {
      SessionLease taken =
          connections.run(
              description,
              "take the lease",
              true,
              connection -> {
                // Never wait on a paused writer for long: the takeover path is time-bounded.
                try (java.sql.Statement limits = connection.createStatement()) {
                  limits.execute(
                      "SET LOCAL lock_timeout = "
                          + LOCK_TIMEOUT_MILLIS
                          + "; SET LOCAL statement_timeout = "
                          + 2 * LOCK_TIMEOUT_MILLIS);
                }
                try (PreparedStatement statement = connection.prepareStatement(ACQUIRE)) {
                  statement.setString(1, session);
                  statement.setString(2, owner);
                  statement.setLong(3, length.toMillis());
                  try (ResultSet result = statement.executeQuery()) {
                    return result.next()
                        ? new SessionLease(owner, result.getLong(1), instant(result, 2))
                        : null;
                  }
                }
              });
      if (taken != null) {
        return taken;
      }
      Optional<SessionLease> holder = current();
      if (holder.isPresent()) {
        throw SessionFailures.leased(description, holder.get());
      }
      if (attempt >= 2) {
        throw new SessionLeasedException(description, "(changing hands)", Instant.now());
      }
      // The holder released it or it expired between the two statements: try again.
    }
  }

  @Override
  public SessionLease renew(SessionLease lease, Duration length) {
    Instant expires =
        read(
            "renew the lease",
            connection -> {
              try (PreparedStatement statement =
                  connection.prepareStatement(
                      "UPDATE tgsession_lease SET expires_at = now() + ? * interval '1 millisecond'"
                          + " WHERE session = ? AND token = ? AND expires_at IS NOT NULL"
                          + " RETURNING expires_at")) {
                statement.setLong(1, length.toMillis());
                statement.setString(2, session);
                statement.setLong(3, lease.token());
                try (ResultSet result = statement.executeQuery()) {
                  return result.next() ? instant(result, 1) : null;
                }
              }
            });
    if (expires == null) {
      throw SessionFailures.leaseLost(description, lease);
    }
    return new SessionLease(lease.owner(), lease.token(), expires);
  }

  @Override
  public void release(SessionLease lease) {
    read(
        "release the lease",
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "UPDATE tgsession_lease SET expires_at = NULL WHERE session = ? AND token = ?")) {
            statement.setString(1, session);
            statement.setLong(2, lease.token());
            statement.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Optional<SessionLease> current() {
    return Optional.ofNullable(
        read(
            "read the lease",
            connection -> {
              try (PreparedStatement statement =
                  connection.prepareStatement(
                      "SELECT owner, token, expires_at FROM tgsession_lease"
                          + " WHERE session = ? AND expires_at > now()")) {
                statement.setString(1, session);
                try (ResultSet result = statement.executeQuery()) {
                  return result.next()
                      ? new SessionLease(result.getString(1), result.getLong(2), instant(result, 3))
                      : null;
                }
              }
            }));
  }

  /**
   * Checks, inside a write's transaction, that the stored token is still {@code token}, and locks
   * the lease row until the write commits so that no other owner can take over in between.
   *
   * @return whether the token still matches
   */
  static boolean fence(Connection connection, String session, long token) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(FENCE)) {
      statement.setString(1, session);
      statement.setLong(2, token);
      statement.executeQuery().close();
      return true;
    } catch (SQLException e) {
      if (lost(e)) {
        return false;
      }
      throw e;
    }
  }

  /** Whether a write failed because {@link #FENCE} found another token. */
  static boolean lost(SQLException e) {
    return LOST_STATE.equals(e.getSQLState());
  }

  private static Instant instant(ResultSet result, int column) throws SQLException {
    Timestamp timestamp = result.getTimestamp(column);
    return timestamp.toInstant();
  }
}
