package dev.tgsession.spi;

import dev.tgsession.support.QuotedValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Function;

/**
 * The 32-byte key that encrypts auth keys at rest (AES-256-GCM), read from where the {@code
 * encryption-key} option points: {@code env:NAME} (an environment variable) or {@code file:PATH} (a
 * file), holding 64 hex characters or the base64 of 32 bytes. The key itself never travels in a
 * URI, and neither it nor where it came from appears in {@link #toString()} or any message; its
 * {@link #fingerprint()} does.
 */
public final class EncryptionKey {

  /** The key length in bytes. */
  public static final int LENGTH = 32;

  private final byte[] bytes;
  private final String fingerprint;

  private EncryptionKey(byte[] bytes) {
    this.bytes = bytes.clone();
    this.fingerprint = fingerprintOf(this.bytes);
  }

  /**
   * A key of exactly 32 bytes.
   *
   * @throws IllegalArgumentException on another length
   */
  public static EncryptionKey of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException(
          "expected an encryption key of 32 bytes, found " + bytes.length + " bytes");
    }
    return new EncryptionKey(bytes);
  }

  /**
   * Reads the key an {@code encryption-key} option names, from the process environment or a file.
   *
   * @throws IllegalArgumentException when the spec is neither {@code env:NAME} nor {@code
   *     file:PATH}, the variable is unset, the file unreadable, or the text is not 32 bytes as 64
   *     hex characters or base64; the message never shows the text
   */
  public static EncryptionKey fromSpec(String spec) {
    return fromSpec(spec, System::getenv);
  }

  /** Reads the key like {@link #fromSpec(String)}, with another environment (for tests). */
  public static EncryptionKey fromSpec(String spec, Function<String, String> environment) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(environment, "environment");
    String text;
    String source;
    if (spec.startsWith("env:") && spec.length() > 4) {
      String name = spec.substring(4);
      source = "environment variable " + QuotedValue.cut(name);
      text = environment.apply(name);
      if (text == null) {
        throw new IllegalArgumentException(
            "expected the "
                + source
                + " to hold the encryption key (64 hex characters or base64 of 32 bytes), found"
                + " it unset");
      }
    } else if (spec.startsWith("file:") && spec.length() > 5) {
      Path path = Path.of(spec.substring(5));
      source = "file " + QuotedValue.cut(path.toString());
      try {
        text = Files.readString(path, StandardCharsets.US_ASCII);
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException(
            "expected the "
                + source
                + " to hold the encryption key, found it unreadable ("
                + e.getClass().getSimpleName()
                + ")");
      }
    } else {
      throw new IllegalArgumentException(
          "expected option 'encryption-key' to be env:NAME or file:PATH (never the key itself),"
              + " found a value of "
              + spec.length()
              + " characters that is neither (not shown: it may be a key)");
    }
    return of(parse(text.strip(), source));
  }

  private static byte[] parse(String text, String source) {
    if (text.length() == 64 && text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      return HexFormat.of().parseHex(text);
    }
    try {
      byte[] decoded = Base64.getDecoder().decode(text);
      if (decoded.length == LENGTH) {
        return decoded;
      }
      throw new IllegalArgumentException(
          "expected the "
              + source
              + " to hold 32 bytes as 64 hex characters or base64, found base64 of "
              + decoded.length
              + " bytes");
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("expected")) {
        throw e;
      }
      throw new IllegalArgumentException(
          "expected the "
              + source
              + " to hold 32 bytes as 64 hex characters or base64, found "
              + text.length()
              + " characters that are neither (not shown)");
    }
  }

  /** The first 8 hex characters of the SHA-256 of the key: names it without revealing it. */
  public String fingerprint() {
    return fingerprint;
  }

  /** A copy of the key bytes. A secret: never log it. */
  public byte[] bytes() {
    return bytes.clone();
  }

  static String fingerprintOf(byte[] key) {
    return HexFormat.of().formatHex(Arrays.copyOf(sha256(key), 4));
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof EncryptionKey that && MessageDigest.isEqual(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return fingerprint.hashCode();
  }

  /** {@code EncryptionKey[fingerprint=ab12cd34]}: never the key. */
  @Override
  public String toString() {
    return "EncryptionKey[fingerprint=" + fingerprint + "]";
  }
}
