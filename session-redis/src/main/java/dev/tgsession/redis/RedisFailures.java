package dev.tgsession.redis;

import dev.tgsession.SessionStorageException;
import dev.tgsession.spi.SessionFailures;

/**
 * Every {@link SessionStorageException} of this backend, built through {@link
 * SessionFailures#storage} so that each names the session the same way: what could not be done, on
 * which server, the driver's reason and what to do.
 */
final class RedisFailures {

  private RedisFailures() {}

  /** A call that failed for good; {@code hint} says what to check. */
  static SessionStorageException failed(
      String description, String endpoint, String what, Throwable cause, String hint) {
    return SessionFailures.storage(
        description, what + " on " + endpoint + " (" + hint + ")", cause);
  }

  /** A new client could not reach the server (or, on a cluster, any seed). */
  static SessionStorageException connect(String description, String endpoint, Throwable cause) {
    return failed(
        description,
        endpoint,
        "connect",
        cause,
        RedisCalls.isAuthFailure(cause)
            ? "check the user and password of the URI"
            : "check that the server is running and reachable");
  }

  /** The write was applied on the master, but too few replicas acknowledged it in time. */
  static SessionStorageException notReplicated(
      String description,
      String endpoint,
      String what,
      long acknowledged,
      int waitReplicas,
      long waitTimeoutMillis) {
    return SessionFailures.storage(
        description,
        "have '"
            + what
            + "' replicated: "
            + endpoint
            + " applied it on the master, but only "
            + acknowledged
            + " of the "
            + waitReplicas
            + " replicas asked for (wait-replicas) acknowledged it within wait-timeout="
            + waitTimeoutMillis
            + " ms: the write may not be replicated and may be lost if the master fails now;"
            + " check the replicas (INFO replication) or lower wait-replicas",
        new IllegalStateException(
            "WAIT " + waitReplicas + " " + waitTimeoutMillis + " returned " + acknowledged));
  }

  /** A cluster that kept migrating, failing over or down past the call's deadline. */
  static SessionStorageException clusterDown(
      String description,
      String endpoint,
      String what,
      Throwable last,
      long deadlineMillis,
      long elapsedMillis,
      int attempts) {
    return failed(
        description,
        endpoint,
        what,
        last,
        "the cluster is migrating this session's slot, failing over or down, and did not recover"
            + " within cluster-deadline="
            + deadlineMillis
            + " ms ("
            + attempts
            + " attempts in "
            + elapsedMillis
            + " ms); check CLUSTER INFO on the nodes, or raise cluster-deadline");
  }

  /** Interrupted while waiting to retry. */
  static SessionStorageException interrupted(String description, InterruptedException cause) {
    return SessionFailures.storage(description, "wait for the Redis Cluster (interrupted)", cause);
  }
}
