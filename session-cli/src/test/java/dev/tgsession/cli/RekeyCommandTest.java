package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.Sessions;
import dev.tgsession.spi.EncryptionKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 15, item 4: rekey both ways, info's fingerprint, export decrypting, copy encrypting. */
@DisplayName("tgsession and encryption at rest")
class RekeyCommandTest {

  @TempDir Path dir;

  /** A key file (64 hex characters) and its spec; the key is registered as a secret. */
  private String keyFile(String name, int seed) throws IOException {
    byte[] key = new byte[EncryptionKey.LENGTH];
    new Random(seed).nextBytes(key);
    Cli.secretKey(key);
    Path file = dir.resolve(name);
    Files.writeString(file, HexFormat.of().formatHex(key) + "\n");
    return "file:" + file;
  }

  private static String fingerprint(String spec) {
    return EncryptionKey.fromSpec(spec).fingerprint();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sqlite", "postgresql"})
  @DisplayName("rekey goes plain -> key 1 -> key 2 -> plain, each step seen by info, nothing lost")
  void bothDirections(String scheme) throws IOException {
    StoreUris.requireEncryption(scheme);
    String uri = StoreUris.fresh(scheme, dir, "rekeyed");
    String copy = StoreUris.fresh(scheme, dir, "copied");
    String one = keyFile("one.key", 1);
    String two = keyFile("two.key", 2);
    try {
      SessionData original;
      try (Session session = Sessions.open(uri)) {
        Samples.fill(session);
        original = session.snapshot();
      }
      Cli.Result plainInfo = Cli.run("info", uri);
      assertThat(plainInfo.out()).contains("encryption none: auth keys stored plain");

      Cli.Result toOne = Cli.run("rekey", uri, "--to-key", one);
      assertThat(toOne.exitCode()).as("%s", toOne).isZero();
      assertThat(toOne.out())
          .contains("plain -> encrypted with key fingerprint " + fingerprint(one));

      Cli.Result noKey = Cli.run("info", uri);
      assertThat(noKey.exitCode()).as("%s", noKey).isEqualTo(1);
      assertThat(noKey.err()).contains(fingerprint(one)).contains("no key was given");
      assertThat(noKey.out()).isEmpty();

      String withOne = StoreUris.with(uri, "encryption-key", one);
      Cli.Result info = Cli.run("info", withOne);
      assertThat(info.exitCode()).as("%s", info).isZero();
      assertThat(info.out())
          .contains("encryption auth keys encrypted at rest, key fingerprint " + fingerprint(one))
          .contains("auth key id " + JsonSessionFormat.keyIdHex(Samples.HOME_KEY) + " (home)");

      Cli.Result toTwo = Cli.run("rekey", withOne, "--to-key", two);
      assertThat(toTwo.exitCode()).as("%s", toTwo).isZero();
      assertThat(toTwo.out())
          .contains(
              "encrypted with key fingerprint "
                  + fingerprint(one)
                  + " -> encrypted with key fingerprint "
                  + fingerprint(two));
      Cli.Result oldKey = Cli.run("info", withOne);
      assertThat(oldKey.exitCode()).isEqualTo(1);
      assertThat(oldKey.err()).contains(fingerprint(two)).contains(fingerprint(one));

      String withTwo = StoreUris.with(uri, "encryption-key", two);
      Cli.Result export = Cli.run("export", withTwo, "--format", "json");
      assertThat(export.exitCode()).as("%s", export).isZero();
      assertThat(export.err())
          .contains("warning: ")
          .contains("encrypted at rest (key fingerprint " + fingerprint(two) + ")")
          .contains("decrypted");
      assertThat(export.out()).contains(Samples.hex(Samples.HOME_KEY));

      Cli.Result copied = Cli.run("copy", withTwo, StoreUris.with(copy, "encryption-key", one));
      assertThat(copied.exitCode()).as("%s", copied).isZero();
      assertThat(Cli.run("info", StoreUris.with(copy, "encryption-key", one)).out())
          .contains("key fingerprint " + fingerprint(one));
      assertThat(Cli.run("info", copy).exitCode()).isEqualTo(1);

      Cli.Result toPlain = Cli.run("rekey", withTwo, "--to-plain");
      assertThat(toPlain.exitCode()).as("%s", toPlain).isZero();
      assertThat(toPlain.out()).contains(" -> plain");
      assertThat(Cli.run("info", uri).out()).contains("encryption none: auth keys stored plain");
      Cli.Result again = Cli.run("rekey", uri, "--to-plain");
      assertThat(again.out()).contains("unchanged");

      try (Session session = Sessions.open(uri)) {
        assertThat(session.snapshot()).isEqualTo(original);
      }
      try (Session session = Sessions.open(StoreUris.with(copy, "encryption-key", one))) {
        assertThat(session.snapshot()).isEqualTo(original);
      }
    } finally {
      StoreUris.forget(uri);
      StoreUris.forget(StoreUris.with(copy, "encryption-key", one));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sqlite", "postgresql"})
  @DisplayName("reading a plain session named with a key does not encrypt it")
  void readingNeverEncrypts(String scheme) throws IOException {
    StoreUris.requireEncryption(scheme);
    String uri = StoreUris.fresh(scheme, dir, "plain");
    String one = keyFile("one.key", 1);
    try {
      try (Session session = Sessions.open(uri)) {
        Samples.fill(session);
      }

      Cli.Result info = Cli.run("info", StoreUris.with(uri, "encryption-key", one));

      assertThat(info.exitCode()).as("%s", info).isZero();
      assertThat(info.err()).contains("is not encrypted; reading it does not encrypt it");
      assertThat(Cli.run("info", uri).out()).contains("encryption none: auth keys stored plain");
    } finally {
      StoreUris.forget(uri);
    }
  }

  @Test
  @DisplayName("is refused for a backend without encryption at rest, and needs one target")
  void refused() throws IOException {
    String one = keyFile("one.key", 1);

    Cli.Result memory = Cli.run("rekey", "memory:", "--to-key", one);
    Cli.Result neither = Cli.run("rekey", "memory:");
    Cli.Result both = Cli.run("rekey", "memory:", "--to-key", one, "--to-plain");
    Cli.Result unset = Cli.run("rekey", "memory:", "--to-key", "env:TGSESSION_NO_SUCH_VARIABLE");

    assertThat(memory.exitCode()).isEqualTo(1);
    assertThat(memory.err()).contains("expected a backend with encryption at rest");
    assertThat(neither.exitCode()).isEqualTo(2);
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(unset.exitCode()).isEqualTo(1);
  }

  @Test
  @DisplayName("a key given itself instead of env:/file: is refused without being shown")
  void keyItselfNotShown() throws IOException {
    String one = keyFile("one.key", 1);
    String hex = Files.readString(Path.of(one.substring(5))).strip();

    Cli.Result result = Cli.run("rekey", "memory:", "--to-key", hex);
    Cli.Result inUri = Cli.run("info", "postgresql://postgres@127.0.0.1:1/x?encryption-key=" + hex);

    assertThat(result.exitCode()).isIn(1, 2);
    assertThat(inUri.exitCode()).isIn(1, 2);
    assertThat(result.err() + inUri.err()).doesNotContain(hex.substring(0, 16));
  }
}
