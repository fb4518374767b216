package dev.tgsession.postgres;

import dev.tgsession.IncompatibleSessionException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The tables of the backend, created on first use and versioned in {@code tgsession_schema}, in the
 * connection's current schema (pgjdbc's {@code currentSchema} option chooses another).
 *
 * <p>A database whose {@code tgsession_schema} holds a newer version than {@link #VERSION} was
 * written by a newer tgsession: it is refused before anything is changed.
 */
final class Schema {

  /**
   * The version this code reads and writes. 2 added {@code tgsession_key_vault} (encryption at
   * rest); 3 added the time each peer was last cached ({@code tgsession_peer.cached_at}, rows of
   * older versions taking the time of the upgrade), the session row's last write time, the extras
   * ({@code tgsession_extra}), a byte-ordered index on session names for the directory and the
   * function {@code tgsession_fence(session, token)}, which aborts the calling write's transaction
   * when the lease token is not the stored one (so a write can be one statement). An older database
   * is brought to 3 by the statements below, all of which are idempotent.
   */
  static final int VERSION = 3;

  /** The channel of {@code LISTEN/NOTIFY} on which peer writes are announced. */
  static final String CHANNEL = "tgsession_peers";

  // Serialises the creation of the tables among concurrent openers of one database.
  private static final long DDL_LOCK = 0x7467_7365_7373_6e01L;

  private static final List<String> TABLES =
      List.of(
          """
          CREATE TABLE IF NOT EXISTS tgsession_session (
            session text PRIMARY KEY,
            home_dc integer NOT NULL DEFAULT 0,
            pts integer NOT NULL DEFAULT 0,
            qts integer NOT NULL DEFAULT 0,
            date integer NOT NULL DEFAULT 0,
            seq integer NOT NULL DEFAULT 0)""",
          "ALTER TABLE tgsession_session ADD COLUMN IF NOT EXISTS updated_at timestamptz",
          // Byte order (COLLATE "C"): the directory lists names case-sensitively, in code order.
          """
          CREATE INDEX IF NOT EXISTS tgsession_session_name
            ON tgsession_session (session COLLATE "C")""",
          """
          CREATE TABLE IF NOT EXISTS tgsession_dc (
            session text NOT NULL,
            dc_id integer NOT NULL,
            ipv4 bytea NOT NULL,
            ipv4_port integer NOT NULL,
            ipv6 bytea NOT NULL,
            ipv6_port integer NOT NULL,
            auth_key bytea,
            PRIMARY KEY (session, dc_id))""",
          """
          CREATE TABLE IF NOT EXISTS tgsession_channel (
            session text NOT NULL,
            channel_id bigint NOT NULL,
            pts integer NOT NULL,
            PRIMARY KEY (session, channel_id))""",
          """
          CREATE TABLE IF NOT EXISTS tgsession_peer (
            session text NOT NULL,
            peer_id bigint NOT NULL,
            hash bigint,
            bot boolean,
            self boolean,
            kind smallint,
            usernames text[],
            phone text,
            PRIMARY KEY (session, peer_id))""",
          // Every write refreshes cached_at: leave room on each page for the new row version.
          "ALTER TABLE tgsession_peer SET (fillfactor = 85)",
          """
          ALTER TABLE tgsession_peer
            ADD COLUMN IF NOT EXISTS cached_at timestamptz NOT NULL DEFAULT now()""",
          // A session listed by the directory has a session row: give one to every older session.
          """
          INSERT INTO tgsession_session (session)
            SELECT DISTINCT session FROM tgsession_peer ON CONFLICT DO NOTHING""",
          """
          INSERT INTO tgsession_session (session)
            SELECT DISTINCT session FROM tgsession_dc ON CONFLICT DO NOTHING""",
          // A channel write only updates a stored channel row: its session must have a row.
          """
          INSERT INTO tgsession_session (session)
            SELECT DISTINCT session FROM tgsession_channel ON CONFLICT DO NOTHING""",
          """
          CREATE UNIQUE INDEX IF NOT EXISTS tgsession_peer_phone
            ON tgsession_peer (session, phone) WHERE phone IS NOT NULL""",
          """
          CREATE UNIQUE INDEX IF NOT EXISTS tgsession_peer_self
            ON tgsession_peer (session) WHERE self""",
          """
          CREATE TABLE IF NOT EXISTS tgsession_username (
            session text NOT NULL,
            username text NOT NULL,
            peer_id bigint NOT NULL,
            PRIMARY KEY (session, username))""",
          """
          CREATE INDEX IF NOT EXISTS tgsession_username_peer
            ON tgsession_username (session, peer_id)""",
          """
          CREATE TABLE IF NOT EXISTS tgsession_key_vault (
            session text PRIMARY KEY,
            vault bytea NOT NULL)""",
          """
          CREATE TABLE IF NOT EXISTS tgsession_extra (
            session text NOT NULL,
            name text NOT NULL,
            value bytea NOT NULL,
            PRIMARY KEY (session, name))""",
          """
          CREATE OR REPLACE FUNCTION tgsession_fence(p_session text, p_token bigint)
          RETURNS void LANGUAGE plpgsql AS $$
          BEGIN
            -- The lease row stays locked until the calling write's transaction ends.
            PERFORM 1 FROM tgsession_lease
              WHERE session = p_session AND token = p_token FOR SHARE;
            IF NOT FOUND THEN
              RAISE EXCEPTION 'tgsession: lease token % is no longer the stored one', p_token
                USING ERRCODE = 'TGL01';
            END IF;
          END $$""",
          """
          CREATE TABLE IF NOT EXISTS tgsession_lease (
            session text PRIMARY KEY,
            owner text,
            token bigint NOT NULL,
            expires_at timestamptz)""");

  private Schema() {}

  /**
   * Creates the tables when missing and checks the version, in one transaction.
   *
   * @throws IncompatibleSessionException if the database holds a newer version (nothing changed)
   * @throws SQLException if the database fails
   */
  static void ensure(Connection connection, String target) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
      Integer found = storedVersion(statement);
      if (found != null && found > VERSION) {
        throw new IncompatibleSessionException(
            "expected tgsession's PostgreSQL schema version "
                + VERSION
                + " or older at "
                + target
                + ", found version "
                + found
                + " (written by a newer tgsession); open it with that version, nothing was"
                + " changed");
      }
      if (found == null || found < VERSION) {
        statement.execute(
            "CREATE TABLE IF NOT EXISTS tgsession_schema"
                + " (id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL)");
        for (String ddl : TABLES) {
          statement.execute(ddl);
        }
        statement.execute(
            "INSERT INTO tgsession_schema (id, version) VALUES (1, "
                + VERSION
                + ") ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version");
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private static @Nullable Integer storedVersion(Statement statement) throws SQLException {
    try (ResultSet exists =
        statement.executeQuery("SELECT to_regclass('tgsession_schema') IS NOT NULL")) {
      exists.next();
      if (!exists.getBoolean(1)) {
        return null;
      }
    }
    try (ResultSet version =
        statement.executeQuery("SELECT version FROM tgsession_schema WHERE id = 1")) {
      return version.next() ? version.getInt(1) : null;
    }
  }
}
