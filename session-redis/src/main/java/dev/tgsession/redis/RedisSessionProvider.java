package dev.tgsession.redis;

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
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The Redis backend (Redis 6.2+ or Valkey), registered for these URIs:
 *
 * <ul>
 *   <li>{@code redis://[[user]:password@]host[:6379][/database][?options]}: one server;
 *   <li>{@code rediss://...}: the same over TLS (the JVM's default trust store);
 *   <li>{@code redis-cluster://[[user]:password@]host1:port1,host2:port2[?options]}: a Redis
 *       Cluster, found from any of the seed nodes (database 0 only); {@code rediss-cluster://} over
 *       TLS.
 * </ul>
 *
 * <p>Options ({@link #options()}): {@code session} (default {@code default}) and {@code prefix}
 * (default {@code tgsession}) name the session, whose keys all start with the hash tag {@code
 * {prefix:session}}; {@code timeout} and {@code connect-timeout} (milliseconds); {@code
 * cluster-deadline}, how long one call may wait for a cluster that migrates the session's slot or
 * fails over; {@code wait-replicas} and {@code wait-timeout}, replica acknowledgement of each write
 * ({@code WAIT}); the peer cache and lease options.
 *
 * <p>Sessions are {@link Capability#DURABLE} as far as the server's persistence goes (AOF or RDB),
 * {@link Capability#NAMED}, {@link Capability#SHARED} (any number of processes may open the same
 * session; merges are applied atomically by scripts on the server; the peer cache is kept coherent
 * through server-assisted client-side caching) and {@link Capability#LEASE}.
 */
@AutoService(SessionProvider.class)
public final class RedisSessionProvider implements SessionProvider {

  static final int DEFAULT_PORT = 6379;

  static final SessionOption<String> PREFIX =
      SessionOption.text(
          "prefix", 200, "tgsession", "first part of the hash tag {prefix:session} of every key");
  static final SessionOption<Integer> TIMEOUT =
      SessionOption.integer("timeout", 1, 3_600_000, 2000L, "socket timeout, milliseconds");
  static final SessionOption<Integer> CONNECT_TIMEOUT =
      SessionOption.integer(
          "connect-timeout",
          1,
          3_600_000,
          null,
          "connect timeout, milliseconds (default: timeout)");
  static final SessionOption<Integer> CLUSTER_DEADLINE =
      SessionOption.integer(
          "cluster-deadline",
          1,
          3_600_000,
          20_000L,
          "milliseconds one call may retry while a Redis Cluster migrates the session's slot or"
              + " fails over");
  static final SessionOption<Integer> WAIT_REPLICAS =
      SessionOption.integer(
          "wait-replicas",
          0,
          1000,
          0L,
          "replicas that must acknowledge each write before it returns (WAIT); 0 = off");
  static final SessionOption<Integer> WAIT_TIMEOUT =
      SessionOption.integer(
          "wait-timeout",
          1,
          3_600_000,
          1000L,
          "milliseconds a write waits for wait-replicas acknowledgements before it fails");

  /** The former spelling of {@code connect-timeout}, still read. */
  private static final String CONNECT_TIMEOUT_ALIAS = "connectTimeout";

  static final SessionOption<Integer> POOL_SIZE =
      SessionOption.integer(
          "pool-size",
          1,
          1000,
          8L,
          "most connections to each node, shared by every session of this JVM on the same server"
              + " and credentials");

  static final List<SessionOption<?>> OPTIONS =
      List.of(
          SharedOptions.SESSION,
          PREFIX,
          POOL_SIZE,
          TIMEOUT,
          CONNECT_TIMEOUT,
          CLUSTER_DEADLINE,
          WAIT_REPLICAS,
          WAIT_TIMEOUT,
          SharedOptions.PEER_CACHE,
          SharedOptions.PEER_CACHE_TTL,
          SharedOptions.LEASE,
          SharedOptions.OWNER,
          SharedOptions.ENCRYPTION_KEY);

  private static final Pattern NAME = Pattern.compile("[^{}]{1,200}");
  private static final Pattern DATABASE = Pattern.compile("/?|/[0-9]{1,5}/?");

  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public RedisSessionProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("redis", "rediss", "redis-cluster", "rediss-cluster");
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

  @Override
  public boolean passesThrough(String optionName) {
    return optionName.equals(CONNECT_TIMEOUT_ALIAS);
  }

  @Override
  public Session open(SessionUri uri) {
    RedisTarget target = target(uri, true);
    RedisKeys keys = target.keys();
    RedisConnections connections = connect(target.server(), uri);
    RedisCalls calls =
        new RedisCalls(
            connections,
            JedisClusterCRC16.getSlot(keys.tag()),
            keys.tag(),
            target.waitReplicas(),
            target.waitTimeoutMillis());
    RedisCoherence coherence = target.peerCacheSize() == 0 ? null : connections.coherence();
    // Coherence needs the tracking connections, which speak plain TCP: over TLS the cache is off.
    GenerationPeerCache peerCache =
        coherence == null ? null : new GenerationPeerCache(CaffeinePeerCache.fromUri(uri));
    RedisSession session =
        new RedisSession(
            calls,
            keys,
            RedisKeys.index(target.prefix()),
            uri.toString(),
            peerCache == null ? PeerCache.none() : peerCache);
    try {
      session.homeDcId(); // reaches the server now, and loads the DCs served from memory
      if (coherence != null) {
        try {
          session.track(
              coherence, coherence.register(target.prefix(), keys.tag(), session::dropCachedPeers));
          peerCache.watch(coherence::current);
        } catch (IOException e) {
          // Coherent without a cache rather than fast and stale.
          session.untracked();
          LOG.log(
              System.Logger.Level.WARNING,
              "peer cache of "
                  + uri
                  + " is off: the server refused the tracking connection that keeps it coherent"
                  + " (CLIENT TRACKING over RESP3, Redis 6 or later, and the ACL permission to"
                  + " run HELLO and CLIENT): "
                  + e.getMessage());
        }
      }
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
    return session;
  }

  @Override
  public SessionStore openStore(SessionUri uri) {
    RedisTarget target = target(uri, false);
    return new RedisDirectory(target, connect(target.server(), uri), uri);
  }

  private static final System.Logger LOG = System.getLogger(RedisSessionProvider.class.getName());

  /** What {@code uri} names, every option checked; {@code session} only when one is wanted. */
  private static RedisTarget target(SessionUri uri, boolean session) {
    boolean cluster = uri.scheme().endsWith("-cluster");
    boolean tls = uri.scheme().startsWith("rediss");
    if (!uri.hierarchical() || uri.hosts().isEmpty()) {
      throw new IllegalArgumentException(
          "expected "
              + (cluster
                  ? uri.scheme() + "://[user:password@]host1:port1,host2:port2[?session=NAME]"
                  : uri.scheme() + "://[user:password@]host[:port][/database][?session=NAME]")
              + ", found '"
              + uri
              + "'");
    }
    if (!cluster && uri.hosts().size() > 1) {
      throw new IllegalArgumentException(
          "expected one host in "
              + uri.scheme()
              + "://, found "
              + uri.hosts().size()
              + " in '"
              + uri
              + "'; for a Redis Cluster use "
              + (tls ? "rediss-cluster" : "redis-cluster")
              + "://host1:port1,host2:port2");
    }
    String prefix = name(uri, PREFIX.name(), uri.get(PREFIX));
    String name =
        session ? name(uri, SharedOptions.SESSION.name(), uri.get(SharedOptions.SESSION)) : null;
    int timeout = uri.get(TIMEOUT);
    int connectTimeout =
        uri.find(CONNECT_TIMEOUT).orElseGet(() -> legacyConnectTimeout(uri, timeout));
    int waitReplicas = uri.get(WAIT_REPLICAS);
    int waitTimeout = uri.get(WAIT_TIMEOUT);
    // A write waiting for replicas must not be cut off by the socket timeout first.
    int socketTimeout = waitReplicas > 0 ? timeout + waitTimeout : timeout;
    if (uri.password().isEmpty() && uri.user().isPresent()) {
      // Not echoing the URI: what stands before '@' may well be a password.
      throw new IllegalArgumentException(
          "expected a password with the user name in "
              + uri.scheme()
              + "://user:password@host (or "
              + uri.scheme()
              + "://:password@host), found a user name without a password");
    }
    List<HostAndPort> hosts =
        uri.hosts().stream()
            .map(host -> new HostAndPort(host.host(), host.portOr(DEFAULT_PORT)))
            .toList();
    RedisTarget.Server server =
        new RedisTarget.Server(
            cluster,
            tls,
            hosts,
            uri.password().isPresent() ? uri.user().orElse(null) : null,
            uri.password().orElse(null),
            database(uri, cluster),
            socketTimeout,
            connectTimeout,
            uri.get(CLUSTER_DEADLINE),
            uri.get(POOL_SIZE));
    return new RedisTarget(
        server,
        prefix,
        name,
        uri.toString(),
        waitReplicas,
        waitTimeout,
        tls ? 0 : uri.get(SharedOptions.PEER_CACHE));
  }

  private static RedisConnections connect(RedisTarget.Server server, SessionUri uri) {
    try {
      return RedisConnections.acquire(server);
    } catch (JedisException e) {
      throw RedisFailures.connect(uri.toString(), server.endpoint(), e);
    }
  }

  /** {@code connectTimeout}, the former spelling of {@code connect-timeout}, checked as it was. */
  private static int legacyConnectTimeout(SessionUri uri, int timeout) {
    return uri.option(CONNECT_TIMEOUT_ALIAS)
        .map(
            value -> {
              CONNECT_TIMEOUT.check(value, uri.toString());
              return Integer.parseInt(value.trim());
            })
        .orElse(timeout);
  }

  private static String name(SessionUri uri, String option, String value) {
    if (!NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "expected option '"
              + option
              + "' to be 1 to 200 characters without '{' or '}' (they would break the hash tag),"
              + " found '"
              + value
              + "' in "
              + uri);
    }
    return value;
  }

  private static int database(SessionUri uri, boolean cluster) {
    String path = uri.path();
    if (!DATABASE.matcher(path).matches()) {
      throw new IllegalArgumentException(
          "expected a database number as the path (for example /0), found '"
              + path
              + "' in "
              + uri);
    }
    String digits = path.replace("/", "");
    int database = digits.isEmpty() ? 0 : Integer.parseInt(digits);
    if (cluster && database != 0) {
      throw new IllegalArgumentException(
          "expected database 0 for a Redis Cluster (it has no other), found "
              + database
              + " in "
              + uri);
    }
    return database;
  }
}
