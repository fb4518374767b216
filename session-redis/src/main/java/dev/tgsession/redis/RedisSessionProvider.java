package dev.tgsession.redis;

import com.google.auto.service.AutoService;
import dev.tgsession.Session;
import dev.tgsession.SessionStorageException;
import dev.tgsession.cache.CaffeinePeerCache;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.PeerCache;
import dev.tgsession.spi.SessionProvider;
import dev.tgsession.spi.SessionUri;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

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
 * <p>Options: {@code session} (default {@code default}) and {@code prefix} (default {@code
 * tgsession}) name the session, whose keys all start with the hash tag {@code {prefix:session}};
 * {@code timeout} is the socket timeout in milliseconds (default 2000) and {@code connectTimeout}
 * the connect timeout (default: {@code timeout}). Any other option is rejected.
 *
 * <p>Sessions are {@link Capability#DURABLE} as far as the server's persistence goes (AOF or RDB),
 * {@link Capability#NAMED} and {@link Capability#SHARED}: any number of processes may open the same
 * session; merges are applied atomically by scripts on the server.
 */
@AutoService(SessionProvider.class)
public final class RedisSessionProvider implements SessionProvider {

  static final int DEFAULT_PORT = 6379;
  static final int DEFAULT_TIMEOUT_MILLIS = 2000;
  static final List<String> OPTIONS =
      Stream.concat(
              Stream.of("session", "prefix", "timeout", "connectTimeout"),
              CaffeinePeerCache.OPTIONS.stream())
          .toList();

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
    return Set.of(Capability.DURABLE, Capability.NAMED, Capability.SHARED);
  }

  @Override
  public Session open(SessionUri uri) {
    uri.requireKnownOptions(OPTIONS);
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
        new RedisKeys(name(uri, "prefix", "tgsession"), name(uri, "session", "default"));
    int timeout = uri.intOption("timeout", DEFAULT_TIMEOUT_MILLIS, 1, 3_600_000);
    int connectTimeout = uri.intOption("connectTimeout", timeout, 1, 3_600_000);
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder()
            .socketTimeoutMillis(timeout)
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
    UnifiedJedis client = connect(hosts, config.build(), cluster, endpoint, uri);
    PeerCache peerCache = CaffeinePeerCache.fromUri(uri);
    RedisSession session =
        new RedisSession(client, keys, endpoint, !cluster, uri.toString(), peerCache);
    try {
      session.homeDcId(); // reaches the server now, and loads the DCs served from memory
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
    return session;
  }

  private static UnifiedJedis connect(
      List<HostAndPort> hosts,
      JedisClientConfig config,
      boolean cluster,
      String endpoint,
      SessionUri uri) {
    try {
      if (cluster) {
        return RedisClusterClient.builder()
            .nodes(new LinkedHashSet<>(hosts))
            .clientConfig(config)
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
              + "; check that the server is running and reachable",
          e);
    }
  }

  private static String name(SessionUri uri, String option, String defaultValue) {
    String value = uri.option(option, defaultValue);
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
