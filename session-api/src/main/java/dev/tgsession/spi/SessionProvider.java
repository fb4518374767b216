package dev.tgsession.spi;

import dev.tgsession.Session;
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
}
