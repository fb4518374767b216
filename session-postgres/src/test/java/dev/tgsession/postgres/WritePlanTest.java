package dev.tgsession.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How much of a session a batch write reads. On tables without statistics (fresh, as a new
 * database's are until the first {@code ANALYZE}) the server used to answer a batch's lookups by
 * scanning every row of the session; the statements now probe an index per peer. A write of one
 * peer has statements of its own ({@link SinglePeerWrite}), checked the same way.
 */
@DisplayName("a batch write")
class WritePlanTest {

  private static final int STORED = 5000;
  private static final List<String> TABLES =
      List.of("tgsession_session", "tgsession_peer", "tgsession_username");

  @ParameterizedTest(name = "{1} {0} users")
  @CsvSource({"stored, 100", "new, 100", "stored, 1", "new, 1"})
  @DisplayName("reads a few rows per peer, not the whole session, on tables without statistics")
  void probes(String which, int size) throws SQLException {
    try (Session session = Sessions.open(PostgresTestServer.uri("plans"))) {
      session.homeDcId(); // the tables exist
    }
    try (Connection connection = PostgresTestServer.connect();
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      // As on the pool's connections: one plan per statement, made without the values.
      statement.execute("SET LOCAL plan_cache_mode = force_generic_plan");
      // Temporary tables shadow the real ones (pg_temp comes first in the search path): never
      // analyzed, never visited by autovacuum, so the planner knows nothing about them.
      for (String table : TABLES) {
        statement.execute(
            "CREATE TEMP TABLE "
                + table
                + " (LIKE "
                + PostgresTestServer.SCHEMA
                + "."
                + table
                + " INCLUDING ALL) ON COMMIT DROP");
      }
      statement.execute(
          "INSERT INTO tgsession_peer (session, peer_id, hash, bot, usernames, phone)"
              + " SELECT 'plans', g, g, FALSE, ARRAY['name' || lpad(g::text, 5, '0')],"
              + " '1555' || lpad(g::text, 7, '0') FROM generate_series(1, "
              + STORED
              + ") g");
      statement.execute(
          "INSERT INTO tgsession_username (session, username, peer_id)"
              + " SELECT 'plans', 'name' || lpad(g::text, 5, '0'), g FROM generate_series(1, "
              + STORED
              + ") g");
      long first = which.equals("stored") ? 1 : STORED + 1;
      List<PeerInfo> batch = new ArrayList<>();
      for (long id = first; id < first + size; id++) {
        String digits = String.format("%05d", id);
        batch.add(
            new PeerInfo.User(
                id,
                new PeerAuth(id * 7),
                false,
                false,
                List.of("name" + digits),
                "1555" + String.format("%07d", id)));
      }
      long before = rowsRead(statement);
      PeerPostgresCodec.merge(connection, "plans", "pg_temp", batch, Instant.now(), null);
      long read = rowsRead(statement) - before;
      connection.rollback();
      assertThat(read)
          .as("rows of the session read by a write of %d peers (%d stored)", size, STORED)
          .isLessThanOrEqualTo(10L * size);
    }
  }

  /** Heap and index rows this transaction read from the (temporary) peer and username tables. */
  private static long rowsRead(Statement statement) throws SQLException {
    try (ResultSet result =
        statement.executeQuery(
            "SELECT coalesce(sum(coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)), 0)"
                + " FROM pg_stat_xact_user_tables"
                + " WHERE relname IN ('tgsession_peer', 'tgsession_username')"
                + " AND schemaname LIKE 'pg_temp%'")) {
      result.next();
      return result.getLong(1);
    }
  }
}
