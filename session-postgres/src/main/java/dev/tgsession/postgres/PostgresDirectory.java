package dev.tgsession.postgres;

import dev.tgsession.Session;
import dev.tgsession.SessionLease;
import dev.tgsession.SessionStore;
import dev.tgsession.SessionSummary;
import dev.tgsession.Sessions;
import dev.tgsession.spi.SessionFailures;
import dev.tgsession.spi.SessionUri;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The sessions of one database ({@link SessionStore}): the rows of {@code tgsession_session}, one
 * per session from its first write until it is deleted here, read page by page in byte order of
 * their names ({@code COLLATE "C"}, on the index {@code tgsession_session_name}) with keyset
 * paging, each page one statement that also counts the peers and reads the lease and vault.
 */
final class PostgresDirectory implements SessionStore {

  static final int PAGE = 200;

  /** A summary per row: name, home DC, self id, peers, last write, lease, vault fingerprint. */
  private static final String SUMMARY =
      """
      SELECT s.session, s.home_dc,
             (SELECT p.peer_id FROM tgsession_peer p WHERE p.session = s.session AND p.self),
             c.n, GREATEST(s.updated_at, c.at),
             l.owner, l.token, l.expires_at,
             encode(substring(v.vault FROM 22 FOR 4), 'hex')
      FROM tgsession_session s
      CROSS JOIN LATERAL (
        SELECT count(*) AS n, max(p.cached_at) AS at
        FROM tgsession_peer p WHERE p.session = s.session) c
      LEFT JOIN tgsession_lease l
        ON l.session = s.session AND l.expires_at > now() AND l.owner IS NOT NULL
      LEFT JOIN tgsession_key_vault v ON v.session = s.session
      """;

  private static final String PAGE_SQL =
      SUMMARY
          + """
          WHERE s.session COLLATE "C" > ?
            AND s.session COLLATE "C" >= ? AND s.session COLLATE "C" < ? || chr(1114111)
            AND starts_with(s.session, ?)
          ORDER BY s.session COLLATE "C" LIMIT %d"""
              .formatted(PAGE);

  /** Settings, local to one page's transaction, that make its plan walk the name index. */
  private static final String CUSTOM_PLAN =
      "SELECT set_config('enable_sort', 'off', true),"
          + " CASE WHEN current_setting('server_version_num')::int >= 120000"
          + " THEN set_config('plan_cache_mode', 'force_custom_plan', true) END";

  private static final String ONE_SQL = SUMMARY + "WHERE s.session = ?";

  private final PostgresConnections connections;
  private final SessionUri uri;
  private final String description;
  private final AtomicBoolean closed = new AtomicBoolean();

  PostgresDirectory(PostgresConnections connections, SessionUri uri) {
    this.connections = connections;
    this.uri = uri;
    this.description = uri.toString();
  }

  @Override
  public Stream<SessionSummary> list(String namePrefix) {
    Objects.requireNonNull(namePrefix, "namePrefix");
    ensureOpen();
    return KeysetPages.stream(after -> page(namePrefix, after), "", SessionSummary::name, PAGE);
  }

  private List<SessionSummary> page(String prefix, String after) {
    ensureOpen();
    return connections.run(
        description,
        "list the sessions",
        true,
        connection -> {
          // A page must walk the name index in order and stop after PAGE rows. Left to itself,
          // the planner may instead read the whole range after the cursor and sort it, counting
          // the peers of every session in it, whenever it believes the range is small: always
          // with the pool's generic plans (a bounded range is estimated at a few rows), and with
          // statistics older than a burst of new sessions. Each page then costs as much as the
          // rest of the listing (100,000 sessions took 280 s to list). So, for this transaction
          // only: no sort, and a plan made for the parameters' values.
          try (Statement custom = connection.createStatement()) {
            custom.execute(CUSTOM_PLAN);
          }
          try (PreparedStatement statement = connection.prepareStatement(PAGE_SQL)) {
            statement.setString(1, after);
            statement.setString(2, prefix);
            statement.setString(3, prefix);
            statement.setString(4, prefix);
            List<SessionSummary> summaries = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
              while (rows.next()) {
                summaries.add(summary(rows));
              }
            }
            return summaries;
          }
        });
  }

  @Override
  public Optional<SessionSummary> summary(String name) {
    checkName(name);
    ensureOpen();
    return Optional.ofNullable(
        connections.run(
            description,
            "read the summary of session " + name,
            false,
            connection -> {
              try (PreparedStatement statement = connection.prepareStatement(ONE_SQL)) {
                statement.setString(1, name);
                try (ResultSet rows = statement.executeQuery()) {
                  return rows.next() ? summary(rows) : null;
                }
              }
            }));
  }

  private static SessionSummary summary(ResultSet row) throws SQLException {
    int home = row.getInt(2);
    long self = row.getLong(3);
    Long selfId = row.wasNull() ? null : new dev.tgsession.PeerId(self).bareId();
    Timestamp updated = row.getTimestamp(5);
    String owner = row.getString(6);
    Timestamp expires = row.getTimestamp(8);
    Optional<SessionLease> lease =
        owner == null || expires == null
            ? Optional.empty()
            : Optional.of(new SessionLease(owner, row.getLong(7), expires.toInstant()));
    return new SessionSummary(
        row.getString(1),
        home > 0 ? home : 2,
        selfId,
        row.getLong(4),
        updated == null ? null : updated.toInstant(),
        lease,
        row.getString(9));
  }

  @Override
  public Session open(String name) {
    checkName(name);
    ensureOpen();
    return Sessions.open(SessionUri.withOption(uri.raw(), "session", name));
  }

  @Override
  public boolean delete(String name) {
    return delete(name, false);
  }

  @Override
  public boolean forceDelete(String name) {
    return delete(name, true);
  }

  /**
   * Deletes every row of the session in one transaction: the lease row locked first (so no holder
   * writes or takes it meanwhile) and checked unless forced, then the session lock, then the rows;
   * the lease row keeps only its token counter, raised, so the old holder's next write is refused.
   */
  private boolean delete(String name, boolean force) {
    checkName(name);
    ensureOpen();
    int rows =
        connections.run(
            description,
            "delete session " + name,
            true,
            connection -> {
              SessionLease holder = lockLease(connection, name);
              if (holder != null && !force) {
                throw SessionFailures.leased("'" + name + "' in " + description, holder);
              }
              try (PreparedStatement lock =
                  connection.prepareStatement(PeerPostgresCodec.LOCK_SESSION)) {
                lock.setString(1, PeerPostgresCodec.lockKey(name));
                lock.executeQuery().close();
              }
              int deleted = StatePostgresCodec.deleteAll(connection, name, true);
              try (PreparedStatement notify =
                  connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                notify.setString(1, Schema.CHANNEL);
                notify.setString(2, PostgresCoherence.payload(connections.schema(), name, null));
                notify.executeQuery().close();
              }
              return deleted;
            });
    connections.notificationsIfStarted(
        notifications -> notifications.writtenHere(name, null, null));
    return rows > 0;
  }

  /** Locks the session's lease row (when it has one) and returns its unexpired holder. */
  private static @Nullable SessionLease lockLease(Connection connection, String name)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT owner, token, expires_at, expires_at > now() FROM tgsession_lease"
                + " WHERE session = ? FOR UPDATE")) {
      statement.setString(1, name);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next() || row.getString(1) == null || !row.getBoolean(4)) {
          return null;
        }
        Instant expires = row.getTimestamp(3).toInstant();
        return new SessionLease(row.getString(1), row.getLong(2), expires);
      }
    }
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      connections.release();
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException(
          "store " + description + " is closed; open it again with Sessions.store");
    }
  }

  private void checkName(String name) {
    Objects.requireNonNull(name, "name");
    PostgresSessionProvider.checkName(name, description);
  }
}
