package dev.tgsession.tck;

import dev.tgsession.spi.EncryptionKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Encryption keys for the groups that open sessions with {@code encryption-key}: deterministic keys
 * written to files in a directory of one test's own, deleted when the test ends.
 */
final class TckKeyFiles implements AutoCloseable {

  private final Path dir;

  TckKeyFiles() {
    try {
      dir = Files.createTempDirectory("tck-keys");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The key of {@code seed}: the same seed gives the same key. */
  static byte[] keyBytes(int seed) {
    byte[] bytes = new byte[EncryptionKey.LENGTH];
    new Random(seed * 7919L).nextBytes(bytes);
    return bytes;
  }

  static EncryptionKey key(int seed) {
    return EncryptionKey.of(keyBytes(seed));
  }

  static String fingerprint(int seed) {
    return key(seed).fingerprint();
  }

  /** The directory the files are in. */
  Path dir() {
    return dir;
  }

  /** An {@code encryption-key} value naming a file that holds the key of {@code seed}. */
  String spec(int seed, boolean hex) {
    byte[] bytes = keyBytes(seed);
    Path file = dir.resolve("key-" + seed + (hex ? ".hex" : ".b64"));
    try {
      Files.writeString(
          file,
          hex ? HexFormat.of().formatHex(bytes) + "\n" : Base64.getEncoder().encodeToString(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "file:" + file;
  }

  /** The {@code encryption-key=...} option for the key of {@code seed}, as hex. */
  String option(int seed) {
    return "encryption-key=" + spec(seed, true);
  }

  @Override
  public void close() {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
      Files.delete(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
