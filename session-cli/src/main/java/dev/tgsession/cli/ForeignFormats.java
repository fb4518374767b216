package dev.tgsession.cli;

import dev.tgsession.SessionData;
import dev.tgsession.interop.GramJsStringSession;
import dev.tgsession.interop.MtcuteStringSession;
import dev.tgsession.interop.PyrogramSessionFile;
import dev.tgsession.interop.PyrogramStringSession;
import dev.tgsession.interop.TelethonSessionFile;
import dev.tgsession.interop.TelethonStringSession;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The bridges to the codecs and session-file readers and writers of session-interop. */
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
      case TELETHON_STRING -> {
        TelethonStringSession.Contents contents = TelethonStringSession.read(text);
        noteTestServers(contents.testMode(), contents.session(), err);
        yield contents.session();
      }
      case GRAMJS_STRING -> {
        GramJsStringSession.Contents contents = GramJsStringSession.read(text);
        noteTestServers(contents.testMode(), contents.session(), err);
        yield contents.session();
      }
      case MTCUTE_STRING -> {
        MtcuteStringSession.Contents contents = MtcuteStringSession.read(text);
        noteTestServers(contents.testMode(), contents.session(), err);
        MtcuteStringSession.Dc media = contents.media();
        if (media != null) {
          err.printf(
              "note: the mtcute string names a separate media DC (DC %d at %s port %d), which a"
                  + " session does not keep; mtcute finds it again from Telegram's config%n",
              media.id(), media.address(), media.port());
        }
        yield contents.session();
      }
      case PYROGRAM_STRING -> {
        PyrogramStringSession.Contents contents = PyrogramStringSession.read(text);
        if (contents.testMode()) {
          throw new IllegalArgumentException(
              "expected a Pyrogram session of Telegram's production servers, found a test-mode"
                  + " one (test_mode = 1); tgsession does not map test DCs onto production ones");
        }
        if (contents.userId() == 0) {
          err.printf(
              "note: the Pyrogram string carried api_id %d and no user (user_id 0); the session"
                  + " keeps neither (pass --api-id %d to export it back)%n",
              contents.apiId(), contents.apiId());
        } else {
          err.printf(
              "note: the Pyrogram string carried api_id %d and %s %d; the session keeps the user"
                  + " but not the api_id (pass --api-id %d to export it back)%n",
              contents.apiId(),
              contents.bot() ? "bot" : "user",
              contents.userId(),
              contents.apiId());
        }
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
      case MTCUTE_STRING -> MtcuteStringSession.encode(data);
      default -> throw new IllegalArgumentException(format + " is not a string session format");
    };
  }

  private static void noteTestServers(boolean testMode, SessionData data, PrintWriter err) {
    if (testMode) {
      err.printf(
          "note: the string is of Telegram's test servers (DC %d): the session points to the"
              + " test DCs on both address families, never to production%n",
          data.homeDcId());
    }
  }

  /**
   * Reads another library's session file, telling {@code err} what the file held that the session
   * does not keep.
   */
  static SessionData readSessionFile(SessionFormat format, Path file, PrintWriter err) {
    List<String> dropped;
    List<String> notes;
    SessionData data;
    if (format == SessionFormat.TELETHON_FILE) {
      TelethonSessionFile.Contents contents = TelethonSessionFile.readContents(file);
      data = contents.session();
      dropped = contents.dropped();
      notes = new ArrayList<>(contents.notes());
      if (contents.tempAuthKey() != null) {
        notes.add(
            "the file's tmp_auth_key (Telethon 1.43+) is kept as the home DC's temporary key;"
                + " Telethon stores no expiry, so it is assumed valid for "
                + TelethonSessionFile.TEMP_KEY_LIFETIME.toHours()
                + " hours from this import");
      }
      if (contents.version() < TelethonSessionFile.VERSION) {
        notes.add(
            "the file is of Telethon database version "
                + contents.version()
                + ": read as Telethon's own upgrade to version "
                + TelethonSessionFile.VERSION
                + " leaves it");
      }
    } else {
      PyrogramSessionFile.Contents contents = PyrogramSessionFile.read(file);
      data = contents.session();
      dropped = contents.dropped();
      notes = new ArrayList<>(contents.notes());
      PyrogramSessionFile.Layout asked =
          format == SessionFormat.KURIGRAM_FILE
              ? PyrogramSessionFile.Layout.KURIGRAM
              : PyrogramSessionFile.Layout.PYROGRAM;
      if (contents.layout() != asked) {
        notes.add(
            "the file has "
                + contents.layout().library()
                + "'s layout (schema "
                + contents.version()
                + "), not "
                + asked.library()
                + "'s: read as "
                + contents.layout().library()
                + " reads it");
      }
    }
    for (String note : notes) {
      err.println("note: " + note);
    }
    for (String line : dropped) {
      err.println("dropped: " + line);
    }
    return data;
  }

  /**
   * Writes {@code data} as another library's session file.
   *
   * @param telethonVersion the Telethon database version (7 or 8); a Telethon file gets the home
   *     DC's address in the family the session was given it in
   * @param apiId the api_id a Pyrogram or Kurigram file stores, or {@code null}
   */
  static void writeSessionFile(
      SessionFormat format,
      Path file,
      SessionData data,
      int telethonVersion,
      @Nullable Integer apiId,
      boolean replace) {
    switch (format) {
      case TELETHON_FILE -> TelethonSessionFile.write(file, data, telethonVersion, replace);
      case PYROGRAM_FILE ->
          PyrogramSessionFile.write(
              file, data, PyrogramSessionFile.Layout.PYROGRAM, apiId, replace);
      case KURIGRAM_FILE ->
          PyrogramSessionFile.write(
              file, data, PyrogramSessionFile.Layout.KURIGRAM, apiId, replace);
      default -> throw new IllegalArgumentException(format + " is not a session file format");
    }
  }
}
