package dev.tgsession.mongo;

import com.google.auto.service.AutoService;
import dev.tgsession.Session;
import dev.tgsession.cache.CaffeinePeerCache;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.SessionProvider;
import dev.tgsession.spi.SessionUri;
import java.util.Set;

/**
 * The {@code mongodb:} and {@code mongodb+srv:} backend: {@code
 * mongodb://[user:password@]host1[:port1][,host2...]/database?session=NAME&collection-prefix=P}.
 *
 * <p>{@code session} (default {@code default}) names the session; {@code collection-prefix}
 * (default {@code tgsession_}) names the three collections, {@code PREFIXsessions}, {@code
 * PREFIXpeers} and {@code PREFIXnames}. Both are removed from the URI and the rest goes to the
 * driver unchanged, so every driver option works ({@code replicaSet}, {@code tls}, {@code
 * authSource}, {@code w}, {@code readPreference}, {@code serverSelectionTimeoutMS}, ...). Sessions
 * on one connection string share one driver client.
 */
@AutoService(SessionProvider.class)
public final class MongoSessionProvider implements SessionProvider {

  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public MongoSessionProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("mongodb", "mongodb+srv");
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.DURABLE, Capability.NAMED, Capability.SHARED);
  }

  @Override
  public Session open(SessionUri uri) {
    return MongoSession.open(MongoTarget.of(uri), CaffeinePeerCache.fromUri(uri));
  }
}
