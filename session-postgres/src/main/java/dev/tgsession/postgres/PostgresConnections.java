package dev.tgsession.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.SessionLease;
import dev.tgsession.SessionStorageException;
import dev.tgsession.spi.WriteFence;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One HikariCP pool per {@link PostgresTarget}, shared by every session of this JVM opened on it
 * (whatever their names), counted by reference and closed when the last of them closes. The schema
 * is created and checked once, when the pool is made; the {@code LISTEN} connection of the peer
 * cache is opened when the first cached session needs it.
 */
final class PostgresConnections {

  private static final Map<PostgresTarget, PostgresConnections> POOLS = new HashMap<>();
  private static final AtomicInteger NUMBER = new AtomicInteger();
  private static final int ATTEMPTS = 3;

  /**
   * How long the server lets a transaction of ours sit idle (its client paused between two
   * statements) before it ends the connection and rolls the transaction back.
   */
  static final int IDLE_IN_TRANSACTION_MILLIS = 2000;

  private final PostgresTarget target;
  private final HikariDataSource dataSource;
  private final String schema;
  private int references; // guarded by PostgresConnections.class
  private @Nullable PostgresCoherence notifications; // guarded by PostgresConnections.class

  private PostgresConnections(PostgresTarget target, HikariDataSource dataSource, String schema) {
    this.target = target;
    this.dataSource = dataSource;
    this.schema = schema;
  }

  /**
   * The pool of a target, made (and the schema checked) when this JVM has none open for it.
   *
   * @throws SessionStorageException if the server cannot be reached
   * @throws IncompatibleSessionException if the database holds a newer schema
   */
  static synchronized PostgresConnections acquire(PostgresTarget target, String session) {
    PostgresConnections pool = POOLS.get(target);
    if (pool == null) {
      pool = open(target, session);
      POOLS.put(target, pool);
    }
    pool.references++;
    return pool;
  }

  /** How many pools are open (for tests). */
  static synchronized int openPools() {
    return POOLS.size();
  }

  /** Drops one reference; the last closes the pool and the listening connection. */
  void release() {
    PostgresCoherence listener = null;
    boolean close = false;
    synchronized (PostgresConnections.class) {
      if (--references == 0) {
        POOLS.remove(target, this);
        listener = notifications;
        notifications = null;
        close = true;
      }
    }
    if (listener != null) {
      listener.close();
    }
    if (close) {
      dataSource.close();
    }
  }

  /** Whether the pool was closed (its last session closed). */
  boolean closed() {
    return dataSource.isClosed();
  }

  /** The listener of the peer cache, started on first use. */
  PostgresCoherence notifications() {
    synchronized (PostgresConnections.class) {
      if (notifications == null) {
        notifications = new PostgresCoherence(target, schema);
      }
      return notifications;
    }
  }

  /** Runs {@code action} on the listener of the peer cache if one is running. */
  void notificationsIfStarted(Consumer<PostgresCoherence> action) {
    PostgresCoherence started;
    synchronized (PostgresConnections.class) {
      started = notifications;
    }
    if (started != null) {
      action.accept(started);
    }
  }

  /** Work on a connection. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} on a pooled connection, in auto-commit mode or as one transaction, once more
   * on a fresh connection when the connection broke or the server asked for a retry (every piece of
   * work given here is idempotent).
   *
   * @param description how messages name the session or store
   * @param doing what the work does, as a verb phrase, for the failure message
   */
  <T> T run(String description, String doing, boolean transaction, SqlWork<T> work) {
    SQLException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try (Connection connection = connection()) {
        if (!transaction) {
          return work.run(connection);
        }
        connection.setAutoCommit(false);
        try {
          T result = work.run(connection);
          connection.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(connection);
          throw e;
        }
      } catch (SQLException e) {
        last = e;
        if (!retryable(e)) {
          break;
        }
      }
    }
    throw PostgresFailures.storage(description, doing, last);
  }

  /**
   * Runs a write that is one statement (or a few without results) as one round trip: the fence
   * first when {@code fence} holds a lease, all sent with one Sync in auto-commit mode, which the
   * server runs as one implicit transaction.
   */
  void runStatement(
      String description,
      String doing,
      String session,
      WriteFence fence,
      String sql,
      StatePostgresCodec.Binder binder) {
    SessionLease lease = fence.lease();
    run(
        description,
        doing,
        false,
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  lease == null ? sql : PostgresLeaseStore.FENCE + ";\n" + sql)) {
            int offset = 0;
            if (lease != null) {
              statement.setString(1, session);
              statement.setLong(2, lease.token());
              offset = 2;
            }
            binder.bind(statement, offset);
            statement.execute();
            return null;
          } catch (SQLException e) {
            if (PostgresLeaseStore.lost(e)) {
              throw fence.lost(); // the implicit transaction rolled back: nothing landed
            }
            throw e;
          }
        });
  }

  private static boolean retryable(SQLException e) {
    String state = e.getSQLState();
    if (state == null) {
      return false;
    }
    return state.startsWith("08") // connection exception
        || state.equals("57P01") // admin_shutdown (server restarting)
        || state.equals("57P02") // crash_shutdown
        || state.equals("57P03") // cannot_connect_now (starting up)
        || state.equals("25P03") // idle_in_transaction_session_timeout (this client was paused)
        || state.equals("55P03") // lock_not_available (a lock_timeout of ours ran out)
        || state.equals("40001") // serialization_failure
        || state.equals("40P01") // deadlock_detected
        || state.equals("23505"); // unique_violation: a concurrent claimer won; redo the claims
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      // the connection is broken; the pool drops it
    }
  }

  /** A pooled connection, in auto-commit mode; close it to return it. */
  Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  /** The schema holding the tables ({@code current_schema()} of the pool's connections). */
  String schema() {
    return schema;
  }

  PostgresTarget target() {
    return target;
  }

  private static PostgresConnections open(PostgresTarget target, String session) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("tgsession-postgres-" + NUMBER.incrementAndGet());
    config.setJdbcUrl(target.jdbcUrl());
    config.setDataSourceProperties(target.properties());
    config.setMaximumPoolSize(target.poolSize());
    config.setMinimumIdle(1);
    config.setConnectionTimeout(10_000);
    config.setAutoCommit(true);
    // A transaction left open by a paused or hung client is ended by the server after this long,
    // so it cannot hold the lease row or the session lock (and so block a takeover) while paused.
    // Generic plans for every server-prepared statement: ours are shaped to need no statistics
    // (index probes per row of a batch), and the server otherwise re-plans a write of one peer on
    // every execution (its custom plan looks cheaper than the generic one), a third of its cost.
    // PostgreSQL 11 has no plan_cache_mode: the setting is only made from 12 on.
    config.setConnectionInitSql(
        "SET idle_in_transaction_session_timeout = "
            + IDLE_IN_TRANSACTION_MILLIS
            + "; SELECT set_config('plan_cache_mode', 'force_generic_plan', false)"
            + " WHERE current_setting('server_version_num')::int >= 120000");
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw PostgresFailures.storage(
          session,
          "connect to "
              + target
              + " (is the server running, and are the user, password and database right?)",
          e);
    }
    try (Connection connection = dataSource.getConnection()) {
      Schema.ensure(connection, target.toString());
      try (Statement statement = connection.createStatement();
          ResultSet result = statement.executeQuery("SELECT current_schema()")) {
        result.next();
        String schema = result.getString(1);
        if (schema == null) {
          throw PostgresFailures.storage(
              session,
              "create tables at "
                  + target
                  + ": it has no current schema (set the search_path or pgjdbc's currentSchema"
                  + " option)",
              null);
        }
        return new PostgresConnections(target, dataSource, schema);
      }
    } catch (SQLException e) {
      dataSource.close();
      throw PostgresFailures.storage(
          session, "create or check the tgsession tables at " + target, e);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }
}
