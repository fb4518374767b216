package dev.tgsession.cli;

import dev.tgsession.spi.SessionUri;
import dev.tgsession.support.QuotedValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.util.regex.Pattern;

/** Turns a failure into the one line the command prints, without secrets. */
final class Failures {

  private static final Pattern BASE64ISH = Pattern.compile("[A-Za-z0-9+/=_\\-]{40,}");

  private Failures() {}

  /** One line: what failed, and its root cause if that says more. */
  static String describe(Throwable e) {
    Throwable shown = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
    StringBuilder line = new StringBuilder(message(shown));
    Throwable root = shown;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != shown) {
      String cause = message(root);
      if (!line.toString().contains(cause)) {
        line.append(" (caused by ").append(cause).append(')');
      }
    }
    return oneLine(line.toString());
  }

  /** The text on one line: line breaks and other control characters become spaces. */
  static String oneLine(String text) {
    return text.replaceAll("\\s*[\\r\\n]+\\s*", " ").replaceAll("\\p{Cntrl}", "?").strip();
  }

  /**
   * The line bounded to {@link Tgsession#MESSAGE_LIMIT} characters: every value a message quotes is
   * cut already, so this bounds only what a driver, the JDK or a long session description said. The
   * middle goes: the start says what failed, the end what was found and what to do.
   */
  static String bounded(String line) {
    if (line.length() <= Tgsession.MESSAGE_LIMIT) {
      return line;
    }
    String marker = " ...(" + (line.length() - Tgsession.MESSAGE_LIMIT) + " characters cut)... ";
    int head = (Tgsession.MESSAGE_LIMIT - marker.length()) / 2;
    int tail = Tgsession.MESSAGE_LIMIT - marker.length() - head;
    return line.substring(0, head) + marker + line.substring(line.length() - tail);
  }

  private static String message(Throwable e) {
    String message = e.getMessage();
    if (e instanceof NoSuchFileException missing) {
      return "no such file: " + QuotedValue.cut(missing.getFile());
    }
    if (e instanceof AccessDeniedException denied) {
      return "permission denied: " + QuotedValue.cut(denied.getFile());
    }
    if (e instanceof FileAlreadyExistsException exists) {
      return "file exists: " + QuotedValue.cut(exists.getFile());
    }
    if (e instanceof InvalidPathException invalid) {
      return "expected a valid file path, found '"
          + QuotedValue.cut(invalid.getInput())
          + "' ("
          + invalid.getReason()
          + ")";
    }
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    if (e instanceof IOException && !(e.getClass() == IOException.class)) {
      return e.getClass().getSimpleName() + ": " + message;
    }
    return message;
  }

  /** Whether an argument looks like a string session: a long run of base64 characters. */
  static boolean looksSecret(String argument) {
    return BASE64ISH.matcher(argument).matches();
  }

  /**
   * {@code message} (picocli's, which quotes arguments whole) with every argument shown as a
   * message quotes a value: a URI with its password masked, anything else cut to {@value
   * QuotedValue#LIMIT} characters.
   */
  static String quoteArguments(String message, String[] args) {
    String quoted = message;
    for (String arg : args) {
      if (arg.isEmpty()) {
        continue;
      }
      String shown =
          arg.contains("://") || arg.contains("?") || arg.contains("@")
              ? SessionUri.redact(arg)
              : QuotedValue.cut(arg);
      if (!shown.equals(arg)) {
        quoted = quoted.replace(arg, shown);
      }
    }
    return quoted;
  }
}
