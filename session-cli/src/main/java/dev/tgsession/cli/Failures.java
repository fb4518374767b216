package dev.tgsession.cli;

import dev.tgsession.spi.SessionUri;
import dev.tgsession.support.QuotedValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a failure into the one line the command prints, without secrets. */
final class Failures {

  private static final Pattern BASE64ISH = Pattern.compile("[A-Za-z0-9+/=_\\-]{40,}");

  /** The most characters of a value without spaces a line quotes whole. */
  static final int TOKEN_LIMIT = 200;

  private static final Pattern LONG_TOKEN = Pattern.compile("\\S{" + (TOKEN_LIMIT + 1) + ",}");

  /** The most characters of a cause's message (a driver's) a line quotes. */
  static final int CAUSE_LIMIT = 200;

  /** The codec classes of the API and the format names the command gives them. */
  private static final Map<String, String> CLI_FORMATS =
      Map.of(
          "TelethonStringSession", "telethon-string",
          "PyrogramStringSession", "pyrogram-string",
          "GramJsStringSession", "gramjs-string",
          "MtcuteStringSession", "mtcute-string",
          "TelethonSessionFile", "telethon-file",
          "TelegramDesktopData", "tdata");

  private static final Pattern CODEC_CLASS =
      Pattern.compile(
          "\\b("
              + String.join("|", new java.util.TreeSet<>(CLI_FORMATS.keySet()))
              + ")\\b(?:\\.[a-z]\\w*\\([^)]*\\))?");

  /** "(or SomeClass.read(path) and Sessions.copy)": the API's way, beside the command's. */
  private static final Pattern API_ALTERNATIVE =
      Pattern.compile("\\s*\\(or [A-Z]\\w*\\.\\w+\\([^)]*\\)[^()]*\\)");

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
      String cause = cause(root);
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
   * A library message as the command line speaks: the codec classes a hint names for API users
   * become the format names {@code tgsession import} and {@code export} take, and an API
   * alternative offered in parentheses is dropped.
   */
  static String inCliTerms(String message) {
    String text = API_ALTERNATIVE.matcher(message).replaceAll("");
    Matcher codec = CODEC_CLASS.matcher(text);
    StringBuilder out = new StringBuilder();
    while (codec.find()) {
      codec.appendReplacement(out, Matcher.quoteReplacement(CLI_FORMATS.get(codec.group(1))));
    }
    return codec.appendTail(out).toString();
  }

  /**
   * The line with every value it quotes bounded: a run of more than {@value #TOKEN_LIMIT}
   * characters without a space (a value a library quoted whole: a path, an option, an argument) is
   * cut as {@link QuotedValue} cuts. The words around it, the fix included, are never cut.
   */
  static String valuesCut(String line) {
    Matcher token = LONG_TOKEN.matcher(line);
    StringBuilder out = new StringBuilder();
    while (token.find()) {
      token.appendReplacement(out, Matcher.quoteReplacement(QuotedValue.cut(token.group())));
    }
    return token.appendTail(out).toString();
  }

  /** A cause's message quoted back, cut: a driver may say a lot; what failed is said already. */
  private static String cause(Throwable root) {
    String text = message(root);
    if (text.length() <= CAUSE_LIMIT) {
      return text;
    }
    return text.substring(0, CAUSE_LIMIT) + "...(" + text.length() + " characters)";
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
