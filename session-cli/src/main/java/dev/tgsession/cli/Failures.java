package dev.tgsession.cli;

import dev.tgsession.spi.SessionUri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
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
    return line.toString().replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }

  private static String message(Throwable e) {
    String message = e.getMessage();
    if (e instanceof NoSuchFileException) {
      return "no such file: " + message;
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied: " + message;
    }
    if (e instanceof FileAlreadyExistsException) {
      return "file exists: " + message;
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

  /** {@code message} with every argument that is a URI shown with its password masked. */
  static String redactUris(String message, String[] args) {
    String redacted = message;
    for (String arg : args) {
      if (arg.contains("://") || arg.contains("?")) {
        redacted = redacted.replace(arg, SessionUri.redact(arg));
      }
    }
    return redacted;
  }
}
