package dev.tgsession.interop;

import java.util.Base64;

/** Strict base64 for string sessions: one alphabet, canonical form, errors that quote no input. */
enum Base64Text {
  /** RFC 4648 section 5, as Python's {@code base64.urlsafe_b64encode}. */
  URL_SAFE("URL-safe base64 (A-Z a-z 0-9 - _)", '-', '_', '+', '/'),
  /** RFC 4648 section 4, as Node's {@code Buffer.toString("base64")}. */
  STANDARD("standard base64 (A-Z a-z 0-9 + /)", '+', '/', '-', '_');

  private final String description;
  private final char c62;
  private final char c63;
  private final char other62;
  private final char other63;

  Base64Text(String description, char c62, char c63, char other62, char other63) {
    this.description = description;
    this.c62 = c62;
    this.c63 = c63;
    this.other62 = other62;
    this.other63 = other63;
  }

  String encode(byte[] bytes, boolean padded) {
    Base64.Encoder encoder = this == URL_SAFE ? Base64.getUrlEncoder() : Base64.getEncoder();
    return (padded ? encoder : encoder.withoutPadding()).encodeToString(bytes);
  }

  /**
   * Decodes {@code text}, which starts at {@code offset} of the string the user gave (for positions
   * in messages).
   *
   * @throws IllegalArgumentException naming the format and the first thing that is wrong
   */
  byte[] decode(String format, String text, int offset, boolean padded) {
    int padding = 0;
    while (padding < text.length() && text.charAt(text.length() - 1 - padding) == '=') {
      padding++;
    }
    int body = text.length() - padding;
    for (int i = 0; i < body; i++) {
      char c = text.charAt(i);
      boolean valid =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == c62
              || c == c63;
      if (!valid) {
        String hint =
            c == other62 || c == other63
                ? (this == URL_SAFE
                    ? " (that is standard base64, which GramJS string sessions use: use"
                        + " GramJsStringSession)"
                    : " (that is URL-safe base64, which Telethon and Pyrogram string sessions use:"
                        + " use TelethonStringSession or PyrogramStringSession)")
                : "";
        throw new IllegalArgumentException(
            format
                + ": expected "
                + description
                + ", found "
                + Characters.describe(c)
                + " at position "
                + (offset + i)
                + hint);
      }
    }
    if (padded) {
      int expectedPadding = (4 - body % 4) % 4;
      if (text.length() % 4 != 0 || padding != expectedPadding || expectedPadding == 3) {
        throw new IllegalArgumentException(
            format
                + ": expected padded base64 (a multiple of 4 characters, ending in at most two"
                + " '='), found "
                + body
                + " base64 characters and "
                + padding
                + " '='");
      }
    } else if (padding != 0 || body % 4 == 1) {
      throw new IllegalArgumentException(
          format
              + ": expected base64 without '=' padding and a length that is not 1 more than a"
              + " multiple of 4, found "
              + body
              + " base64 characters and "
              + padding
              + " '='");
    }
    byte[] bytes;
    try {
      Base64.Decoder decoder = this == URL_SAFE ? Base64.getUrlDecoder() : Base64.getDecoder();
      bytes = decoder.decode(text);
    } catch (IllegalArgumentException e) {
      // The checks above leave the decoder nothing to reject; never quote its message anyway.
      throw new IllegalArgumentException(
          format + ": expected " + description + ", found text it rejects");
    }
    if (!encode(bytes, padded).equals(text)) {
      throw new IllegalArgumentException(
          format
              + ": expected canonical base64, found a last character with unused bits set (the"
              + " string was altered or truncated)");
    }
    return bytes;
  }
}
