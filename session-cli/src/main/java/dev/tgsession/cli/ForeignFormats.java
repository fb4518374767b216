package dev.tgsession.cli;

import dev.tgsession.SessionData;
import dev.tgsession.interop.GramJsStringSession;
import dev.tgsession.interop.PyrogramStringSession;
import dev.tgsession.interop.TelethonStringSession;
import dev.tgsession.sqlite.TelethonSessionFile;
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
      case TELETHON_STRING -> TelethonStringSession.decode(text);
      case GRAMJS_STRING -> GramJsStringSession.decode(text);
      case PYROGRAM_STRING -> {
        PyrogramStringSession.Contents contents = PyrogramStringSession.read(text);
        if (contents.testMode()) {
          throw new IllegalArgumentException(
              "expected a Pyrogram session of Telegram's production servers, found a test-mode"
                  + " one (test_mode = 1); tgsession does not map test DCs onto production ones");
        }
        err.printf(
            "note: the Pyrogram string carried api_id %d and %s %d; the session keeps the user but"
                + " not the api_id (pass --api-id %d to export it back)%n",
            contents.apiId(), contents.bot() ? "bot" : "user", contents.userId(), contents.apiId());
        yield contents.session();
      }
      default -> throw new IllegalArgumentException(format + " is not a string session format");
    };
  }

  /** Encodes the home DC (and, for Pyrogram, the self user) of {@code data} as a string session. */
  static String encode(SessionFormat format, SessionData data, int apiId) {
    return switch (format) {
      case TELETHON_STRING -> TelethonStringSession.encode(data);
      case GRAMJS_STRING -> GramJsStringSession.encode(data);
      case PYROGRAM_STRING -> PyrogramStringSession.encode(data, apiId);
      default -> throw new IllegalArgumentException(format + " is not a string session format");
    };
  }

  /** Reads a Telethon {@code .session} file. */
  static SessionData readTelethonFile(Path file) {
    return TelethonSessionFile.read(file);
  }
}
