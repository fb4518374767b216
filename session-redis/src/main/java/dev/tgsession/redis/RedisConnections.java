package dev.tgsession.redis;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ClusterConnectionProvider;

/**
 * The connections of one server (or cluster) in this JVM, shared by every session and directory
 * that names it ({@link RedisTarget.Server}: hosts, credentials, TLS, database, timeouts, pool
 * size) and reference-counted: one client with a pool of at most {@code pool-size} connections (per
 * node on a cluster), and one {@link RedisCoherence} with one tracking connection per node, all
 * closed when the last session or directory using them closes. Opening a session after the first on
 * the same server costs no connection.
 */
final class RedisConnections {

  private static final Map<RedisTarget.Server, RedisConnections> OPEN = new HashMap<>();

  /** How often a failing cluster call may ask a live node for the slot map. */
  private static final long RENEW_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final RedisTarget.Server server;
  private final JedisClientConfig config;
  private final UnifiedJedis client;
  private final @Nullable ClusterConnectionProvider cluster;
  private final AtomicLong lastRenewal = new AtomicLong(System.nanoTime() - RENEW_INTERVAL_NANOS);
  // Guarded by OPEN.
  private int references;
  private @Nullable RedisCoherence coherence;

  private RedisConnections(RedisTarget.Server server) {
    this.server = server;
    DefaultJedisClientConfig.Builder builder =
        DefaultJedisClientConfig.builder()
            .socketTimeoutMillis(server.socketTimeoutMillis())
            .connectionTimeoutMillis(server.connectTimeoutMillis())
            .database(server.database())
            .clientName("tgsession");
    if (server.tls()) {
      // Verifies the certificate chain (JVM trust store) and the host name.
      builder.sslOptions(SslOptions.defaults());
    }
    if (server.password() != null) {
      builder.user(server.user()).password(server.password());
    }
    this.config = builder.build();
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(server.poolSize());
    pool.setMaxIdle(server.poolSize());
    pool.setMinIdle(0);
    // A call waits for a free connection no longer than it would wait for the server.
    pool.setMaxWait(Duration.ofMillis(server.socketTimeoutMillis()));
    if (server.cluster()) {
      // The provider is kept: a call that cannot reach a node renews the slot map from a live one.
      this.cluster =
          new ClusterConnectionProvider(new LinkedHashSet<>(server.hosts()), config, pool);
      // Two attempts inside the driver; RedisCalls retries past that until cluster-deadline.
      this.client =
          RedisClusterClient.builder()
              .nodes(new LinkedHashSet<>(server.hosts()))
              .clientConfig(config)
              .connectionProvider(cluster)
              .maxAttempts(2)
              .maxTotalRetriesDuration(Duration.ofMillis(server.clusterDeadlineMillis()))
              .build();
    } else {
      this.cluster = null;
      this.client =
          RedisClient.builder()
              .hostAndPort(server.hosts().get(0))
              .clientConfig(config)
              .poolConfig(pool)
              .build();
    }
  }

  /**
   * The shared connections of {@code server}, created on first use; each call must be matched by
   * one {@link #release()}.
   *
   * @throws JedisException when a new client cannot reach the server (cluster: no seed answers)
   */
  static RedisConnections acquire(RedisTarget.Server server) {
    synchronized (OPEN) {
      RedisConnections connections = OPEN.get(server);
      if (connections == null) {
        connections = new RedisConnections(server);
        OPEN.put(server, connections);
      }
      connections.references++;
      return connections;
    }
  }

  /** Ends one use; the last closes the client and the tracking connections. */
  void release() {
    RedisCoherence closing = null;
    boolean last;
    synchronized (OPEN) {
      last = --references == 0;
      if (last) {
        OPEN.remove(server);
        closing = coherence;
        coherence = null;
      }
    }
    if (last) {
      if (closing != null) {
        closing.close();
      }
      client.close();
    }
  }

  /** How many servers this JVM holds connections to now (for the fleet test). */
  static int openServers() {
    synchronized (OPEN) {
      return OPEN.size();
    }
  }

  UnifiedJedis client() {
    return client;
  }

  RedisTarget.Server server() {
    return server;
  }

  /** The cluster's connection provider; null on one server. */
  @Nullable ClusterConnectionProvider cluster() {
    return cluster;
  }

  /**
   * The one coherence of this server, created on first use; its connections open when the first
   * session registers. Over TLS there is none (the tracking connections speak plain TCP).
   */
  @Nullable RedisCoherence coherence() {
    if (server.tls()) {
      return null;
    }
    synchronized (OPEN) {
      if (coherence == null) {
        coherence =
            new RedisCoherence(
                this::nodes,
                this::masters,
                server.user(),
                server.password(),
                server.connectTimeoutMillis(),
                server.socketTimeoutMillis());
      }
      return coherence;
    }
  }

  /** Every node the client knows ({@code host:port}). */
  Set<String> nodes() {
    if (cluster == null) {
      return Set.of(server.hosts().get(0).toString());
    }
    return new TreeSet<>(cluster.getNodes().keySet());
  }

  /** The masters the client knows: the nodes that take writes. */
  Set<String> masters() {
    if (cluster == null) {
      return nodes();
    }
    Set<String> masters = new TreeSet<>();
    for (int slot = 0; slot < 16384; slot++) {
      HostAndPort node = cluster.getNode(slot);
      if (node != null) {
        masters.add(node.toString());
      }
    }
    return masters;
  }

  /**
   * Asks a live node for the cluster's slot map (the seeds first, then every known node; one that
   * cannot be reached is skipped): after a master died, the driver alone would go on asking nodes
   * that include the dead one. At most every 100 ms, however many calls fail.
   */
  void renewSlotMap() {
    if (cluster == null) {
      return;
    }
    long last = lastRenewal.get();
    long now = System.nanoTime();
    if (now - last < RENEW_INTERVAL_NANOS || !lastRenewal.compareAndSet(last, now)) {
      return;
    }
    Set<HostAndPort> candidates = new LinkedHashSet<>(server.hosts());
    try {
      cluster.getNodes().keySet().forEach(node -> candidates.add(HostAndPort.from(node)));
    } catch (RuntimeException e) {
      // the seeds alone, then
    }
    for (HostAndPort node : candidates) {
      try (Connection connection = new Connection(node, config)) {
        connection.ping();
        cluster.renewSlotCache(connection);
        return;
      } catch (JedisException e) {
        // not reachable or not answering: the next one
      }
    }
  }
}
