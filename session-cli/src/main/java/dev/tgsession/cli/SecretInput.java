package dev.tgsession.cli;

import dev.tgsession.support.QuotedValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * A credential given on the command line as itself, as {@code -} (read standard input) or as
 * {@code @FILE} (read the file), so that it can stay out of the shell's history.
 *
 * <p>Only a regular file is read (a named pipe would block, a device such as {@code /dev/zero}
 * would never end), and no more than the credential's limit, from a file or standard input.
 */
final class SecretInput {

  /** The most bytes of a string session: the longest real one is under 1,000 characters. */
  static final int STRING_SESSION_LIMIT = 64 * 1024;

  /** The most bytes of a local passcode file. */
  static final int PASSCODE_LIMIT = 4096;

  private SecretInput() {}

  /** Whether {@code argument} is the credential itself rather than where to read it. */
  static boolean isLiteral(String argument) {
    return !argument.equals("-") && !argument.startsWith("@");
  }

  /**
   * The credential, with surrounding white space removed.
   *
   * @throws IllegalArgumentException if the file or standard input holds nothing, or more than
   *     {@value #STRING_SESSION_LIMIT} bytes, or the file is not a regular file
   * @throws IOException if the file cannot be read
   */
  static String resolve(String argument, InputStream stdin) throws IOException {
    byte[] bytes;
    String origin;
    if (argument.equals("-")) {
      origin = "standard input";
      bytes = read(stdin, STRING_SESSION_LIMIT, "the string session", origin);
    } else if (argument.startsWith("@")) {
      String name = argument.substring(1);
      origin = "file " + QuotedValue.cut(name);
      bytes = read(name, STRING_SESSION_LIMIT, "the string session");
    } else {
      return argument.strip();
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "expected a string session as text in "
              + origin
              + ", found bytes that are not UTF-8 (not shown)");
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
    String stripped = text.strip();
    if (stripped.isEmpty()) {
      throw new IllegalArgumentException(
          "expected a string session in " + origin + ", found nothing");
    }
    return stripped;
  }

  /**
   * The bytes of a regular file holding {@code what}, refused unread when it is not a regular file
   * or holds more than {@code limit} bytes.
   */
  static byte[] read(String file, int limit, String what) throws IOException {
    String shown = QuotedValue.cut(file);
    Path path;
    BasicFileAttributes attributes;
    try {
      path = Path.of(file);
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException | InvalidPathException e) {
      throw new IllegalArgumentException(
          "expected a file holding " + what + ", found no file " + shown);
    }
    if (!attributes.isRegularFile()) {
      throw new IllegalArgumentException(
          "expected a regular file holding "
              + what
              + ", found "
              + (attributes.isDirectory() ? "a directory" : "a pipe, socket or device")
              + " at "
              + shown
              + " (not read)");
    }
    if (attributes.size() > limit) {
      throw tooLarge(what, "file " + shown, attributes.size() + " bytes", limit);
    }
    try (InputStream in = Files.newInputStream(path)) {
      return read(in, limit, what, "file " + shown);
    }
  }

  /** At most {@code limit} bytes of {@code in}; more is refused (and not kept). */
  static byte[] read(InputStream in, int limit, String what, String origin) throws IOException {
    byte[] bytes = in.readNBytes(limit + 1);
    if (bytes.length > limit) {
      Arrays.fill(bytes, (byte) 0);
      throw tooLarge(what, origin, "more than " + limit + " bytes", limit);
    }
    return bytes;
  }

  private static IllegalArgumentException tooLarge(
      String what, String origin, String found, int limit) {
    return new IllegalArgumentException(
        "expected "
            + what
            + " of at most "
            + limit
            + " bytes in "
            + origin
            + ", found "
            + found
            + " (not read); check that it is the right file");
  }
}
