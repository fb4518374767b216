package dev.tgsession.redis;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.SessionStorageException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.commands.JedisBinaryCommands;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * How a session's calls reach Redis: each call is one command or script (every one idempotent),
 * turned into this library's exceptions, and
 *
 * <ul>
 *   <li>on a cluster, repeated while the cluster is changing (a slot being migrated: {@code
 *       TRYAGAIN}, redirections; a failover: connection failures, {@code CLUSTERDOWN}, {@code
 *       READONLY}, {@code LOADING}) until the call's deadline ({@code cluster-deadline});
 *   <li>on one server, repeated once at once when its pooled connection turned out dead;
 *   <li>for writes with {@code wait-replicas=N}, followed by {@code WAIT N wait-timeout} on the
 *       same connection, failing when fewer replicas acknowledged it.
 * </ul>
 */
final class RedisCalls implements AutoCloseable {

  /** One call: a command or a script on the given commands (a client, or one connection). */
  interface Call<T> {
    T run(JedisBinaryCommands redis);
  }

  /** A fenced script found another lease token: the session's lease was taken over. */
  static final class FencedOut extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FencedOut(String message) {
      super(message, null, false, false);
    }
  }

  static final String INCOMPATIBLE = "TGSESSION_INCOMPATIBLE";
  static final String LEASE_LOST = "TGSESSION_LEASE_LOST";

  private static final long MAX_BACKOFF_MILLIS = 200;

  private final RedisConnections connections;
  private final UnifiedJedis client;
  private final @Nullable RedisClusterClient cluster;
  private final int slot;
  private final String endpoint;
  private final String tag;
  private final long deadlineMillis;
  private final int waitReplicas;
  private final long waitTimeoutMillis;
  private String description = "";

  /**
   * @param slot the cluster slot of every key of the session (its hash tag's)
   * @param deadlineMillis how long one call may wait for a changing cluster
   * @param waitReplicas replicas that must acknowledge each write, 0 for none
   */
  RedisCalls(
      RedisConnections connections,
      int slot,
      String tag,
      int waitReplicas,
      long waitTimeoutMillis) {
    this.connections = connections;
    this.client = connections.client();
    this.cluster = client instanceof RedisClusterClient c ? c : null;
    this.slot = slot;
    this.endpoint = connections.server().endpoint();
    this.tag = tag;
    this.deadlineMillis = connections.server().clusterDeadlineMillis();
    this.waitReplicas = waitReplicas;
    this.waitTimeoutMillis = waitTimeoutMillis;
  }

  /** How messages name the session (its redacted URI); set once by the session. */
  void describe(String description) {
    this.description = description;
  }

  String endpoint() {
    return endpoint;
  }

  boolean isCluster() {
    return cluster != null;
  }

  /** The client, for what needs more than one call (the peer tracking's node list). */
  UnifiedJedis client() {
    return client;
  }

  /** Runs a read. */
  <T> T read(String what, Call<T> call) {
    return call(what, () -> call.run(client), null);
  }

  /**
   * Runs a read of several keys (a script); while the session's slot is being migrated and some of
   * them exist on neither node alone ({@code TRYAGAIN}), runs {@code split} instead: the same read
   * as one command per key, each of which the driver follows to the node holding it.
   */
  <T> T read(String what, Call<T> call, Call<T> split) {
    return call(what, () -> call.run(client), () -> split.run(client));
  }

  /**
   * Runs reads of one server as one transaction: {@code MULTI}, the commands, {@code EXEC}, sent in
   * one write and answered in one read. One round trip and one consistent view, as a script gives,
   * for a fraction of a script's server time (about 2-3 µs against 6-8 µs for two {@code HGET}s,
   * see docs/profiles/redis.md). One server only: on a cluster the driver does not follow a
   * transaction's redirections, so a cluster session runs a script instead.
   *
   * @return the commands' replies, in order
   */
  List<Object> readTogether(String what, CommandArguments... commands) {
    if (cluster != null) {
      throw new IllegalStateException("expected one server for a transaction, found a cluster");
    }
    return call(what, () -> transaction(commands), null);
  }

  /**
   * Whether {@link #writeTogether} may be used: one server, and writes that wait for no replica
   * ({@code WAIT} follows each write on its connection, see {@link #write}).
   */
  boolean canWriteTogether() {
    return cluster == null && waitReplicas == 0;
  }

  /**
   * Runs idempotent commands, writes among them, as one transaction (see {@link #readTogether});
   * only where {@link #canWriteTogether}.
   *
   * @return the commands' replies, in order
   */
  List<Object> writeTogether(String what, CommandArguments... commands) {
    if (!canWriteTogether()) {
      throw new IllegalStateException("expected one server and no wait-replicas for a transaction");
    }
    return call(what, () -> transaction(commands), null);
  }

  private List<Object> transaction(CommandArguments[] commands) {
    try (Connection connection = connection()) {
      connection.sendCommand(Protocol.Command.MULTI);
      for (CommandArguments command : commands) {
        connection.sendCommand(command);
      }
      connection.sendCommand(Protocol.Command.EXEC);
      // Every reply is read, errors included, so the connection goes back to the pool in step.
      List<Object> replies = connection.getMany(commands.length + 2);
      for (Object reply : replies) {
        if (reply instanceof JedisException e) {
          throw e; // refused when queued: EXEC answered EXECABORT, nothing ran
        }
      }
      if (!(replies.get(replies.size() - 1) instanceof List<?> results)
          || results.size() != commands.length) {
        throw new JedisDataException(
            "expected " + commands.length + " replies from EXEC, found another reply");
      }
      for (Object result : results) {
        if (result instanceof JedisException e) {
          throw e; // failed when run (WRONGTYPE): the others ran, read-only
        }
      }
      @SuppressWarnings("unchecked")
      List<Object> read = (List<Object>) results;
      return read;
    }
  }

  /**
   * Runs a write of a key outside the session's slot (the directory's name index), routed by the
   * client and never waiting for replicas: the index can be rebuilt from the sessions' keys.
   */
  <T> T writeElsewhere(String what, Call<T> call) {
    return call(what, () -> call.run(client), null);
  }

  /** Runs a write; with {@code wait-replicas}, returns once enough replicas acknowledged it. */
  <T> T write(String what, Call<T> call) {
    if (waitReplicas == 0) {
      return call(what, () -> call.run(client), null);
    }
    return call(what, () -> replicated(call), null);
  }

  /** The call, then {@code WAIT} on the same connection (WAIT counts that connection's writes). */
  private <T> T replicated(Call<T> call) {
    try (Connection connection = connection()) {
      Jedis jedis = new Jedis(connection);
      T result;
      try {
        result = call.run(jedis);
      } catch (JedisAskDataException ask) {
        // The slot is being migrated and the keys are already on the importing node.
        return askedAndReplicated(ask, call);
      }
      return waited(jedis, result);
    }
  }

  private <T> T askedAndReplicated(JedisAskDataException ask, Call<T> call) {
    RedisClusterClient nodes = requireCluster(ask);
    ConnectionPool pool = nodes.getClusterNodes().get(ask.getTargetNode().toString());
    if (pool == null) {
      nodes.refreshClusterTopology();
      throw ask; // retried once the client knows the node
    }
    try (Connection connection = pool.getResource()) {
      Jedis jedis = new Jedis(connection);
      jedis.asking();
      return waited(jedis, call.run(jedis));
    }
  }

  private <T> T waited(Jedis jedis, T result) {
    long acknowledged = jedis.waitReplicas(waitReplicas, waitTimeoutMillis);
    if (acknowledged < waitReplicas) {
      throw new NotReplicated(acknowledged);
    }
    return result;
  }

  private Connection connection() {
    if (cluster != null) {
      return cluster.getConnectionFromSlot(slot);
    }
    return ((RedisClient) client).getPool().getResource();
  }

  private RedisClusterClient requireCluster(JedisRedirectionException e) {
    if (cluster == null) {
      throw e;
    }
    return cluster;
  }

  /** The write reached the master, but fewer replicas than asked acknowledged it in time. */
  private static final class NotReplicated extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final long acknowledged;

    NotReplicated(long acknowledged) {
      super(null, null, false, false);
      this.acknowledged = acknowledged;
    }
  }

  /** Runs one call, repeating it while a cluster changes, and translates the driver's failures. */
  private <T> T call(String what, Supplier<T> operation, @Nullable Supplier<T> split) {
    long start = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      try {
        return operation.get();
      } catch (NotReplicated e) {
        throw notReplicated(what, e.acknowledged);
      } catch (JedisException e) {
        if (e instanceof JedisDataException data && data.getMessage() != null) {
          String message = data.getMessage();
          if (message.contains(LEASE_LOST)) {
            throw new FencedOut(message);
          }
          if (message.contains(INCOMPATIBLE)) {
            throw new IncompatibleSessionException(
                "could not "
                    + what
                    + " in "
                    + description
                    + ": "
                    + message
                        .substring(message.indexOf(INCOMPATIBLE) + INCOMPATIBLE.length())
                        .trim(),
                e);
          }
          if (message.contains("WRONGTYPE")) {
            throw new IncompatibleSessionException(
                "could not "
                    + what
                    + ": expected tgsession's keys under "
                    + tag
                    + " in "
                    + endpoint
                    + ", found a key of another type ("
                    + message
                    + "); another program uses these keys, choose another 'prefix' or 'session'",
                e);
          }
        }
        if (split != null && String.valueOf(e.getMessage()).startsWith("TRYAGAIN")) {
          operation = split; // the slot is migrating: key by key, each where it is
          split = null;
          continue;
        }
        if (isAuthFailure(e)) {
          throw failure(what, e, "check the user and password of the URI");
        }
        if (cluster == null) {
          if (e instanceof JedisConnectionException && attempt == 1) {
            continue; // a pooled connection may have died with a server restart
          }
          throw failure(
              what,
              e,
              "check that the server is running and reachable; this session works again once it"
                  + " is back");
        }
        if (!clusterChanging(e)) {
          throw failure(what, e, "the cluster answered with an error this session cannot retry");
        }
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long backoff = Math.min(MAX_BACKOFF_MILLIS, 10L << Math.min(attempt, 5));
        if (elapsedMillis + backoff > deadlineMillis) {
          throw clusterDown(what, e, elapsedMillis, attempt);
        }
        if (e instanceof JedisConnectionException
            || e instanceof JedisClusterOperationException
            || String.valueOf(e.getMessage()).startsWith("CLUSTERDOWN")) {
          // A node cannot be reached (or the cluster says it is down): the slot map may still name
          // a dead master; ask a live node for the current one.
          connections.renewSlotMap();
        } else if (e instanceof JedisMovedDataException) {
          refreshTopology();
        }
        sleep(backoff);
      }
    }
  }

  /** Whether the error is one a cluster answers while a slot moves or a master fails over. */
  private static boolean clusterChanging(JedisException e) {
    if (e instanceof JedisConnectionException
        || e instanceof JedisClusterOperationException
        || e instanceof JedisRedirectionException) {
      return true;
    }
    String message = String.valueOf(e.getMessage());
    return message.startsWith("TRYAGAIN")
        || message.startsWith("CLUSTERDOWN")
        || message.startsWith("READONLY")
        || message.startsWith("LOADING")
        || message.startsWith("MASTERDOWN")
        || message.contains("non local key")
        || message.startsWith("UNBLOCKED");
  }

  /** Whether the server refused the credentials, however the driver wrapped that. */
  static boolean isAuthFailure(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof JedisAccessControlException) {
        return true;
      }
      String message = String.valueOf(t.getMessage());
      if (message.startsWith("WRONGPASS")
          || message.startsWith("NOAUTH")
          || message.contains("invalid username-password")) {
        return true;
      }
      for (Throwable suppressed : t.getSuppressed()) {
        if (isAuthFailure(suppressed)) {
          return true;
        }
      }
    }
    return false;
  }

  private void refreshTopology() {
    try {
      if (cluster != null) {
        cluster.refreshClusterTopology();
      }
    } catch (JedisException e) {
      // no node answered yet; the next attempt tries again
    }
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RedisFailures.interrupted(description, e);
    }
  }

  private SessionStorageException notReplicated(String what, long acknowledged) {
    return RedisFailures.notReplicated(
        description, endpoint, what, acknowledged, waitReplicas, waitTimeoutMillis);
  }

  private SessionStorageException clusterDown(
      String what, JedisException e, long elapsedMillis, int attempts) {
    return RedisFailures.clusterDown(
        description, endpoint, what, e, deadlineMillis, elapsedMillis, attempts);
  }

  SessionStorageException failure(String what, JedisException e, String hint) {
    return RedisFailures.failed(description, endpoint, what, e, hint);
  }

  /** Ends this session's use of the shared connections. */
  @Override
  public void close() {
    connections.release();
  }
}
