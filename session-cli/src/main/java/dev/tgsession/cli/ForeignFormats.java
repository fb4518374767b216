package dev.tgsession.cli;

import dev.tgsession.SessionData;
import java.io.PrintWriter;
import java.nio.file.Path;

/** The bridges to the codecs of session-api and the Telethon file reader of session-sqlite. */
final class ForeignFormats {

  private ForeignFormats() {}

  /**
   * Decodes a string session. For Pyrogram, tells {@code err} what the string carried besides the
   * key, since the session keeps neither api_id nor test mode.
   *
   * @throws IllegalArgumentException if the string is not of the format, or is a test-mode Pyrogram
   *     session
   */
  static SessionData decode(SessionFormat format, String text, PrintWriter err) {
    return switch (format) {
      case TELETHON_STRING -> unavailable("telethon-string");
      case GRAMJS_STRING -> unavailable("gramjs-string");
      case PYROGRAM_STRING -> {
        yield unavailable("pyrogram-string");
      }
      default -> throw new IllegalArgumentException(format + " is not a string session format");
    };
  }

  /** Encodes the home DC (and, for Pyrogram, the self user) of {@code data} as a string session. */
  static String encode(SessionFormat format, SessionData data, int apiId) {
    return switch (format) {
      case TELETHON_STRING -> unavailable("telethon-string");
      case GRAMJS_STRING -> unavailable("gramjs-string");
      case PYROGRAM_STRING -> unavailable("pyrogram-string");
      default -> throw new IllegalArgumentException(format + " is not a string session format");
    };
  }

  /** Reads a Telethon {@code .session} file. */
  static SessionData readTelethonFile(Path file) {
    return unavailable("telethon-file");
  }

  private static <T> T unavailable(String format) {
    throw new UnsupportedOperationException(format + " is not built into this tgsession yet");
  }
}
