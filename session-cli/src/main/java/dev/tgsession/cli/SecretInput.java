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

  private SecretInput() {}

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
      text = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
      origin = "standard input";
    } else if (argument.startsWith("@")) {
      String name = argument.substring(1);
      try {
        text = Files.readString(Path.of(name), StandardCharsets.UTF_8);
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
