package dev.tgsession.spi;

import dev.tgsession.Session;
import java.util.List;
import java.util.Set;

/**
 * A storage backend, found through {@link java.util.ServiceLoader}. Register an implementation with
 * {@code @AutoService(SessionProvider.class)}; it needs a public no-argument constructor.
 */
public interface SessionProvider {

  /** The URI schemes this backend opens, lower-case (for example {@code redis}, {@code rediss}). */
  Set<String> schemes();

  /** What this backend promises beyond the basic rules. */
  Set<Capability> capabilities();

  /**
   * Opens the session a URI names.
   *
   * @throws IllegalArgumentException if the URI is malformed or has an unknown option
   * @throws dev.tgsession.SessionStorageException if the store cannot be reached
   * @throws dev.tgsession.IncompatibleSessionException if the stored data cannot be read
   */
  Session open(SessionUri uri);

  /**
   * The URI options this backend accepts, its own and those of {@link SharedOptions} it supports.
   * {@link dev.tgsession.Sessions#open} validates every URI against them before {@link #open} sees
   * it (unknown names are rejected with the list of valid ones, values checked against kind and
   * range), fills in their defaults and masks the secret ones in every message. The provider reads
   * them typed with {@link SessionUri#get}. (Since 0.3.0 every provider declares its options: an
   * empty list means "no options", not "validate them yourself".)
   */
  List<SessionOption<?>> options();

  /**
   * Whether an option not in {@link #options()} belongs to the driver and passes through to it
   * untouched (for example MongoDB's {@code replicaSet}, PostgreSQL's {@code sslmode}); such
   * options are the driver's to check. The default passes nothing through.
   */
  default boolean passesThrough(String optionName) {
    return false;
  }

  /**
   * Opens the directory of a store, for a backend with {@link Capability#DIRECTORY}: {@code
   * storeUri} names the store without a {@code session} option (for sqlite, a directory), its
   * declared options already checked and defaulted.
   *
   * @throws UnsupportedOperationException when the backend has no directory (the default)
   * @since 0.3.0
   */
  default dev.tgsession.SessionStore openStore(SessionUri storeUri) {
    throw new UnsupportedOperationException(
        "scheme '" + storeUri.scheme() + "' has no directory of sessions (capability DIRECTORY)");
  }
}
