package dev.tgsession.interop;

/** Hints that name the codec a mistaken string probably belongs to. */
final class Formats {
  private Formats() {}

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
