package dev.tgsession.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tables of a session file and the migrations that make them.
 *
 * <p>grammers' tables ({@code dc_home}, {@code dc_option}, {@code peer_info}, {@code update_state},
 * {@code channel_state}, {@code PRAGMA user_version = 1}) are created with grammers' own DDL text,
 * so a file made here is the file grammers would have made. What grammers cannot hold lives in
 * tables prefixed {@code tgsession_}, which grammers never reads. Our schema version is the single
 * row of {@code tgsession_schema}; each migration runs in one transaction.
 */
final class Schema {

  /** The newest schema version this code reads and writes. */
  static final int CURRENT_VERSION = 3;

  /** The {@code PRAGMA user_version} of grammers' format. */
  static final int GRAMMERS_VERSION = 1;

  static final Set<String> GRAMMERS_TABLES =
      Set.of("dc_home", "dc_option", "peer_info", "update_state", "channel_state");
  static final Set<String> TELETHON_TABLES = Set.of("version", "sessions", "entities");

  // grammers' migrate_v0_to_v1, character for character (sqlite_master keeps the text).
  private static final List<String> GRAMMERS_DDL =
      List.of(
          "CREATE TABLE dc_home (\n"
              + "                dc_id INTEGER NOT NULL,\n"
              + "                PRIMARY KEY(dc_id))",
          "CREATE TABLE dc_option (\n"
              + "                dc_id INTEGER NOT NULL,\n"
              + "                ipv4 TEXT NOT NULL,\n"
              + "                ipv6 TEXT NOT NULL,\n"
              + "                auth_key BLOB,\n"
              + "                PRIMARY KEY (dc_id))",
          "CREATE TABLE peer_info (\n"
              + "                peer_id INTEGER NOT NULL,\n"
              + "                hash INTEGER,\n"
              + "                subtype INTEGER,\n"
              + "                PRIMARY KEY (peer_id))",
          "CREATE TABLE update_state (\n"
              + "                pts INTEGER NOT NULL,\n"
              + "                qts INTEGER NOT NULL,\n"
              + "                date INTEGER NOT NULL,\n"
              + "                seq INTEGER NOT NULL)",
          "CREATE TABLE channel_state (\n"
              + "                peer_id INTEGER NOT NULL,\n"
              + "                pts INTEGER NOT NULL,\n"
              + "                PRIMARY KEY (peer_id))");

  /**
   * Version 1. {@code tgsession_peer} holds, per user or channel: whether the known access hash is
   * 0 (grammers stores NULL for both "0" and "unknown"), the bot and self flags with "unknown" kept
   * apart from "false", the phone, and whether the username list is known. {@code
   * tgsession_username} maps each username to its one owner, in list order.
   */
  private static final List<String> V1_DDL =
      List.of(
          "CREATE TABLE tgsession_schema ("
              + "id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)",
          "CREATE TABLE tgsession_peer ("
              + "peer_id INTEGER PRIMARY KEY, "
              + "ambient INTEGER NOT NULL DEFAULT 0, "
              + "bot INTEGER, "
              + "self INTEGER, "
              + "phone TEXT, "
              + "usernames INTEGER NOT NULL DEFAULT 0)",
          "CREATE UNIQUE INDEX tgsession_peer_phone ON tgsession_peer (phone)"
              + " WHERE phone IS NOT NULL",
          "CREATE TABLE tgsession_username ("
              + "username TEXT PRIMARY KEY, "
              + "peer_id INTEGER NOT NULL, "
              + "position INTEGER NOT NULL)",
          "CREATE INDEX tgsession_username_peer ON tgsession_username (peer_id, position)",
          // Finds the self user without a scan; an index on grammers' table that it ignores.
          "CREATE INDEX tgsession_peer_info_self ON peer_info (peer_id) WHERE subtype & 1 = 1");

  /**
   * Version 2: {@code tgsession_key_vault}, one row holding the sealed auth keys of a session
   * encrypted at rest ({@code encryption-key=}); no row in a plain session. grammers' {@code
   * dc_option.auth_key} is NULL for every DC of an encrypted file.
   */
  private static final List<String> V2_DDL =
      List.of(
          "CREATE TABLE tgsession_key_vault ("
              + "id INTEGER PRIMARY KEY CHECK (id = 1), vault BLOB NOT NULL)");

  /**
   * Version 3: {@code tgsession_peer_cached} holds, per peer, when it was last cached (epoch
   * milliseconds; peers grammers cached have no row and count as cached at the epoch); {@code
   * tgsession_extra} is the session's small map of extras (home DC family, media DC options, plain
   * temporary keys). Peers already stored are stamped with the time of the migration.
   */
  private static final List<String> V3_DDL =
      List.of(
          "CREATE TABLE tgsession_peer_cached ("
              + "peer_id INTEGER PRIMARY KEY, cached_at INTEGER NOT NULL)",
          "CREATE TABLE tgsession_extra (name TEXT PRIMARY KEY, value BLOB NOT NULL)",
          "INSERT INTO tgsession_peer_cached (peer_id, cached_at)"
              + " SELECT peer_id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
              + " FROM peer_info");

  /**
   * Our tables, empty and temporary: what a read-only session gives each reader of a file that
   * lacks them (a grammers file, or one of an older schema version), so that every query runs and
   * reads grammers' rows alone. A temporary table hides a main one of the same name, so only the
   * missing ones are made.
   */
  private static final Map<String, String> TEMPORARY_TABLES =
      Map.of(
          "tgsession_peer",
          "CREATE TEMP TABLE tgsession_peer (peer_id INTEGER PRIMARY KEY, ambient INTEGER NOT NULL"
              + " DEFAULT 0, bot INTEGER, self INTEGER, phone TEXT, usernames INTEGER NOT NULL"
              + " DEFAULT 0)",
          "tgsession_username",
          "CREATE TEMP TABLE tgsession_username (username TEXT PRIMARY KEY, peer_id INTEGER NOT"
              + " NULL, position INTEGER NOT NULL)",
          "tgsession_peer_cached",
          "CREATE TEMP TABLE tgsession_peer_cached (peer_id INTEGER PRIMARY KEY, cached_at"
              + " INTEGER NOT NULL)",
          "tgsession_extra",
          "CREATE TEMP TABLE tgsession_extra (name TEXT PRIMARY KEY, value BLOB NOT NULL)");

  /** The statements that make the temporary tables a file with {@code tables} lacks. */
  static List<String> temporaryTables(Set<String> tables) {
    List<String> ddl = new ArrayList<>();
    TEMPORARY_TABLES.forEach(
        (name, create) -> {
          if (!tables.contains(name)) {
            ddl.add(create);
          }
        });
    return List.copyOf(ddl);
  }

  /** One step from {@code version - 1} to {@code version}. */
  private record Migration(int version, List<String> statements) {}

  private static final List<Migration> MIGRATIONS =
      List.of(new Migration(1, V1_DDL), new Migration(2, V2_DDL), new Migration(3, V3_DDL));

  private Schema() {}

  /** What a file holds, read without writing to it. */
  record Contents(
      Set<String> tables, int objects, int userVersion, int applicationId, int ourVersion) {

    /** No table, index, view or trigger at all: a new database. */
    boolean isEmpty() {
      return objects == 0;
    }

    /** Whether our tables exist (else a grammers file not yet migrated). */
    boolean hasOurTables() {
      return tables.contains("tgsession_peer") && tables.contains("tgsession_username");
    }

    boolean hasGrammersTables() {
      return tables.containsAll(GRAMMERS_TABLES);
    }

    boolean isTelethon() {
      return tables.containsAll(TELETHON_TABLES) && !hasGrammersTables();
    }
  }

  /** Reads the table names, {@code user_version} and our schema version. */
  static Contents read(Connection connection) throws SQLException {
    Set<String> tables = new TreeSet<>();
    int objects;
    int userVersion;
    int applicationId;
    int ourVersion = 0;
    try (Statement statement = connection.createStatement()) {
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT name FROM sqlite_master WHERE type = 'table'"
                  + " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")) {
        while (rows.next()) {
          tables.add(rows.getString(1));
        }
      }
      try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM sqlite_master")) {
        objects = rows.next() ? rows.getInt(1) : 0;
      }
      try (ResultSet rows = statement.executeQuery("PRAGMA user_version")) {
        userVersion = rows.next() ? rows.getInt(1) : 0;
      }
      try (ResultSet rows = statement.executeQuery("PRAGMA application_id")) {
        applicationId = rows.next() ? rows.getInt(1) : 0;
      }
      if (tables.contains("tgsession_schema")) {
        try (ResultSet rows = statement.executeQuery("SELECT max(version) FROM tgsession_schema")) {
          ourVersion = rows.next() ? rows.getInt(1) : 0;
        }
      }
    }
    return new Contents(Set.copyOf(tables), objects, userVersion, applicationId, ourVersion);
  }

  /**
   * Applies the migrations this file lacks, all in one {@code BEGIN IMMEDIATE} transaction that
   * first reads the version again (another process may have migrated the file meanwhile); a file
   * that has them all takes no write lock.
   */
  static void migrate(Connection connection) throws SQLException {
    if (read(connection).ourVersion() >= CURRENT_VERSION) {
      return; // the common case: no write lock taken on open
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute("BEGIN IMMEDIATE");
      try {
        Contents contents = read(connection);
        int version = contents.ourVersion();
        for (Migration migration : MIGRATIONS) {
          if (version >= migration.version()) {
            continue;
          }
          if (migration.version() == 1 && !contents.hasGrammersTables()) {
            for (String ddl : GRAMMERS_DDL) {
              statement.execute(ddl);
            }
          }
          for (String ddl : migration.statements()) {
            statement.execute(ddl);
          }
          version = migration.version();
        }
        if (contents.ourVersion() < CURRENT_VERSION) {
          if (contents.userVersion() != GRAMMERS_VERSION) {
            statement.execute("PRAGMA user_version = " + GRAMMERS_VERSION);
          }
          statement.execute(
              "INSERT INTO tgsession_schema (id, version) VALUES (1, "
                  + version
                  + ") ON CONFLICT (id) DO UPDATE SET version = excluded.version");
        }
        statement.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        try {
          statement.execute("ROLLBACK");
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      }
    }
  }
}
