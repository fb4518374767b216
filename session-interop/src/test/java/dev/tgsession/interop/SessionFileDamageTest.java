package dev.tgsession.interop;

import static dev.tgsession.interop.TestFiles.checksum;
import static dev.tgsession.interop.TestFiles.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.IncompatibleSessionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Damaged or foreign Pyrogram, Kurigram and Telethon version 8 files: an
 * IncompatibleSessionException naming the table, the row and the value, and the file left byte for
 * byte as it was.
 */
@DisplayName("damaged Pyrogram, Kurigram and Telethon 8 files")
class SessionFileDamageTest {

  @TempDir Path dir;

  private Path damaged(String fixture, String... statements) throws Exception {
    Path file = SessionFileFixtures.copy(fixture, dir);
    sql(file, statements);
    return file;
  }

  private void assertRefused(Path file, ThrowingConsumer<Path> read, String... parts)
      throws IOException {
    String before = checksum(file);
    assertThatThrownBy(() -> read.accept(file))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContainingAll(parts)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(500));
    assertThat(checksum(file)).isEqualTo(before);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a user id typed as a group | pyrogram-v3.session"
            + " | UPDATE peers SET type = 'group' WHERE id = 1234567"
            + " | table peers;row id = 1234567;type group with a user id",
        "an unknown type | kurigram-v6.session | UPDATE peers SET type = 'robot' WHERE id = 1234567"
            + " | table peers;row id = 1234567;type = 'robot'",
        "a text access_hash | pyrogram-v3.session"
            + " | UPDATE peers SET access_hash = 'x' WHERE id = 1234567"
            + " | table peers;row id = 1234567, access_hash = 'x'",
        "DC 9 | pyrogram-v3.session | UPDATE sessions SET dc_id = 9 | table sessions;row dc_id = 9",
        "a short auth key | kurigram-v6.session | UPDATE sessions SET auth_key = x'0102'"
            + " | table sessions;auth_key of 2 bytes",
        "a test-server file | pyrogram-v3.session | UPDATE sessions SET test_mode = 1"
            + " | table sessions;test_mode = 1",
        "a text user_id | kurigram-v6.session | UPDATE sessions SET user_id = 'me'"
            + " | table sessions;user_id = 'me'",
        "a positive update_state id | kurigram-v6.session"
            + " | INSERT INTO update_state VALUES (5, 1, 1, 1, 1) | table update_state;row id = 5",
        "a text pts | kurigram-v6.session | UPDATE update_state SET pts = 'p' WHERE id = 0"
            + " | table update_state;pts = 'p'",
        "a blob username | kurigram-v6.session | UPDATE usernames SET username = x'00' WHERE"
            + " username = 'selfie' | table usernames;row id = 777000111",
        "version 0 | pyrogram-v3.session | UPDATE version SET number = 0"
            + " | table version;number = 0",
        "no sessions row | pyrogram-v3.session | DELETE FROM sessions | a row in table sessions",
      })
  @DisplayName("Pyrogram and Kurigram: refused naming table, row and value; file untouched")
  void pyrogram(String name, String fixture, String update, String parts) throws Exception {
    Path file = damaged(fixture, update);

    assertRefused(file, PyrogramSessionFile::read, parts.split(";"));
  }

  @Test
  @DisplayName("Telethon 8: a tmp_auth_key that is not 256 bytes is refused")
  void shortTempKey() throws Exception {
    Path file = damaged("telethon-v8.session", "UPDATE sessions SET tmp_auth_key = x'0102030405'");

    assertRefused(
        file,
        TelethonSessionFile::read,
        "table sessions, row dc_id = 2",
        "tmp_auth_key of 256 bytes, found 5 bytes");
  }

  @Test
  @DisplayName("a later Telethon version with every column read is read, with a note")
  void laterVersionRead() throws Exception {
    Path file = damaged("telethon-v8.session", "UPDATE version SET version = 9");

    TelethonSessionFile.Contents contents = TelethonSessionFile.readContents(file);

    assertThat(contents.version()).isEqualTo(9);
    assertThat(contents.notes()).singleElement().asString().contains("version 9, newer than 8");
    assertThat(contents.session().peers()).hasSize(10);
  }

  @Test
  @DisplayName("a later Telethon version without a column read is refused naming the version")
  void laterVersionRefused() throws Exception {
    Path file =
        damaged(
            "telethon-v8.session",
            "UPDATE version SET version = 9",
            "ALTER TABLE entities DROP COLUMN phone");

    assertRefused(
        file, TelethonSessionFile::read, "table entities", "database version 9", "not read");
  }

  @Test
  @DisplayName(
      "a Telethon file given as a Pyrogram file, and the other way round, says which it is")
  void foreign() throws IOException {
    Path telethon = SessionFileFixtures.copy("telethon-v7-ipv4.session", dir);

    assertRefused(telethon, PyrogramSessionFile::read, "it is a Telethon file");
    Files.delete(telethon);
    Path pyrogram = SessionFileFixtures.copy("pyrogram-v3.session", dir);
    assertRefused(pyrogram, TelethonSessionFile::read, "it is a Pyrogram or Kurigram file");
  }
}
