package dev.tgsession.interop;

/** Hints that name the codec a mistaken string probably belongs to. */
final class Formats {
  private Formats() {}

  /**
   * The longest string session read, in characters: the longest real one (mtcute with a media DC
   * and IPv6 addresses) has under 700, so anything this long is refused before it is decoded.
   */
  static final int MAX_STRING_LENGTH = 8192;

  /** The string session, refused by its length alone when it cannot be one. */
  static String requireSize(String format, String session) {
    java.util.Objects.requireNonNull(session, "session");
    if (session.length() > MAX_STRING_LENGTH) {
      throw new IllegalArgumentException(
          format
              + ": expected a string session of at most "
              + MAX_STRING_LENGTH
              + " characters, found "
              + session.length()
              + " characters (not shown); it was not decoded");
    }
    return session;
  }

  /** A parenthesised hint, or "" when the string does not look like another format. */
  static String hint(String format, String text) {
    int length = text.length();
    boolean pyrogramLength =
        length == PyrogramStringSession.LENGTH
            || length == PyrogramStringSession.OLD_LENGTH
            || length == PyrogramStringSession.OLD_LENGTH_64;
    if (!format.equals(MtcuteStringSession.FORMAT) && text.startsWith("Aw") && !pyrogramLength) {
      // Version byte 3 and a small flags word: how every mtcute v3 string starts.
      return " (a string starting with 'Aw' is probably an mtcute session string: use"
          + " MtcuteStringSession)";
    }
    boolean versioned = !text.isEmpty() && text.charAt(0) == '1';
    if (!format.equals(PyrogramStringSession.FORMAT)
        && (length == PyrogramStringSession.LENGTH
            || length == PyrogramStringSession.OLD_LENGTH
            || length == PyrogramStringSession.OLD_LENGTH_64)) {
      return " ("
          + length
          + " characters is the length of a Pyrogram string session: use"
          + " PyrogramStringSession)";
    }
    if (format.equals(PyrogramStringSession.FORMAT) && versioned) {
      return " (a string starting with '1' is a Telethon or GramJS string session: use"
          + " TelethonStringSession or GramJsStringSession)";
    }
    if (format.equals(TelethonStringSession.FORMAT)
        && versioned
        && length != TelethonStringSession.IPV4_LENGTH
        && length != TelethonStringSession.IPV6_LENGTH) {
      return " (a string starting with '1' of another length may be a GramJS string session: use"
          + " GramJsStringSession)";
    }
    if (format.equals(GramJsStringSession.FORMAT)
        && versioned
        && (length == TelethonStringSession.IPV4_LENGTH
            || length == TelethonStringSession.IPV6_LENGTH)) {
      return " (this may be a Telethon string session: use TelethonStringSession)";
    }
    return "";
  }
}
