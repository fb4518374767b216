package dev.tgsession.sqlite;

import dev.tgsession.spi.SessionUri;
import dev.tgsession.support.QuotedValue;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * What an {@code sqlite:} URI names: one session file ({@code sqlite:bot.session}, {@code
 * sqlite:/abs/path.session}), or for a directory of sessions ({@code sqlite:/var/sessions/}) an
 * existing directory whose {@code NAME.session} files are the sessions named {@code NAME}.
 */
final class SqliteTarget {

  /** The file name ending of a session in a directory. */
  static final String SUFFIX = ".session";

  /** The longest session name in a directory (the {@code session} option's limit). */
  static final int MAX_NAME = 200;

  private SqliteTarget() {}

  /**
   * The session file a URI names.
   *
   * @throws IllegalArgumentException on a URI with a host, without a path, or naming a directory
   */
  static Path file(SessionUri uri) {
    Path path = path(uri);
    if (Files.isDirectory(path)) {
      throw new IllegalArgumentException(
          "expected 'sqlite:FILE' to name a session file, found a directory at '"
              + uri
              + "'; name a file in it (sqlite:DIR/NAME.session), or open the directory with"
              + " Sessions.store");
    }
    return path;
  }

  /**
   * The directory a store URI names.
   *
   * @throws IllegalArgumentException on a URI with a host or without a path, or when the path is
   *     not an existing directory (nothing is created)
   */
  static Path directory(SessionUri uri) {
    Path path = path(uri);
    if (!Files.isDirectory(path)) {
      throw new IllegalArgumentException(
          "expected 'sqlite:DIRECTORY' to name an existing directory of session files, found "
              + (Files.exists(path) ? "a file" : "nothing")
              + " at '"
              + uri
              + "'; "
              + (Files.exists(path)
                  ? "open a single file with Sessions.open"
                  : "create the directory first"));
    }
    return path;
  }

  /** The file of session {@code name} in {@code directory}. */
  static Path fileOf(Path directory, String name) {
    requireName(name);
    return directory.resolve(name + SUFFIX);
  }

  /** The session name of a file in a directory, or null when its name is not one. */
  static @Nullable String nameOf(Path file) {
    String fileName = String.valueOf(file.getFileName());
    if (!fileName.endsWith(SUFFIX)) {
      return null;
    }
    String name = fileName.substring(0, fileName.length() - SUFFIX.length());
    return validName(name) ? name : null;
  }

  /**
   * A session name in a directory: 1 to {@value #MAX_NAME} characters, ASCII letters, digits and
   * {@code . _ - @ + = ,}, not starting with a dot (so it is a file name on every system and needs
   * no escaping in a URI). Case-sensitive, as the file system is on Linux.
   *
   * @throws IllegalArgumentException naming what was expected and found
   */
  static void requireName(String name) {
    if (!validName(name)) {
      throw new IllegalArgumentException(
          "expected a session name of 1 to "
              + MAX_NAME
              + " characters among A-Z a-z 0-9 . _ - @ + = , (not starting with '.'), found '"
              + QuotedValue.cut(name)
              + "'");
    }
  }

  private static boolean validName(String name) {
    if (name.isEmpty() || name.length() > MAX_NAME || name.charAt(0) == '.') {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || ".-_@+=,".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static Path path(SessionUri uri) {
    String path = uri.path();
    if (uri.hierarchical() && !uri.hosts().isEmpty()) {
      throw new IllegalArgumentException(
          "expected 'sqlite:FILE' or 'sqlite:/absolute/FILE' (no host), found '" + uri + "'");
    }
    if (path.isEmpty() || path.indexOf('?') >= 0 || path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "expected 'sqlite:FILE' or 'sqlite:/absolute/FILE' with a file name (no '?'), found '"
              + uri
              + "'");
    }
    try {
      return Path.of(path);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(
          "expected a valid file path in '" + uri + "', found: " + e.getMessage(), e);
    }
  }
}
