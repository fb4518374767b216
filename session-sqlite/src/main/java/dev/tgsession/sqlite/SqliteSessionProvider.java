package dev.tgsession.sqlite;

import com.google.auto.service.AutoService;
import dev.tgsession.Session;
import dev.tgsession.cache.CaffeinePeerCache;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.PeerCache;
import dev.tgsession.spi.SessionProvider;
import dev.tgsession.spi.SessionUri;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code sqlite:} backend: one session per file, {@code sqlite:bot.session} (relative to the
 * working directory) or {@code sqlite:/abs/path.session}, in grammers' SQLite format.
 *
 * <p>Option {@code busy-timeout}: how long, in milliseconds, to wait for another connection that
 * holds the file's write lock (default {@value #DEFAULT_BUSY_TIMEOUT_MILLIS}). A new file is
 * created with permissions 0600 where the file system supports POSIX permissions.
 */
@AutoService(SessionProvider.class)
public final class SqliteSessionProvider implements SessionProvider {

  /** The default of option {@code busy-timeout}, in milliseconds. */
  public static final int DEFAULT_BUSY_TIMEOUT_MILLIS = 5000;

  private static final String BUSY_TIMEOUT = "busy-timeout";
  private static final int MAX_BUSY_TIMEOUT_MILLIS = 3_600_000;
  private static final String MODE = "mode";
  private static final String READ_WRITE = "read-write";
  private static final String READ_ONLY = "read-only";

  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public SqliteSessionProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("sqlite");
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.DURABLE, Capability.SHARED);
  }

  /**
   * Opens the session file a URI names, creating it if needed.
   *
   * @throws IllegalArgumentException on a malformed URI, an unknown option or a {@code session=}
   *     option (a file holds one session)
   * @throws dev.tgsession.IncompatibleSessionException if the file is not a session this version
   *     reads (not SQLite, SQLite but not a session, a Telethon file, or from a newer version); the
   *     file is then left untouched
   */
  @Override
  public Session open(SessionUri uri) {
    if (uri.option("session").isPresent()) {
      throw new IllegalArgumentException(
          "expected no 'session' option: an sqlite: file holds exactly one session, found '"
              + uri
              + "'; use one file per session instead (sqlite:NAME.session)");
    }
    List<String> known = new ArrayList<>(CaffeinePeerCache.OPTIONS);
    known.add(BUSY_TIMEOUT);
    known.add(MODE);
    uri.requireKnownOptions(known);
    int busyTimeout =
        uri.intOption(BUSY_TIMEOUT, DEFAULT_BUSY_TIMEOUT_MILLIS, 0, MAX_BUSY_TIMEOUT_MILLIS);
    boolean readOnly = readOnly(uri);
    PeerCache peerCache = readOnly ? PeerCache.none() : CaffeinePeerCache.fromUri(uri);
    return SqliteFileOpener.open(uri.toString(), file(uri), busyTimeout, peerCache, readOnly);
  }

  private static boolean readOnly(SessionUri uri) {
    String mode = uri.option(MODE).orElse(READ_WRITE);
    if (mode.equals(READ_ONLY)) {
      return true;
    }
    if (mode.equals(READ_WRITE)) {
      return false;
    }
    throw new IllegalArgumentException(
        "expected option mode to be '"
            + READ_WRITE
            + "' or '"
            + READ_ONLY
            + "', found '"
            + (mode.length() <= 64
                ? mode
                : mode.substring(0, 64) + "...' (" + mode.length() + " characters)")
            + "'");
  }

  private static Path file(SessionUri uri) {
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
