package dev.tgsession.spi;

import dev.tgsession.Session;
import dev.tgsession.SessionLeasing;
import dev.tgsession.SessionListener;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The last step of {@link dev.tgsession.Sessions#open}, before the session is returned: binds its
 * listeners, takes the lease the URI asks for and opens its encryption, so that a session is never
 * seen with its encryption unknown. Not for application code.
 *
 * @since 0.3.0
 */
public final class SessionOpening {

  private SessionOpening() {}

  /** What the open asked for, from the URI's typed options and the open options. */
  record Context(
      SessionListener.Source source,
      List<SessionListener> listeners,
      Set<Capability> capabilities,
      @Nullable EncryptionKey encryptionKey,
      @Nullable Duration leaseLength,
      @Nullable String owner,
      boolean clearing) {}

  /**
   * Finishes opening {@code session}, which {@code provider} just returned for {@code uri}; closes
   * it and rethrows when a step fails.
   *
   * @param defaultOwner the lease owner when the URI names none
   */
  public static Session finish(
      Session session,
      SessionUri uri,
      SessionProvider provider,
      List<SessionListener> listeners,
      String defaultOwner) {
    return finish(session, uri, provider, listeners, defaultOwner, false);
  }

  /**
   * Finishes opening {@code session} only to clear it: an encrypted session opened without its key
   * is not refused (its key may be lost), and nothing but {@link Session#clear()} may follow. The
   * lease the URI asks for is taken as usual.
   */
  public static Session finishForClearing(
      Session session, SessionUri uri, SessionProvider provider, String defaultOwner) {
    return finish(session, uri, provider, List.of(), defaultOwner, true);
  }

  private static Session finish(
      Session session,
      SessionUri uri,
      SessionProvider provider,
      List<SessionListener> listeners,
      String defaultOwner,
      boolean clearing) {
    Objects.requireNonNull(session, "session");
    try {
      boolean declaresLease = provider.options().contains(SharedOptions.LEASE);
      boolean declaresKey = provider.options().contains(SharedOptions.ENCRYPTION_KEY);
      Integer seconds = declaresLease ? uri.find(SharedOptions.LEASE).orElse(null) : null;
      Duration length = seconds == null ? null : Duration.ofSeconds(seconds);
      String owner =
          declaresLease ? uri.find(SharedOptions.OWNER).orElse(defaultOwner) : defaultOwner;
      EncryptionKey key =
          declaresKey
              ? uri.find(SharedOptions.ENCRYPTION_KEY).map(EncryptionKey::fromSpec).orElse(null)
              : null;
      if (session instanceof AbstractSession core) {
        core.opened(
            new Context(
                source(uri, provider),
                listeners,
                provider.capabilities(),
                key,
                length,
                owner,
                clearing));
        return session;
      }
      // A backend that is not built on AbstractSession does its own opening; only the lease is
      // ours to take, through its facet.
      if (length != null && session.lease().isEmpty()) {
        SessionLeasing leasing =
            session
                .leasing()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "scheme '" + uri.scheme() + "' declares lease= but has no leases"));
        leasing.acquire(owner, length);
      }
      return session;
    } catch (RuntimeException e) {
      try {
        session.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Which session events are about: the backend's scheme and the session's name or path. */
  static SessionListener.Source source(SessionUri uri, SessionProvider provider) {
    String name =
        provider.options().contains(SharedOptions.SESSION)
            ? uri.find(SharedOptions.SESSION).orElse("default")
            : uri.path().isEmpty() ? uri.toString() : uri.path();
    return new SessionListener.Source(uri.scheme(), name);
  }
}
