package dev.tgsession.spi;

import dev.tgsession.support.QuotedValue;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One URI option a provider accepts, declared as data so that {@link dev.tgsession.Sessions}
 * validates every URI before the provider sees it: unknown names are rejected with the list of
 * valid ones, values are checked against the kind and range, defaults are filled in and secret
 * values are masked in every message.
 *
 * <p>The options every backend may share ({@code session}, {@code peer-cache}, {@code lease}, ...)
 * are declared once in {@link SharedOptions}; a provider lists those it supports next to its own.
 *
 * @param name the name in the query, lower-case letters, digits and dashes
 * @param kind what the value is
 * @param min the smallest value of an {@link Kind#INTEGER}, or the shortest length of a {@link
 *     Kind#TEXT}
 * @param max the largest value of an {@link Kind#INTEGER}, or the longest length of a {@link
 *     Kind#TEXT}
 * @param defaultValue the value a URI without the option gets, or null for "absent"
 * @param secret whether the value must never be shown (it is masked in every message)
 * @param description one line for error messages and the docs
 * @param <T> the type of the value: {@link Integer} for {@link Kind#INTEGER}, {@link String} for
 *     {@link Kind#TEXT}; read it with {@link SessionUri#get} (typed since 0.3.0)
 */
public record SessionOption<T>(
    String name,
    SessionOption.Kind kind,
    long min,
    long max,
    @Nullable String defaultValue,
    boolean secret,
    String description) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

  /** What an option's value is. */
  public enum Kind {
    /** A whole number in {@code min..max}. */
    INTEGER,
    /** Text of {@code min..max} printable characters. */
    TEXT
  }

  /** Validates the declaration. */
  public SessionOption {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(description, "description");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "expected an option name of lower-case letters, digits and dashes, found '"
              + QuotedValue.cut(name)
              + "'");
    }
    if (kind == Kind.INTEGER && (min < Integer.MIN_VALUE || max > Integer.MAX_VALUE)) {
      throw new IllegalArgumentException(
          "expected the range of integer option '"
              + name
              + "' within an int, found "
              + min
              + ".."
              + max);
    }
    if (min > max) {
      throw new IllegalArgumentException(
          "expected min <= max for option '" + name + "', found " + min + " > " + max);
    }
    if (defaultValue != null) {
      String problem = problem(kind, min, max, defaultValue);
      if (problem != null) {
        throw new IllegalArgumentException(
            "the default of option '" + name + "' is not valid: " + problem);
      }
    }
  }

  /** A whole-number option in {@code min..max}. */
  public static SessionOption<Integer> integer(
      String name, long min, long max, @Nullable Long defaultValue, String description) {
    return new SessionOption<>(
        name,
        Kind.INTEGER,
        min,
        max,
        defaultValue == null ? null : defaultValue.toString(),
        false,
        description);
  }

  /** A text option of 1 to {@code maxLength} printable characters. */
  public static SessionOption<String> text(
      String name, int maxLength, @Nullable String defaultValue, String description) {
    return new SessionOption<>(name, Kind.TEXT, 1, maxLength, defaultValue, false, description);
  }

  /** This option with its value masked in every message. */
  public SessionOption<T> asSecret() {
    return new SessionOption<>(name, kind, min, max, defaultValue, true, description);
  }

  /** This option with another default. */
  public SessionOption<T> withDefault(@Nullable String value) {
    return new SessionOption<>(name, kind, min, max, value, secret, description);
  }

  /**
   * Checks one value of this option.
   *
   * @throws IllegalArgumentException naming the option, what was expected and (unless secret) the
   *     value found, cut to 64 characters
   */
  public void check(String value, String where) {
    String problem = problem(kind, min, max, value);
    if (problem != null) {
      throw new IllegalArgumentException(
          "expected option '"
              + name
              + "' to be "
              + expected()
              + ", found "
              + (secret
                  ? "a value that is not (not shown: it is secret)"
                  : "'" + QuotedValue.cut(value) + "'")
              + " in "
              + where);
    }
  }

  /** What a valid value looks like, for messages: {@code a whole number in 2..3600}. */
  /**
   * The typed value of a string already checked against this option.
   *
   * @since 0.3.0
   */
  @SuppressWarnings("unchecked")
  T parse(String checked) {
    return (T)
        switch (kind) {
          case INTEGER -> Integer.valueOf(Math.toIntExact(Long.parseLong(checked.trim())));
          case TEXT -> checked;
        };
  }

  public String expected() {
    return switch (kind) {
      case INTEGER -> "a whole number in " + min + ".." + max;
      case TEXT ->
          min == max ? min + " printable characters" : min + " to " + max + " printable characters";
    };
  }

  private static @Nullable String problem(Kind kind, long min, long max, String value) {
    switch (kind) {
      case INTEGER -> {
        try {
          long parsed = Long.parseLong(value.trim());
          return parsed >= min && parsed <= max ? null : "out of range";
        } catch (NumberFormatException e) {
          return "not a whole number";
        }
      }
      case TEXT -> {
        if (value.length() < min || value.length() > max) {
          return "length " + value.length();
        }
        for (int i = 0; i < value.length(); i++) {
          char c = value.charAt(i);
          if (c < 0x20 || c == 0x7f || Character.isISOControl(c)) {
            return "a control character";
          }
        }
        return null;
      }
    }
    throw new AssertionError(kind);
  }
}
