package dev.tgsession.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.SessionStorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random bytes and bit-flipped copies of the real libraries' session files (fixed seeds): a refusal
 * is a documented exception with a one-line message of at most 400 characters, and leaves the file
 * byte for byte as it was with no side file.
 */
@DisplayName("fuzzed session files")
class SessionFileFuzzTest {

  private static final int ROUNDS = 40;

  @TempDir Path dir;

  private List<Path> files() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  private void check(String name, byte[] bytes, Consumer<Path> read) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, bytes);
    String before = TestFiles.checksum(file);
    List<Path> filesBefore = files();
    try {
      read.accept(file);
    } catch (IncompatibleSessionException | SessionStorageException e) {
      String message = e.getMessage();
      assertThat(message).as("message of %s", name).isNotNull().doesNotContain("\n", "\r");
      assertThat(message.length()).as("length of: %s", message).isLessThanOrEqualTo(400);
    }
    assertThat(TestFiles.checksum(file)).as("%s after the read", name).isEqualTo(before);
    assertThat(files()).as("side files of %s", name).isEqualTo(filesBefore);
    Files.delete(file);
  }

  private static Consumer<Path> reader(String fixture) {
    return fixture.startsWith("telethon")
        ? TelethonSessionFile::readContents
        : PyrogramSessionFile::read;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "telethon-v7-ipv4.session",
        "telethon-v8-tmp-key.session",
        "pyrogram-v3.session",
        "kurigram-v6.session"
      })
  @DisplayName("bit-flipped copies of a real library's file")
  void flipped(String fixture) throws IOException {
    byte[] real = Files.readAllBytes(SessionFileFixtures.file(fixture));
    Random random = new Random(fixture.hashCode());
    for (int round = 0; round < ROUNDS; round++) {
      byte[] bytes = real.clone();
      int flips = 1 + random.nextInt(16);
      for (int i = 0; i < flips; i++) {
        int bit = random.nextInt(bytes.length * 8);
        bytes[bit / 8] ^= (byte) (1 << (bit % 8));
      }
      check("flipped-" + round + ".session", bytes, reader(fixture));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"telethon", "pyrogram"})
  @DisplayName("random bytes, with and without SQLite's header")
  void random(String kind) throws IOException {
    Random random = new Random(20261207L + kind.length());
    byte[] header = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    for (int round = 0; round < ROUNDS; round++) {
      byte[] bytes = new byte[1 + random.nextInt(3 * 4096)];
      random.nextBytes(bytes);
      if (round % 2 == 0 && bytes.length > header.length) {
        System.arraycopy(header, 0, bytes, 0, header.length);
      }
      check("random-" + round + ".session", bytes, reader(kind));
    }
  }
}
