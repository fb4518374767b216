package dev.tgsession.cli;

import dev.tgsession.support.QuotedValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A credential given on the command line as itself, as {@code -} (read standard input) or as
 * {@code @FILE} (read the file), so that it can stay out of the shell's history.
 */
final class SecretInput {

  /**
   * The most a string session's file or standard input may hold (the longest string has < 1 KiB).
   */
  static final int MAX_BYTES = 64 * 1024;

  private SecretInput() {}

  /** Reads at most {@link #MAX_BYTES}; refuses more by size, before holding it all. */
  static byte[] readLimited(InputStream in, String origin) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BYTES + 1);
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException(
          "expected a string session of at most "
              + MAX_BYTES
              + " bytes in "
              + origin
              + ", found more (not read further)");
    }
    return bytes;
  }

  /** Whether {@code argument} is the credential itself rather than where to read it. */
  static boolean isLiteral(String argument) {
    return !argument.equals("-") && !argument.startsWith("@");
  }

  /**
   * The credential, with surrounding white space removed.
   *
   * @throws IllegalArgumentException if the file or standard input holds nothing
   * @throws IOException if the file cannot be read
   */
  static String resolve(String argument, InputStream stdin) throws IOException {
    String text;
    String origin;
    if (argument.equals("-")) {
      text = new String(readLimited(stdin, "standard input"), StandardCharsets.UTF_8);
      origin = "standard input";
    } else if (argument.startsWith("@")) {
      String name = argument.substring(1);
      try {
        Path path = Path.of(name);
        if (Files.exists(path) && !Files.isRegularFile(path)) {
          throw new IllegalArgumentException(
              "expected a regular file holding the string session, found "
                  + QuotedValue.cut(name)
                  + " (a folder, device or pipe)");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
          bytes = readLimited(in, "file " + QuotedValue.cut(name));
        }
        text =
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      } catch (NoSuchFileException | InvalidPathException e) {
        throw new IllegalArgumentException(
            "expected a file holding the string session, found no file " + QuotedValue.cut(name));
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException(
            "expected a string session as text in file "
                + QuotedValue.cut(name)
                + ", found bytes that are not UTF-8 (not shown)");
      }
      origin = "file " + QuotedValue.cut(name);
    } else {
      return argument.strip();
    }
    String stripped = text.strip();
    if (stripped.isEmpty()) {
      throw new IllegalArgumentException(
          "expected a string session in " + origin + ", found nothing");
    }
    return stripped;
  }
}
