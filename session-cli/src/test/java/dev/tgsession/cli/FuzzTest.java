package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command fed random and damaged input, with fixed seeds: only the documented exit codes, one
 * message line of at most 300 characters, nothing on stdout before a failure, no secret (checked by
 * {@link Cli.NoSecretPrinted}), every input file byte-identical and without side files, and no
 * target created by a failed run.
 */
@DisplayName("the tgsession command, fuzzed")
class FuzzTest {

  static final Path TELETHON_FILE = Path.of("../examples/demo-telethon.session");

  @TempDir Path dir;

  private int runs;

  @BeforeEach
  void needsSqlite() {
    SessionFiles.requireSqlite();
  }

  /** A target that does not exist yet. */
  private Path newTarget() {
    return dir.resolve("target-" + runs++ + ".session");
  }

  /** Checks one run that read {@code input} and was to write {@code target}. */
  private static void check(Cli.Result result, Path input, byte[] before, Path target) {
    assertThat(result.exitCode()).as("%s", result).isIn(0, 1);
    SessionFiles.assertUnchanged(input, before);
    if (result.exitCode() != 0) {
      assertThat(result.out()).as("stdout of %s", result).isEmpty();
      assertThat(result.err().lines().filter(line -> line.startsWith("tgsession: ")))
          .as("%s", result)
          .hasSize(1);
      if (target != null) {
        assertThat(target).as("target of %s", result).doesNotExist();
        SessionFiles.assertNoSideFiles(target);
      }
    }
  }

  private void everyReader(Path file) {
    byte[] before = SessionFiles.bytes(file);
    String uri = "sqlite:" + file;
    check(Cli.run("info", uri), file, before, null);
    check(Cli.run("peers", uri), file, before, null);
    check(Cli.run("export", uri, "--format", "json"), file, before, null);
    check(Cli.run("export", uri, "--format", "telethon-string"), file, before, null);
    Path target = newTarget();
    check(Cli.run("copy", uri, "sqlite:" + target), file, before, target);
  }

  @Test
  @DisplayName("random bytes as a session file, a Telethon file and a JSON export")
  void randomBytes() throws IOException {
    Random random = new Random(20261130L);
    for (int i = 0; i < 12; i++) {
      byte[] bytes = new byte[random.nextInt(4096)];
      random.nextBytes(bytes);
      if (i % 3 == 0 && bytes.length > 16) {
        // a plausible start: SQLite's header, then garbage
        System.arraycopy("SQLite format 3\0".getBytes(StandardCharsets.US_ASCII), 0, bytes, 0, 16);
      }
      Path file = dir.resolve("random-" + i + ".session");
      Files.write(file, bytes);
      byte[] before = SessionFiles.bytes(file);

      everyReader(file);
      Path target = newTarget();
      check(
          Cli.run("import", "telethon-file", file.toString(), "sqlite:" + target),
          file,
          before,
          target);
      target = newTarget();
      check(Cli.run("import", "json", file.toString(), "sqlite:" + target), file, before, target);
      target = newTarget();
      Cli.Result stdin = Cli.runWithStdin(bytes, "import", "json", "-", "sqlite:" + target);
      check(stdin, file, before, target);
    }
  }

  @Test
  @DisplayName("bit-flipped copies of a real session file")
  void flippedSessionFiles() throws IOException {
    Path original = SessionFiles.sample(dir, "original.session");
    byte[] clean = SessionFiles.bytes(original);
    Random random = new Random(7L);
    for (int i = 0; i < 16; i++) {
      byte[] bytes = clean.clone();
      int flips = 1 + random.nextInt(4);
      for (int f = 0; f < flips; f++) {
        int at = random.nextInt(bytes.length);
        bytes[at] ^= (byte) (1 << random.nextInt(8));
      }
      Path file = dir.resolve("flipped-" + i + ".session");
      Files.write(file, bytes);

      everyReader(file);
    }
  }

  @Test
  @DisplayName("bit-flipped copies of Telethon's own session file")
  void flippedTelethonFiles() throws IOException {
    byte[] clean = Files.readAllBytes(TELETHON_FILE);
    Random random = new Random(8L);
    for (int i = 0; i < 12; i++) {
      byte[] bytes = clean.clone();
      int flips = 1 + random.nextInt(4);
      for (int f = 0; f < flips; f++) {
        int at = random.nextInt(bytes.length);
        bytes[at] ^= (byte) (1 << random.nextInt(8));
      }
      Path file = dir.resolve("telethon-" + i + ".session");
      Files.write(file, bytes);
      Path target = newTarget();

      check(
          Cli.run("import", "telethon-file", file.toString(), "sqlite:" + target),
          file,
          bytes,
          target);
    }
  }

  @Test
  @DisplayName("damaged and random string sessions, in every string format")
  void damagedStrings() throws IOException {
    String demo = TgsessionCommandTest.demoString();
    Random random = new Random(9L);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=";
    for (int i = 0; i < 24; i++) {
      StringBuilder text = new StringBuilder(demo);
      if (i % 4 == 3) {
        text.setLength(random.nextInt(demo.length()));
      } else {
        for (int f = 0; f <= random.nextInt(3); f++) {
          text.setCharAt(
              random.nextInt(text.length()), alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      String damaged = text.toString();
      Cli.secret(damaged);
      String format =
          List.of("telethon-string", "gramjs-string", "pyrogram-string", "mtcute-string")
              .get(i % 4);
      Path file = dir.resolve("string-" + i);
      Files.writeString(file, damaged);
      byte[] before = SessionFiles.bytes(file);
      Path target = newTarget();

      check(
          Cli.runWithStdin(damaged, "import", format, "-", "sqlite:" + target),
          file,
          before,
          target);
      target = newTarget();
      check(Cli.run("import", format, "@" + file, "sqlite:" + target), file, before, target);
    }
  }

  @Test
  @DisplayName(
      "truncated JSON exports, from a file and from stdin, into a new and an existing file")
  void truncatedExports() throws IOException {
    Path sample = SessionFiles.sample(dir, "sample.session");
    String json = Cli.run("export", "sqlite:" + sample, "--format", "json").out();
    Path existing = SessionFiles.sample(dir, "existing.session");
    SessionFiles.sql(existing, "DELETE FROM peer_info WHERE peer_id > 0");
    byte[] existingBefore = SessionFiles.bytes(existing);
    Random random = new Random(10L);
    for (int i = 0; i < 16; i++) {
      int length = i == 0 ? json.length() - 2 : random.nextInt(json.length() - 1);
      String truncated = json.substring(0, length);
      Path file = dir.resolve("truncated-" + i + ".json");
      Files.writeString(file, truncated);
      byte[] before = SessionFiles.bytes(file);
      Path target = newTarget();

      Cli.Result fromFile = Cli.run("import", "json", file.toString(), "sqlite:" + target);
      Cli.Result fromStdin =
          Cli.runWithStdin(truncated, "import", "json", "-", "sqlite:" + existing);

      check(fromFile, file, before, target);
      assertThat(fromFile.exitCode()).as("%s", fromFile).isEqualTo(1);
      assertThat(fromStdin.exitCode()).as("%s", fromStdin).isEqualTo(1);
      SessionFiles.assertUnchanged(existing, existingBefore);
    }
  }
}
