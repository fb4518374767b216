package dev.tgsession.spi;

import dev.tgsession.support.QuotedValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  /** The most bytes a key file may hold: a key with its line break is 45 or 65 bytes. */
  static final int FILE_LIMIT = 4096;

  private static final String HIDDEN = "(its name not shown: it looks like a key)";

  private static final String MISPLACED =
      "; put the key in a variable or file and name that variable or file here, never the key";

  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  private static final Pattern KEY_LIKE_RUN = Pattern.compile("[\\p{L}\\p{N}+/=_-]{32,}");

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
   * <p>A file must be a regular file of at most 4096 bytes: a named pipe, a device or a larger file
   * is refused without being read. A variable name or path that looks like key material (the key
   * typed where its name belongs) is not quoted back in any message.
   *
   * @throws IllegalArgumentException when the spec is neither {@code env:NAME} nor {@code
   *     file:PATH}, the variable is unset, the file unreadable, not a regular file or too large, or
   *     the text is not 32 bytes as 64 hex characters or base64; the message never shows the text
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
      source = "environment variable " + shownVariable(name);
      text = environment.apply(name);
      if (text == null) {
        throw new IllegalArgumentException(
            "expected the "
                + source
                + " to hold the encryption key (64 hex characters or base64 of 32 bytes), found"
                + " it unset"
                + (shownVariable(name).equals(HIDDEN) ? MISPLACED : ""));
      }
    } else if (spec.startsWith("file:") && spec.length() > 5) {
      String name = spec.substring(5);
      source = "file " + shownPath(name);
      text = readKeyFile(name, source, mayBeKey(name));
    } else {
      throw new IllegalArgumentException(
          "expected option 'encryption-key' to be env:NAME or file:PATH (never the key itself),"
              + " found a value of "
              + spec.length()
              + " characters that is neither (not shown: it may be a key)");
    }
    return of(parse(text.strip(), source));
  }

  // A variable name or path is quoted back in messages, unless it may be the key itself, typed
  // where its name belongs: a long run of hex or base64 characters (full-width digits included).
  private static String shownVariable(String name) {
    return VARIABLE.matcher(name).matches() && !mayBeKey(name) ? QuotedValue.cut(name) : HIDDEN;
  }

  private static String shownPath(String path) {
    return mayBeKey(path) ? "(its path not shown: it looks like a key)" : QuotedValue.cut(path);
  }

  static boolean mayBeKey(String text) {
    Matcher run = KEY_LIKE_RUN.matcher(text);
    while (run.find()) {
      String found = run.group();
      boolean hex = found.chars().allMatch(c -> Character.digit(c, 16) >= 0);
      boolean mixed =
          found.chars().anyMatch(Character::isDigit)
              && found.chars().anyMatch(Character::isLowerCase)
              && found.chars().anyMatch(Character::isUpperCase);
      boolean foreign = found.chars().anyMatch(c -> c > 0x7f);
      if (hex || mixed || foreign) {
        return true;
      }
    }
    return false;
  }

  // Only a regular file of at most FILE_LIMIT bytes is read: a pipe would block, a device such as
  // /dev/zero would never end, and a huge file would exhaust the heap.
  private static String readKeyFile(String name, String source, boolean misplaced) {
    Path path;
    BasicFileAttributes attributes;
    try {
      path = Path.of(name);
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "expected the "
              + source
              + " to hold the encryption key, found it unreadable ("
              + e.getClass().getSimpleName()
              + ")"
              + (misplaced ? MISPLACED : ""));
    }
    if (!attributes.isRegularFile()) {
      throw new IllegalArgumentException(
          "expected the "
              + source
              + " to be a regular file holding the encryption key, found "
              + (attributes.isDirectory() ? "a directory" : "a pipe, socket or device")
              + " (not read)");
    }
    if (attributes.size() > FILE_LIMIT) {
      throw new IllegalArgumentException(tooLarge(source, attributes.size() + " bytes"));
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      bytes = in.readNBytes(FILE_LIMIT + 1);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "expected the "
              + source
              + " to hold the encryption key, found it unreadable ("
              + e.getClass().getSimpleName()
              + ")");
    }
    try {
      if (bytes.length > FILE_LIMIT) {
        throw new IllegalArgumentException(tooLarge(source, "more than " + FILE_LIMIT + " bytes"));
      }
      for (byte b : bytes) {
        if (b < 0) {
          throw new IllegalArgumentException(
              "expected the "
                  + source
                  + " to hold 32 bytes as 64 hex characters or base64, found bytes that are not"
                  + " ASCII (not shown)");
        }
      }
      return new String(bytes, StandardCharsets.US_ASCII);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private static String tooLarge(String source, String size) {
    return "expected the "
        + source
        + " to hold the encryption key (64 hex characters or base64 of 32 bytes, at most "
        + FILE_LIMIT
        + " bytes), found "
        + size
        + " (not read); check the path";
  }

  private static byte[] parse(String text, String source) {
    // ASCII hex only: Character.digit also accepts full-width digits, which HexFormat refuses with
    // a message that quotes the digit.
    if (text.length() == 64 && text.chars().allMatch(EncryptionKey::isAsciiHex)) {
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

  private static boolean isAsciiHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
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
