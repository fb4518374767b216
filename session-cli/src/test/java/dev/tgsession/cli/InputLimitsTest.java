package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.spi.EncryptionKey;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 25, items 2 to 4: the encryption key typed where its variable name or path belongs is never
 * printed; key, passcode and string-session files are read only when they are regular files of a
 * bounded size.
 */
@DisplayName("tgsession and the files and names that hold secrets")
class InputLimitsTest {

  @TempDir Path dir;

  private String encrypted;
  private byte[] key;

  /** An encrypted sqlite session (its key in a file), so that opening it reads the key given. */
  @BeforeEach
  void encryptedSession() throws IOException {
    SessionFiles.requireSqlite();
    key = new byte[EncryptionKey.LENGTH];
    new Random(25).nextBytes(key);
    Cli.secretKey(key);
    Path keyFile = dir.resolve("good.key");
    Files.writeString(keyFile, HexFormat.of().formatHex(key) + "\n");
    encrypted = "sqlite:" + dir.resolve("enc.session");
    try (Session session = Sessions.open(encrypted + "?encryption-key=file:" + keyFile)) {
      Samples.fill(session);
    }
  }

  private String withKey(String spec) {
    return encrypted + "?encryption-key=" + spec;
  }

  private static String fullWidth(String hex) {
    StringBuilder out = new StringBuilder();
    hex.chars().forEach(c -> out.appendCodePoint(Character.isDigit(c) ? 0xFF10 + c - '0' : c));
    return out.toString();
  }

  @Nested
  @DisplayName("a key typed in place of its name")
  class KeyInPlaceOfItsName {

    @Test
    @DisplayName("env:KEY, file:KEY and full-width digits print no piece of the key")
    void neverPrinted() throws IOException {
      String hex = HexFormat.of().formatHex(key);
      String wide = fullWidth(hex);
      for (int i = 0; i + 8 <= wide.length(); i += 8) {
        Cli.secret(wide.substring(i, i + 8));
      }
      Files.writeString(dir.resolve("wide.key"), wide, StandardCharsets.UTF_8);
      List<String> specs =
          List.of(
              "env:" + hex,
              "file:" + hex,
              "env:" + hex.toUpperCase(java.util.Locale.ROOT),
              "env:" + wide,
              "file:" + wide,
              "file:" + dir.resolve("wide.key"));
      for (String spec : specs) {
        for (List<String> args :
            List.of(
                List.of("info", withKey(spec)),
                List.of("--verbose", "info", withKey(spec)),
                List.of("rekey", encrypted, "--to-key", spec))) {
          Cli.Result result = Cli.run(args.toArray(String[]::new));
          assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
          assertThat(result.out()).as("%s", result).isEmpty();
          // NoSecretPrinted checks every output, --verbose runs included, for the key.
        }
      }
      Cli.Result misplaced = Cli.run("info", withKey("env:" + hex));
      assertThat(misplaced.err()).contains("not shown").contains("never the key");
    }
  }

  @Nested
  @DisplayName("files holding a secret")
  class Files_ {

    @Test
    @DisplayName("an oversized key, passcode or string-session file is refused by its size")
    void oversized() throws IOException {
      Path big = dir.resolve("big");
      try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
        file.setLength(300L * 1024 * 1024); // sparse: takes no disk, and must never be read
      }
      assertRefused(Cli.run("info", withKey("file:" + big)), "at most 4096 bytes");
      assertRefused(
          Cli.run("import", "tdata", dir.toString(), "memory:", "--passcode-file", big.toString()),
          "at most 4096 bytes");
      assertRefused(
          Cli.run("import", "telethon-string", "@" + big, "memory:"), "at most 65536 bytes");
      assertRefused(
          Cli.runWithStdin(
              new byte[SecretInput.PASSCODE_LIMIT + 10],
              "import",
              "tdata",
              dir.toString(),
              "memory:",
              "--passcode-file",
              "-"),
          "more than 4096 bytes");
    }

    @Test
    @DisplayName("/dev/zero and a named pipe are refused at once, never read")
    void notRegular() throws Exception {
      assumeTrue(Files.exists(Path.of("/dev/zero")), "needs /dev/zero");
      Path fifo = dir.resolve("fifo");
      assumeTrue(
          new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "needs mkfifo");
      assertTimeoutPreemptively(
          Duration.ofSeconds(60),
          () -> {
            for (String file : List.of("/dev/zero", fifo.toString())) {
              assertRefused(Cli.run("info", withKey("file:" + file)), "a pipe, socket or device");
              assertRefused(
                  Cli.run("import", "tdata", dir.toString(), "memory:", "--passcode-file", file),
                  "a pipe, socket or device");
              assertRefused(
                  Cli.run("import", "telethon-string", "@" + file, "memory:"),
                  "a pipe, socket or device");
            }
          });
    }

    @Test
    @DisplayName("in a JVM of 256 MB, /dev/zero as the key or passcode file is one clear line")
    void smallHeap() throws Exception {
      assumeTrue(Files.exists(Path.of("/dev/zero")), "needs /dev/zero");
      for (List<String> args :
          List.of(
              List.of("info", withKey("file:/dev/zero")),
              List.of("import", "tdata", dir.toString(), "memory:", "--passcode-file", "/dev/zero"),
              List.of("import", "telethon-string", "@/dev/zero", "memory:"))) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Tgsession.class.getName());
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readNBytes(64 * 1024);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("finished: %s", args).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text).isEqualTo(1);
        assertThat(text)
            .as("%s", args)
            .startsWith("tgsession: ")
            .contains("a pipe, socket or device")
            .doesNotContain("OutOfMemoryError")
            .doesNotContain("\tat ");
      }
    }

    @Test
    @DisplayName("picocli's trace (-Dpicocli.trace) prints no key typed in a URI")
    void noTrace() throws Exception {
      String hex = HexFormat.of().formatHex(key);
      for (List<String> args :
          List.of(
              List.of("--verbose", "info", withKey("env:" + hex)),
              List.of("info", withKey("file:" + hex)),
              List.of("clear", withKey("env:" + hex)))) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dpicocli.trace=DEBUG");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Tgsession.class.getName());
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readNBytes(1024 * 1024);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("finished: %s", args).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text).isEqualTo(1);
        assertThat(text).as("%s", args).doesNotContain(hex.substring(0, 16));
        assertThat(text).as("%s", args).doesNotContain(hex.substring(48));
      }
    }

    private void assertRefused(Cli.Result result, String reason) {
      assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
      assertThat(result.err()).as("%s", result).startsWith("tgsession: expected").contains(reason);
    }
  }
}
