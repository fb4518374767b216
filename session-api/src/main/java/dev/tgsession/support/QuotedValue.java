package dev.tgsession.support;

/**
 * How every message quotes a value it was given: whole when short, else its first {@value #LIMIT}
 * characters and its full length, so that a huge input never makes a huge message. Control
 * characters are shown as {@code ?} so a message stays one line.
 */
public final class QuotedValue {

  /** The most characters of a value a message shows. */
  public static final int LIMIT = 64;

  private QuotedValue() {}

  /**
   * The value as a message shows it (without quotes).
   *
   * @param value the value, or null (shown as {@code null})
   */
  public static String cut(@org.jspecify.annotations.Nullable String value) {
    if (value == null) {
      return "null";
    }
    boolean cut = value.length() > LIMIT;
    String shown = cut ? value.substring(0, LIMIT) : value;
    StringBuilder out = new StringBuilder(shown.length() + 32);
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    if (cut) {
      out.append("...(").append(value.length()).append(" characters)");
    }
    return out.toString();
  }
}
