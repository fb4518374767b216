package dev.tgsession.mongo;

import com.google.auto.service.AutoService;
import dev.tgsession.Session;
import dev.tgsession.cache.CaffeinePeerCache;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.PeerCache;
import dev.tgsession.spi.SessionOption;
import dev.tgsession.spi.SessionProvider;
import dev.tgsession.spi.SessionUri;
import dev.tgsession.spi.SharedOptions;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code mongodb:} and {@code mongodb+srv:} backend: {@code
 * mongodb://[user:password@]host1[:port1][,host2...]/database?session=NAME&collection-prefix=P}.
 *
 * <p>{@code session} (default {@code default}) names the session; {@code collection-prefix}
 * (default {@code tgsession_}) names the collections, {@code PREFIXsessions}, {@code PREFIXpeers},
 * {@code PREFIXnames} and {@code PREFIXleases}. The same URI without {@code session=} opens the
 * directory of those sessions ({@code Sessions.store}). Our options are removed from the URI and
 * the rest goes to the driver unchanged, so every option of the driver's own list works ({@code
 * replicaSet}, {@code tls}, {@code authSource}, {@code w}, {@code readPreference}, {@code
 * serverSelectionTimeoutMS}, ...). Sessions on one connection string share one driver client.
 *
 * <p>{@code encryption-key=env:NAME} or {@code file:PATH} keeps the auth keys sealed in the session
 * document's {@code vault} (see {@link StateMongoCodec}).
 *
 * <p>The peer cache is off by default: another instance's write cannot reach this one's cache
 * before that write returns (see docs/mongodb.md); {@code peer-cache=N} turns it on, and a peer
 * changed elsewhere may then be served stale for up to {@code peer-cache-ttl} seconds.
 */
@AutoService(SessionProvider.class)
public final class MongoSessionProvider implements SessionProvider {

  static final SessionOption<String> SESSION = SharedOptions.SESSION;

  static final SessionOption<String> COLLECTION_PREFIX =
      new SessionOption<>(
          "collection-prefix",
          SessionOption.Kind.TEXT,
          0,
          64,
          "tgsession_",
          false,
          "prefix of the collection names, 0 to 64 of [A-Za-z0-9_-]");

  // Off by default: no cache here can hear of another instance's write before that write returns.
  static final SessionOption<Integer> PEER_CACHE = SharedOptions.PEER_CACHE.withDefault("0");

  static final List<SessionOption<?>> OPTIONS =
      List.of(
          SESSION,
          COLLECTION_PREFIX,
          PEER_CACHE,
          SharedOptions.PEER_CACHE_TTL,
          SharedOptions.LEASE,
          SharedOptions.OWNER,
          SharedOptions.ENCRYPTION_KEY);

  static final Set<String> OPTION_NAMES =
      OPTIONS.stream().map(SessionOption::name).collect(Collectors.toUnmodifiableSet());

  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public MongoSessionProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("mongodb", "mongodb+srv");
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(
        Capability.DURABLE,
        Capability.NAMED,
        Capability.SHARED,
        Capability.LEASE,
        Capability.ENCRYPTION,
        Capability.DIRECTORY);
  }

  @Override
  public List<SessionOption<?>> options() {
    return OPTIONS;
  }

  /** The driver's own connection-string options (any case) pass through to it. */
  @Override
  public boolean passesThrough(String optionName) {
    return DriverOptions.isDriverOption(optionName);
  }

  @Override
  public Session open(SessionUri uri) {
    PeerCache peerCache =
        uri.get(PEER_CACHE) == 0 ? PeerCache.none() : CaffeinePeerCache.fromUri(uri);
    return MongoSession.open(MongoTarget.of(uri), peerCache);
  }

  /**
   * The directory of the sessions under one database and collection prefix ({@link
   * MongoDirectory}).
   */
  @Override
  public dev.tgsession.SessionStore openStore(SessionUri storeUri) {
    return MongoDirectory.open(MongoTarget.of(storeUri));
  }
}
