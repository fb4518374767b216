package dev.tgsession.interop;

/** How messages show one character of a string that may be a credential. */
final class Characters {
  private Characters() {}

  /** {@code 'x'} for printable ASCII, {@code U+XXXX} otherwise. */
  static String describe(char c) {
    return c >= 0x21 && c <= 0x7E ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }

  /** What the string starts with, for a message: its first character, or "an empty string". */
  static String start(String text) {
    return text.isEmpty()
        ? "an empty string"
        : "a string starting with " + describe(text.charAt(0));
  }
}
