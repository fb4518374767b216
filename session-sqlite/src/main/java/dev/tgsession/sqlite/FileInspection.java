package dev.tgsession.sqlite;

import dev.tgsession.IncompatibleSessionException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Decides, without writing to it, whether an existing file may be opened as a session: what it is
 * (a session, a Telethon file, another application's database), whether its versions are ones we
 * read, and whether its contents are intact (SQLite's {@code quick_check}, the types and ranges of
 * the rows grammers and we keep). A refused file is left byte for byte as it was: this runs on a
 * read-only connection, before the file is converted to WAL or migrated.
 */
final class FileInspection {

  private static final String UNTOUCHED = " The file was left untouched.";

  /** The first row whose stored values neither grammers nor tgsession writes, or NULL. */
  private static final String DAMAGED_ROW =
      "SELECT coalesce("
          + "(SELECT 'dc_home row dc_id = ' || substr(quote(dc_id), 1, 40) FROM dc_home"
          + " WHERE typeof(dc_id) <> 'integer' OR dc_id NOT BETWEEN 1 AND 1000000 LIMIT 1),"
          + "(SELECT 'dc_option row dc_id = ' || substr(quote(dc_id), 1, 40) FROM dc_option"
          + " WHERE typeof(dc_id) <> 'integer' OR dc_id NOT BETWEEN 1 AND 1000000"
          + " OR typeof(ipv4) <> 'text' OR typeof(ipv6) <> 'text'"
          + " OR typeof(auth_key) NOT IN ('blob', 'null') OR length(auth_key) <> 256 LIMIT 1),"
          + "(SELECT 'peer_info row peer_id = ' || substr(quote(peer_id), 1, 40)"
          + " || ', hash = ' || substr(quote(hash), 1, 40)"
          + " || ', subtype = ' || substr(quote(subtype), 1, 40) FROM peer_info"
          + " WHERE typeof(peer_id) <> 'integer' OR typeof(hash) NOT IN ('integer', 'null')"
          + " OR typeof(subtype) NOT IN ('integer', 'null')"
          + " OR subtype NOT IN (0, 1, 2, 3, 4, 8, 12) LIMIT 1),"
          + "(SELECT 'update_state row pts = ' || substr(quote(pts), 1, 40)"
          + " || ', qts = ' || substr(quote(qts), 1, 40)"
          + " || ', date = ' || substr(quote(date), 1, 40)"
          + " || ', seq = ' || substr(quote(seq), 1, 40) FROM update_state"
          + " WHERE typeof(pts) <> 'integer' OR typeof(qts) <> 'integer'"
          + " OR typeof(date) <> 'integer' OR typeof(seq) <> 'integer'"
          + " OR pts < 0 OR qts < 0 OR date < 0 OR seq < 0 OR max(pts, qts, date, seq) > 2147483647 LIMIT 1),"
          + "(SELECT 'channel_state row peer_id = ' || substr(quote(peer_id), 1, 40)"
          + " || ', pts = ' || substr(quote(pts), 1, 40) FROM channel_state"
          + " WHERE typeof(peer_id) <> 'integer' OR typeof(pts) <> 'integer'"
          + " OR peer_id < 1 OR pts < 0 OR pts > 2147483647 LIMIT 1))";

  private static final String DAMAGED_EXTRA =
      "SELECT coalesce("
          + "(SELECT 'tgsession_peer row peer_id = ' || substr(quote(peer_id), 1, 40)"
          + " || ', usernames = ' || substr(quote(usernames), 1, 40)"
          + " || ', ambient = ' || substr(quote(ambient), 1, 40)"
          + " || ', bot = ' || substr(quote(bot), 1, 40)"
          + " || ', self = ' || substr(quote(self), 1, 40) FROM tgsession_peer"
          + " WHERE typeof(usernames) <> 'integer' OR usernames NOT IN (0, 1)"
          + " OR typeof(ambient) <> 'integer' OR ambient NOT IN (0, 1)"
          + " OR typeof(bot) NOT IN ('integer', 'null') OR bot NOT IN (0, 1)"
          + " OR typeof(self) NOT IN ('integer', 'null') OR self NOT IN (0, 1)"
          + " OR typeof(phone) NOT IN ('text', 'null') LIMIT 1),"
          + "(SELECT 'tgsession_username row username = ' || substr(quote(username), 1, 40)"
          + " FROM tgsession_username WHERE typeof(username) <> 'text'"
          + " OR typeof(peer_id) <> 'integer' OR typeof(position) <> 'integer' LIMIT 1))";

  private FileInspection() {}

  /**
   * Reads what {@code connection} (read-only) holds and throws unless it may be opened as a
   * session; returns what it holds.
   *
   * @throws IncompatibleSessionException naming what the file is, or the table, row and value that
   *     are damaged
   */
  static Schema.Contents requireUsable(Connection connection, Path file) throws SQLException {
    Schema.Contents contents = Schema.read(connection);
    if (contents.isEmpty()) {
      if (contents.userVersion() != 0 || contents.applicationId() != 0) {
        throw refuse(
            "expected a session file or an empty new database, found an SQLite database without"
                + " tables but with user_version "
                + contents.userVersion()
                + " and application_id "
                + contents.applicationId()
                + " at "
                + file
                + " (another application's, or a newer format); check the path.");
      }
      return contents;
    }
    if (contents.ourVersion() > Schema.CURRENT_VERSION) {
      throw refuse(
          "expected a session file of tgsession schema version "
              + Schema.CURRENT_VERSION
              + " or older, found version "
              + contents.ourVersion()
              + " at "
              + file
              + " (written by a newer tgsession); open it with that newer version.");
    }
    if (contents.isTelethon()) {
      throw refuse(
          "expected a grammers/tgsession session file, found a Telethon .session file at "
              + file
              + "; import it into a new file with 'tgsession import telethon-file "
              + file
              + " sqlite:NEW.session' (or, in code, session-interop's TelethonSessionFile).");
    }
    if (!contents.hasGrammersTables()) {
      throw refuse(
          "expected a session file (grammers' tables), found an SQLite database that is not a"
              + " session, without "
              + cut(missing(contents))
              + " and with "
              + cut(new TreeSet<>(contents.tables()))
              + ", at "
              + file
              + "; check the path.");
    }
    if (contents.userVersion() != Schema.GRAMMERS_VERSION) {
      throw refuse(
          "expected a grammers session file of user_version "
              + Schema.GRAMMERS_VERSION
              + ", found user_version "
              + contents.userVersion()
              + " at "
              + file
              + (contents.userVersion() > Schema.GRAMMERS_VERSION
                  ? " (a newer grammers format); use a tgsession version that reads it."
                  : "; it was not written by grammers or tgsession."));
    }
    try (Statement statement = connection.createStatement()) {
      String integrity = integrity(statement);
      if (integrity != null) {
        throw refuse(
            "expected an intact SQLite database, found a damaged one (PRAGMA quick_check reports '"
                + integrity
                + "') at "
                + file
                + "; restore it from a backup.");
      }
      requireOneRow(statement, "dc_home", file);
      requireOneRow(statement, "update_state", file);
      String damaged = first(statement, DAMAGED_ROW);
      if (damaged == null && contents.ourVersion() > 0) {
        damaged = first(statement, DAMAGED_EXTRA);
      }
      if (damaged != null) {
        throw refuse(
            "expected the values grammers and tgsession write, found "
                + damaged
                + " at "
                + file
                + "; the file was changed by something else: restore it from a backup.");
      }
    }
    return contents;
  }

  private static @Nullable String integrity(Statement statement) throws SQLException {
    try (ResultSet rows = statement.executeQuery("PRAGMA quick_check(1)")) {
      String result = rows.next() ? rows.getString(1) : "no answer";
      if ("ok".equals(result)) {
        return null;
      }
      String line = String.valueOf(result).replaceAll("\\s+", " ");
      return line.length() <= 120 ? line : line.substring(0, 120) + "...";
    }
  }

  private static void requireOneRow(Statement statement, String table, Path file)
      throws SQLException {
    try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
      long count = rows.next() ? rows.getLong(1) : 0;
      if (count > 1) {
        throw refuse(
            "expected at most one row in table "
                + table
                + ", found "
                + count
                + " at "
                + file
                + "; the file was changed by something else: restore it from a backup.");
      }
    }
  }

  private static @Nullable String first(Statement statement, String sql) throws SQLException {
    try (ResultSet rows = statement.executeQuery(sql)) {
      return rows.next() ? rows.getString(1) : null;
    }
  }

  private static Set<String> missing(Schema.Contents contents) {
    Set<String> missing = new TreeSet<>(Schema.GRAMMERS_TABLES);
    missing.removeAll(contents.tables());
    return missing;
  }

  /** A table list for a message, cut after a few names. */
  private static String cut(Set<String> tables) {
    String text = tables.toString();
    return text.length() <= 60 ? text : text.substring(0, 56) + "...]";
  }

  private static IncompatibleSessionException refuse(String message) {
    return new IncompatibleSessionException(message + UNTOUCHED);
  }
}
