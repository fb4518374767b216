package dev.tgsession.redis;

import com.google.auto.service.AutoService;
import dev.tgsession.Session;
import dev.tgsession.SessionStorageException;
import dev.tgsession.cache.CaffeinePeerCache;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.PeerCache;
import dev.tgsession.spi.SessionOption;
import dev.tgsession.spi.SessionProvider;
import dev.tgsession.spi.SessionUri;
import dev.tgsession.spi.SharedOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;
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

  static final List<SessionOption<?>> OPTIONS =
      List.of(
          SharedOptions.SESSION,
          PREFIX,
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
        Capability.ENCRYPTION);
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
    RedisKeys keys =
        new RedisKeys(
            name(uri, PREFIX.name(), uri.get(PREFIX)),
            name(uri, SharedOptions.SESSION.name(), uri.get(SharedOptions.SESSION)));
    int timeout = uri.get(TIMEOUT);
    int connectTimeout =
        uri.find(CONNECT_TIMEOUT).orElseGet(() -> legacyConnectTimeout(uri, timeout));
    int deadline = uri.get(CLUSTER_DEADLINE);
    int waitReplicas = uri.get(WAIT_REPLICAS);
    int waitTimeout = uri.get(WAIT_TIMEOUT);
    // A write waiting for replicas must not be cut off by the socket timeout first.
    int socketTimeout = waitReplicas > 0 ? timeout + waitTimeout : timeout;
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder()
            .socketTimeoutMillis(socketTimeout)
            .connectionTimeoutMillis(connectTimeout)
            .database(database(uri, cluster))
            .clientName("tgsession");
    if (tls) {
      // Verifies the certificate chain (JVM trust store) and the host name.
      config.sslOptions(SslOptions.defaults());
    }
    if (uri.password().isPresent()) {
      config.user(uri.user().orElse(null)).password(uri.password().get());
    } else if (uri.user().isPresent()) {
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
    String endpoint =
        (cluster ? "Redis Cluster at " : "Redis at ")
            + hosts.stream().map(HostAndPort::toString).collect(Collectors.joining(","));
    UnifiedJedis client = connect(hosts, config.build(), cluster, endpoint, deadline, uri);
    RedisCalls calls =
        new RedisCalls(
            client,
            JedisClusterCRC16.getSlot(keys.tag()),
            endpoint,
            keys.tag(),
            deadline,
            waitReplicas,
            waitTimeout);
    int cacheSize = uri.get(SharedOptions.PEER_CACHE);
    // Coherence needs the tracking connections, which speak plain TCP: over TLS the cache is off.
    GenerationPeerCache peerCache =
        tls || cacheSize == 0 ? null : new GenerationPeerCache(CaffeinePeerCache.fromUri(uri));
    RedisSession session =
        new RedisSession(
            calls, keys, uri.toString(), peerCache == null ? PeerCache.none() : peerCache);
    try {
      session.homeDcId(); // reaches the server now, and loads the DCs served from memory
      if (peerCache != null) {
        try {
          PeerTracking tracking =
              startTracking(uri, client, hosts.get(0), keys, connectTimeout, timeout, session);
          session.track(tracking);
          peerCache.watch(tracking::current);
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

  private static final System.Logger LOG = System.getLogger(RedisSessionProvider.class.getName());

  private static PeerTracking startTracking(
      SessionUri uri,
      UnifiedJedis client,
      HostAndPort host,
      RedisKeys keys,
      int connectTimeout,
      int timeout,
      RedisSession session)
      throws IOException {
    Supplier<Set<String>> nodes;
    Supplier<String> owner;
    if (client instanceof RedisClusterClient cluster) {
      int slot = JedisClusterCRC16.getSlot(keys.tag());
      nodes = () -> cluster.getClusterNodes().keySet();
      owner =
          () -> {
            try (Connection connection = cluster.getConnectionFromSlot(slot)) {
              return connection.getHostAndPort().toString();
            }
          };
    } else {
      nodes = () -> Set.of(host.toString());
      owner = host::toString;
    }
    return PeerTracking.start(
        nodes,
        owner,
        List.of(keys.peers, keys.info),
        uri.user().orElse(null),
        uri.password().orElse(null),
        connectTimeout,
        timeout,
        session::dropCachedPeers);
  }

  private static UnifiedJedis connect(
      List<HostAndPort> hosts,
      JedisClientConfig config,
      boolean cluster,
      String endpoint,
      int deadline,
      SessionUri uri) {
    try {
      if (cluster) {
        // Two attempts inside the driver (the second after a topology refresh); RedisCalls
        // retries past that, with its own short backoff, until cluster-deadline.
        return RedisClusterClient.builder()
            .nodes(new LinkedHashSet<>(hosts))
            .clientConfig(config)
            .maxAttempts(2)
            .maxTotalRetriesDuration(Duration.ofMillis(deadline))
            .build();
      }
      return RedisClient.builder().hostAndPort(hosts.get(0)).clientConfig(config).build();
    } catch (JedisException e) {
      throw new SessionStorageException(
          endpoint
              + " failed to connect for "
              + uri
              + ": "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + "; "
              + (RedisCalls.isAuthFailure(e)
                  ? "check the user and password of the URI"
                  : "check that the server is running and reachable"),
          e);
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
