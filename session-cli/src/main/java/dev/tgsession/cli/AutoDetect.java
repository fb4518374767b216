package dev.tgsession.cli;

import dev.tgsession.interop.GramJsStringSession;
import dev.tgsession.interop.MtcuteStringSession;
import dev.tgsession.interop.PyrogramStringSession;
import dev.tgsession.interop.TelethonStringSession;
import dev.tgsession.support.QuotedValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * {@code import auto}: what kind of session SOURCE is, from its content alone (a folder, an SQLite
 * file's tables, a JSON document, or a string that decodes as exactly one kind of string session).
 */
final class AutoDetect {

  /** What was found: the format to import with, the source to give it, and what to say. */
  record Found(SessionFormat format, String source, String description) {}

  /** A grammers/tgsession SQLite file is imported by copying from it (no format of its own). */
  static final String GRAMMERS = "grammers";

  private static final byte[] SQLITE = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private AutoDetect() {}

  /**
   * Detects what {@code source} is: a path (file or folder), {@code @FILE}, {@code -} (the text
   * read from standard input is passed as {@code stdinText}), or a string session itself.
   *
   * @throws IllegalArgumentException naming the candidates when none or several kinds fit
   */
  static Found detect(String source, String stdinText) throws IOException {
    if (source.equals("-")) {
      return string(stdinText, "-", "standard input");
    }
    if (source.startsWith("@")) {
      return file(Path.of(source.substring(1)), source.substring(1));
    }
    Path path = null;
    try {
      path = Path.of(source);
    } catch (InvalidPathException e) {
      // not a path: a string
    }
    if (path != null && Files.exists(path)) {
      return file(path, source);
    }
    return string(source, source, "the argument");
  }

  private static Found file(Path path, String name) throws IOException {
    String shown = QuotedValue.cut(name);
    if (Files.isDirectory(path)) {
      for (String keyFile : List.of("key_datas", "key_data", "key_data0", "key_data1")) {
        if (Files.isRegularFile(path.resolve(keyFile))) {
          return new Found(
              SessionFormat.TDATA, name, "a Telegram Desktop tdata folder (" + keyFile + ")");
        }
      }
      throw new IllegalArgumentException(
          "expected a session file, a tdata folder or a string session, found the folder "
              + shown
              + " without key_datas; check the path");
    }
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(
          "expected a regular file, a tdata folder or a string session, found " + shown);
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(path)) {
      head = in.readNBytes(SQLITE.length);
    }
    if (java.util.Arrays.equals(head, SQLITE)) {
      return sqlite(path, name);
    }
    long size = Files.size(path);
    String start = new String(head, StandardCharsets.UTF_8).stripLeading();
    if (start.startsWith("{")) {
      return new Found(SessionFormat.JSON, name, "a JSON document (tgsession-export)");
    }
    if (size > SecretInput.STRING_SESSION_LIMIT) {
      throw new IllegalArgumentException(
          "expected a session file, a tdata folder or a string session, found "
              + shown
              + " of "
              + size
              + " bytes that is neither SQLite nor JSON, too long for a string session");
    }
    String text = Files.readString(path, StandardCharsets.UTF_8);
    return string(text, "@" + name, "file " + shown);
  }

  private static Found sqlite(Path path, String name) throws IOException {
    Set<String> tables = new TreeSet<>();
    boolean peersUsername = false;
    try (Connection connection =
            DriverManager.getConnection(
                "jdbc:sqlite:" + path.toAbsolutePath().toUri() + "?immutable=1", readOnly());
        Statement statement = connection.createStatement()) {
      try (ResultSet rows =
          statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
        while (rows.next()) {
          tables.add(rows.getString(1));
        }
      }
      if (tables.contains("peers")) {
        try (ResultSet rows =
            statement.executeQuery(
                "SELECT 1 FROM pragma_table_info('peers') WHERE name = 'username'")) {
          peersUsername = rows.next();
        }
      }
    } catch (SQLException e) {
      throw new IllegalArgumentException(
          "expected a readable SQLite session file, found "
              + QuotedValue.cut(name)
              + " that SQLite cannot read ("
              + QuotedValue.cut(e.getMessage())
              + ")");
    }
    List<String> kinds = new ArrayList<>();
    Consumer<String> add = kinds::add;
    if (tables.containsAll(Set.of("version", "sessions", "entities"))) {
      add.accept("telethon");
    }
    if (tables.containsAll(Set.of("version", "sessions", "peers"))) {
      add.accept(tables.contains("usernames") || !peersUsername ? "kurigram" : "pyrogram");
    }
    if (tables.containsAll(Set.of("dc_home", "dc_option", "peer_info"))) {
      add.accept(GRAMMERS);
    }
    if (kinds.size() != 1) {
      throw new IllegalArgumentException(
          "expected the tables of one kind of session file, found "
              + (kinds.isEmpty() ? "none" : "several: " + kinds)
              + " in "
              + QuotedValue.cut(name)
              + " (tables "
              + QuotedValue.cut(tables.toString())
              + "; Telethon has version, sessions, entities; Pyrogram and Kurigram version,"
              + " sessions, peers; grammers/tgsession dc_home, dc_option, peer_info)");
    }
    return switch (kinds.get(0)) {
      case "telethon" -> new Found(SessionFormat.TELETHON_FILE, name, "a Telethon .session file");
      case "pyrogram" ->
          new Found(SessionFormat.PYROGRAM_FILE, name, "a Pyrogram .session file (schema 3)");
      case "kurigram" ->
          new Found(
              SessionFormat.KURIGRAM_FILE,
              name,
              "a Kurigram/Pyrofork .session file (usernames table)");
      default -> new Found(SessionFormat.AUTO, name, "a grammers/tgsession SQLite session file");
    };
  }

  private static java.util.Properties readOnly() {
    org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
    config.setReadOnly(true);
    config.setOpenMode(org.sqlite.SQLiteOpenMode.READONLY);
    config.setOpenMode(org.sqlite.SQLiteOpenMode.OPEN_URI);
    return config.toProperties();
  }

  private static Found string(String text, String source, String where) {
    String stripped = text.strip();
    List<SessionFormat> fits = new ArrayList<>();
    if (fits(() -> TelethonStringSession.read(stripped))) {
      fits.add(SessionFormat.TELETHON_STRING);
    }
    if (fits(() -> GramJsStringSession.read(stripped))) {
      fits.add(SessionFormat.GRAMJS_STRING);
    }
    if (fits(() -> PyrogramStringSession.read(stripped))) {
      fits.add(SessionFormat.PYROGRAM_STRING);
    }
    if (fits(() -> MtcuteStringSession.read(stripped))) {
      fits.add(SessionFormat.MTCUTE_STRING);
    }
    if (fits.size() == 1) {
      return new Found(fits.get(0), source, "a " + fits.get(0) + " session in " + where);
    }
    if (fits.isEmpty()) {
      throw new IllegalArgumentException(
          "expected a session file, a tdata folder, a JSON export or a string session (Telethon,"
              + " GramJS, Pyrogram or mtcute), found "
              + where
              + " ("
              + stripped.length()
              + " characters, not shown) that is none of them");
    }
    throw new IllegalArgumentException(
        "expected a string session of one kind, found "
            + where
            + " that decodes as each of "
            + fits
            + ": import it with the one it is (tgsession import "
            + fits.get(0)
            + " ...)");
  }

  private static boolean fits(Runnable decode) {
    try {
      decode.run();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
