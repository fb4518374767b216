package dev.tgsession.redis;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.HostAndPort;

/**
 * What a {@code redis://} URI names: a server (or cluster) with its credentials and connection
 * settings, shared by every session of this JVM that names the same ({@link Server}, the key of
 * {@link RedisConnections}), and the key prefix and session name under it.
 *
 * @param session the session's name, null for a store URI (the directory)
 */
record RedisTarget(
    Server server,
    String prefix,
    @Nullable String session,
    String description,
    int waitReplicas,
    int waitTimeoutMillis,
    int peerCacheSize) {

  /**
   * One server or cluster as this JVM connects to it: everything that makes two clients differ.
   * Holds the password (it must: another password is another client) but never prints it.
   */
  record Server(
      boolean cluster,
      boolean tls,
      List<HostAndPort> hosts,
      @Nullable String user,
      @Nullable String password,
      int database,
      int socketTimeoutMillis,
      int connectTimeoutMillis,
      int clusterDeadlineMillis,
      int poolSize) {

    Server {
      hosts = List.copyOf(hosts);
    }

    /** {@code Redis at host:port} or {@code Redis Cluster at h1:p1,h2:p2}: how messages say it. */
    String endpoint() {
      return (cluster ? "Redis Cluster at " : "Redis at ")
          + hosts.stream().map(HostAndPort::toString).collect(Collectors.joining(","));
    }

    @Override
    public String toString() {
      return endpoint()
          + (tls ? " (TLS)" : "")
          + (user == null ? "" : " as " + user)
          + (password == null ? "" : " with a password")
          + " db "
          + database;
    }
  }

  RedisKeys keys() {
    return new RedisKeys(prefix, Objects.requireNonNull(session, "session"));
  }

  RedisKeys keys(String name) {
    return new RedisKeys(prefix, name);
  }
}
