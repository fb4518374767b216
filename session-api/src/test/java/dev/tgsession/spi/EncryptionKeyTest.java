package dev.tgsession.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tgsession.AuthKey;
import dev.tgsession.IncompatibleSessionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("encryption keys and the key vault")
class EncryptionKeyTest {

  private static final byte[] KEY = new byte[32];
  private static final String HEX;

  static {
    for (int i = 0; i < 32; i++) {
      KEY[i] = (byte) (i * 7 + 1);
    }
    HEX = HexFormat.of().formatHex(KEY);
  }

  private static AuthKey authKey(int seed) {
    byte[] bytes = new byte[256];
    new java.util.Random(seed).nextBytes(bytes);
    return AuthKey.of(bytes);
  }

  @Test
  @DisplayName("env: and file: specs hold hex or base64; the fingerprint is SHA-256's first 8 hex")
  void specs(@TempDir Path dir) throws Exception {
    EncryptionKey fromEnv = EncryptionKey.fromSpec("env:K", name -> name.equals("K") ? HEX : null);
    Path file = dir.resolve("k");
    Files.writeString(file, Base64.getEncoder().encodeToString(KEY) + "\n");
    EncryptionKey fromFile = EncryptionKey.fromSpec("file:" + file);
    assertThat(fromEnv).isEqualTo(fromFile);
    String sha =
        HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(KEY));
    assertThat(fromEnv.fingerprint()).isEqualTo(sha.substring(0, 8));
    assertThat(fromEnv.toString())
        .contains(sha.substring(0, 8))
        .doesNotContain(HEX.substring(0, 10));
  }

  @Test
  @DisplayName("a bad spec or key text is refused without showing it")
  void badSpecs(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> EncryptionKey.fromSpec(HEX, name -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining(HEX.substring(0, 10));
    assertThatThrownBy(() -> EncryptionKey.fromSpec("env:NOPE", name -> null))
        .hasMessageContaining("unset");
    assertThatThrownBy(() -> EncryptionKey.fromSpec("env:K", name -> "c2VjcmV0"))
        .hasMessageContaining("6 bytes")
        .hasMessageNotContaining("c2VjcmV0");
    assertThatThrownBy(() -> EncryptionKey.fromSpec("file:" + dir.resolve("missing")))
        .hasMessageContaining("unreadable");
    assertThatThrownBy(() -> EncryptionKey.of(new byte[31])).hasMessageContaining("32 bytes");
  }

  @Test
  @DisplayName("a key typed where the variable name or path belongs is never quoted back")
  void keyInPlaceOfItsName() {
    String fullWidth =
        HEX.chars()
            .map(c -> Character.isDigit(c) ? 0xFF10 + (c - '0') : c)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString();
    String base64 = Base64.getEncoder().encodeToString(KEY);
    for (String typed :
        java.util.List.of(HEX, HEX.toUpperCase(java.util.Locale.ROOT), fullWidth, base64)) {
      for (String spec : java.util.List.of("env:" + typed, "file:" + typed)) {
        assertThatThrownBy(() -> EncryptionKey.fromSpec(spec, name -> null))
            .as(spec)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("not shown")
            .hasMessageContaining("never the key")
            .satisfies(e -> assertNoPieceOf(e.getMessage(), typed));
      }
    }
    assertThatThrownBy(() -> EncryptionKey.fromSpec("env:TG_KEY", name -> null))
        .hasMessageContaining("TG_KEY");
  }

  @Test
  @DisplayName("a key in full-width digits is refused without quoting any of its characters")
  void fullWidthKeyText() {
    String fullWidth =
        HEX.chars()
            .map(c -> Character.isDigit(c) ? 0xFF10 + (c - '0') : c)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString();
    assertThatThrownBy(() -> EncryptionKey.fromSpec("env:K", name -> fullWidth))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 characters that are neither")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContainPattern("[\\uFF10-\\uFF19]"));
  }

  @Test
  @DisplayName("a key file that is not a regular file, or is too large, is refused unread")
  void boundedKeyFiles(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("big");
    Files.write(big, new byte[EncryptionKey.FILE_LIMIT + 1]);
    assertThatThrownBy(() -> EncryptionKey.fromSpec("file:" + big))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 4096 bytes")
        .hasMessageContaining("found 4097 bytes");
    assertThatThrownBy(() -> EncryptionKey.fromSpec("file:" + dir))
        .hasMessageContaining("regular file")
        .hasMessageContaining("a directory");
    Path zero = Path.of("/dev/zero");
    if (Files.exists(zero)) {
      assertThatThrownBy(() -> EncryptionKey.fromSpec("file:/dev/zero"))
          .hasMessageContaining("a pipe, socket or device");
    }
    Path fifo = dir.resolve("fifo");
    if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0) {
      // Opening a pipe blocks until a writer comes: the refusal must come first, at once.
      assertTimeoutPreemptively(
          java.time.Duration.ofSeconds(20),
          () ->
              assertThatThrownBy(() -> EncryptionKey.fromSpec("file:" + fifo))
                  .hasMessageContaining("a pipe, socket or device"));
    }
  }

  private static void assertNoPieceOf(String message, String secret) {
    for (int i = 0; i + 8 <= secret.length(); i += 4) {
      assertThat(message).doesNotContain(secret.substring(i, i + 8));
    }
  }

  @Test
  @DisplayName("a vault seals each key with its own nonce and opens only with its key")
  void vault() {
    EncryptionKey key = EncryptionKey.of(KEY);
    KeyVault vault = KeyVault.create(key).with(key, 2, authKey(2)).with(key, 4, authKey(4));
    byte[] stored = vault.toBytes();
    KeyVault read = KeyVault.fromBytes(stored, "s");
    assertThat(read.opensWith(key)).isTrue();
    assertThat(read.open(key, "s")).isEqualTo(Map.of(2, authKey(2), 4, authKey(4)));
    byte[] other = KEY.clone();
    other[0] ^= 1;
    assertThat(read.opensWith(EncryptionKey.of(other))).isFalse();
    assertThat(KeyVault.create(key).with(key, 2, authKey(2)).toBytes())
        .isNotEqualTo(KeyVault.create(key).with(key, 2, authKey(2)).toBytes());
  }

  @Test
  @DisplayName("a tampered or truncated vault is IncompatibleSessionException, never a wrong key")
  void tampered() {
    EncryptionKey key = EncryptionKey.of(KEY);
    byte[] stored = KeyVault.create(key).with(key, 2, authKey(2)).toBytes();
    for (int i = 0; i < stored.length; i += 7) {
      byte[] flipped = stored.clone();
      flipped[i] ^= 0x40;
      try {
        KeyVault read = KeyVault.fromBytes(flipped, "s");
        if (read.opensWith(key)) {
          assertThat(read.open(key, "s")).isEqualTo(Map.of(2, authKey(2)));
        }
      } catch (IncompatibleSessionException expected) {
        assertThat(expected.getMessage()).doesNotContain(HEX.substring(0, 10));
      }
    }
    assertThatThrownBy(() -> KeyVault.fromBytes(java.util.Arrays.copyOf(stored, 40), "s"))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining("ends early");
  }
}
