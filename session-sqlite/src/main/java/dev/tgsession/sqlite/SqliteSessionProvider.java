package dev.tgsession.sqlite;

import com.google.auto.service.AutoService;
import dev.tgsession.Session;
import dev.tgsession.SessionStore;
import dev.tgsession.cache.CaffeinePeerCache;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.PeerCache;
import dev.tgsession.spi.SessionOption;
import dev.tgsession.spi.SessionProvider;
import dev.tgsession.spi.SessionUri;
import dev.tgsession.spi.SharedOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The {@code sqlite:} backend: one session per file, {@code sqlite:bot.session} (relative to the
 * working directory) or {@code sqlite:/abs/path.session}, in grammers' SQLite format.
 *
 * <p>Options: {@code busy-timeout}, how long, in milliseconds, to wait for another connection that
 * holds the file's write lock (default {@value #DEFAULT_BUSY_TIMEOUT_MILLIS}); {@code
 * mode=read-only}, which opens an existing file without writing anything to it; the peer cache and
 * lease options of {@link SharedOptions}; {@code encryption-key=env:NAME|file:PATH}, which keeps
 * the auth keys encrypted in table {@code tgsession_key_vault} and {@code dc_option.auth_key} NULL
 * (a plain file opened read-write with a key is encrypted in place; opened {@code mode=read-only}
 * with a key it is refused, never converted). A new file is created with permissions 0600 where the
 * file system supports POSIX permissions.
 *
 * <p>{@code Sessions.store("sqlite:/var/sessions/")} lists a directory of session files (capability
 * {@code DIRECTORY}): {@code NAME.session} is the session {@code NAME}.
 */
@AutoService(SessionProvider.class)
public final class SqliteSessionProvider implements SessionProvider {

  /** The default of option {@code busy-timeout}, in milliseconds. */
  public static final int DEFAULT_BUSY_TIMEOUT_MILLIS = 5000;

  private static final String READ_WRITE = "read-write";
  private static final String READ_ONLY = "read-only";

  private static final SessionOption<Integer> BUSY_TIMEOUT =
      SessionOption.integer(
          "busy-timeout",
          0,
          3_600_000,
          (long) DEFAULT_BUSY_TIMEOUT_MILLIS,
          "milliseconds to wait for another connection holding the file's write lock");
  private static final SessionOption<String> MODE =
      SessionOption.text(
          "mode",
          10,
          READ_WRITE,
          "read-write (creates the file if missing) or read-only (the file must exist; nothing is"
              + " written to it)");

  private static final List<SessionOption<?>> OPTIONS =
      List.of(
          BUSY_TIMEOUT,
          MODE,
          SharedOptions.PEER_CACHE,
          SharedOptions.PEER_CACHE_TTL,
          SharedOptions.LEASE,
          SharedOptions.OWNER,
          SharedOptions.ENCRYPTION_KEY);

  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public SqliteSessionProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("sqlite");
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(
        Capability.DURABLE,
        Capability.SHARED,
        Capability.LEASE,
        Capability.ATOMIC_BATCH,
        Capability.ENCRYPTION,
        Capability.DIRECTORY);
  }

  @Override
  public List<SessionOption<?>> options() {
    return OPTIONS;
  }

  /** {@code session} reaches {@link #open} only to be refused with the reason (one per file). */
  @Override
  public boolean passesThrough(String optionName) {
    return optionName.equals("session");
  }

  /**
   * Opens the session file a URI names, creating it if needed (unless {@code mode=read-only}).
   *
   * @throws IllegalArgumentException on a malformed URI, an unknown option, a {@code session=}
   *     option (a file holds one session), or with {@code mode=read-only} a missing file
   * @throws dev.tgsession.IncompatibleSessionException if the file is not a session this version
   *     reads (not SQLite, SQLite but not a session, a Telethon file, from a newer version, or
   *     damaged); the file is then left untouched
   */
  @Override
  public Session open(SessionUri uri) {
    if (uri.option("session").isPresent()) {
      throw new IllegalArgumentException(
          "expected no 'session' option: an sqlite: file holds exactly one session, found '"
              + uri
              + "'; use one file per session instead (sqlite:NAME.session)");
    }
    int busyTimeout = uri.get(BUSY_TIMEOUT);
    boolean readOnly = readOnly(uri);
    PeerCache peerCache = readOnly ? PeerCache.none() : CaffeinePeerCache.fromUri(uri);
    int peerCacheSize = peerCache == PeerCache.none() ? 0 : uri.get(SharedOptions.PEER_CACHE);
    return SqliteFileOpener.open(
        uri.toString(), SqliteTarget.file(uri), busyTimeout, peerCache, peerCacheSize, readOnly);
  }

  private static boolean readOnly(SessionUri uri) {
    String mode = uri.get(MODE);
    if (mode.equals(READ_ONLY)) {
      return true;
    }
    if (mode.equals(READ_WRITE)) {
      return false;
    }
    throw new IllegalArgumentException(
        "expected option 'mode' to be '"
            + READ_WRITE
            + "' or '"
            + READ_ONLY
            + "', found '"
            + mode
            + "' in "
            + uri);
  }

  /**
   * Opens the directory a store URI names ({@code sqlite:/var/sessions/}): each {@code
   * NAME.session} file in it is the session {@code NAME}; its options are handed to every session
   * opened from it.
   *
   * @throws IllegalArgumentException when the path is not an existing directory (a file, or
   *     nothing: nothing is created)
   */
  @Override
  public SessionStore openStore(SessionUri storeUri) {
    Path directory = SqliteTarget.directory(storeUri);
    return new SqliteDirectory(
        directory, storeUri.raw(), storeUri.toString(), storeUri.get(BUSY_TIMEOUT));
  }
}
