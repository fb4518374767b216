package dev.tgsession.sqlite;

import static dev.tgsession.sqlite.TestData.checksum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files this version cannot use are refused with a message that says what they are, and are left
 * byte-for-byte as they were (no WAL switch, no migration, no side files).
 */
@DisplayName("incompatible files")
class IncompatibleFileTest {

  @TempDir Path dir;

  static void sql(Path file, String... statements) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  /** Opens {@code file} expecting a refusal; checks the file and its directory did not change. */
  void assertRefused(Path file, String... messageParts) throws IOException {
    String before = checksum(file);
    long filesBefore;
    try (var files = Files.list(dir)) {
      filesBefore = files.count();
    }

    assertThatThrownBy(() -> Sessions.open("sqlite:" + file))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContainingAll(messageParts);

    assertThat(checksum(file)).as("the file's SHA-256").isEqualTo(before);
    try (var files = Files.list(dir)) {
      assertThat(files.count()).as("files in the directory (no -wal, -shm)").isEqualTo(filesBefore);
    }
  }

  @Test
  @DisplayName("a text file: not SQLite")
  void textFile() throws IOException {
    Path file = Files.writeString(dir.resolve("notes.session"), "not a database at all\n");

    assertRefused(file, "not SQLite", "left untouched");
  }

  @Test
  @DisplayName("random bytes: not SQLite")
  void randomBytes() throws IOException {
    byte[] bytes = new byte[8192];
    new Random(1).nextBytes(bytes);
    Path file = Files.write(dir.resolve("noise.session"), bytes);

    assertRefused(file, "not SQLite");
  }

  @Test
  @DisplayName("an SQLite database of something else: not a session, with its tables named")
  void otherDatabase() throws Exception {
    Path file = dir.resolve("app.db");
    sql(
        file,
        "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)",
        "INSERT INTO invoices VALUES (1, 9.5)");

    assertRefused(file, "not a session", "invoices", "left untouched");
  }

  @Test
  @DisplayName("an SQLite database with only some of grammers' tables: not a session")
  void partialGrammers() throws Exception {
    Path file = dir.resolve("partial.session");
    sql(file, "CREATE TABLE dc_home (dc_id INTEGER NOT NULL, PRIMARY KEY(dc_id))");

    assertRefused(file, "not a session", "dc_home");
  }

  @Test
  @DisplayName("a file from a newer tgsession schema: says to use the newer version")
  void newerSchemaOfOurs() throws Exception {
    Path file = dir.resolve("newer.session");
    try (Session session = Sessions.open("sqlite:" + file)) {
      session.cachePeer(PeerInfo.User.of(1, 2));
    }
    sql(file, "UPDATE tgsession_schema SET version = " + (Schema.CURRENT_VERSION + 1));

    assertRefused(file, "newer tgsession", "version " + (Schema.CURRENT_VERSION + 1));
  }

  @Test
  @DisplayName("a file of a newer grammers format (user_version 2): refused")
  void newerGrammers() throws Exception {
    Path file = dir.resolve("grammers2.session");
    sql(file, GrammersFileTest.GRAMMERS_DDL.toArray(String[]::new));
    sql(file, "PRAGMA user_version = 2");

    assertRefused(file, "user_version 2");
  }

  @Test
  @DisplayName("a Telethon file: refused with the import command to use")
  void telethonFile() throws IOException {
    Path file = dir.resolve("telethon.session");
    // a copy of session-interop's fixture made by Telethon 1.25.1 (its generate.py)
    Files.copy(resource("/telethon/small.session"), file);

    assertRefused(file, "Telethon", "tgsession import telethon-file");
  }

  @Test
  @DisplayName("a session file in WAL mode is not changed by a refused newer-version open")
  void walFileOfNewerVersion() throws Exception {
    Path file = dir.resolve("wal.session");
    try (Session session = Sessions.open("sqlite:" + file)) {
      session.cachePeer(PeerInfo.User.of(1, 2));
    }
    sql(file, "UPDATE tgsession_schema SET version = 99");
    assertThat(Files.list(dir)).containsExactly(file);

    assertRefused(file, "version 99");
  }

  private static Path resource(String name) {
    try {
      return Path.of(IncompatibleFileTest.class.getResource(name).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new AssertionError(e);
    }
  }
}
