package dev.tgsession.interop;

import static dev.tgsession.interop.TestFiles.checksum;
import static dev.tgsession.interop.TestFiles.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.IncompatibleSessionException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Damaged Telethon files are refused, never read as defaults, and left untouched. */
@DisplayName("damaged Telethon files")
class TelethonDamageTest {

  @TempDir Path dir;

  Path copy() throws IOException {
    Path file = dir.resolve("telethon.session");
    Files.copy(
        TelethonSessionFileTest.resource("small.session"),
        file,
        StandardCopyOption.REPLACE_EXISTING);
    return file;
  }

  void assertRefused(Path file, String... parts) throws IOException {
    String before = checksum(file);
    assertThatThrownBy(() -> TelethonSessionFile.read(file))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContainingAll(parts)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(400));
    assertThat(checksum(file)).isEqualTo(before);
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "dc_id 0 with an address | UPDATE sessions SET dc_id = 0 | found row dc_id = 0",
        "dc_id -3 | UPDATE sessions SET dc_id = -3 | found row dc_id = -3",
        "no server_address | UPDATE sessions SET server_address = NULL | server_address NULL",
        "a host name as server_address | UPDATE sessions SET server_address = 'localhost'"
            + " | found 'localhost'",
        "a bad IPv6 server_address | UPDATE sessions SET server_address = '1::2::3'"
            + " | found '1::2::3'",
        "pts 'x' | UPDATE update_state SET pts = 'x' WHERE id = 0 | 'x'",
      })
  @DisplayName("a sessions or update_state row that is not a valid value is refused")
  void invalidRows(String name, String update, String found) throws Exception {
    Path file = copy();
    sql(file, update);

    assertRefused(file, found);
  }

  @Test
  @DisplayName("a corrupt SQLite file (a damaged page) is IncompatibleSessionException")
  void corruptFile() throws Exception {
    Path file = copy();
    try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
      long pages = raw.length() / 4096;
      for (long page = 1; page < pages; page++) {
        raw.seek(page * 4096);
        raw.write(new byte[] {0x07, 0x55, 0x55, 0x55});
      }
    }

    assertRefused(file, "damaged");
  }
}
