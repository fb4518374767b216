package dev.tgsession.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.SessionStorageException;
import java.sql.Connection;
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
final class PostgresPool {

  private static final Map<PostgresTarget, PostgresPool> POOLS = new HashMap<>();
  private static final AtomicInteger NUMBER = new AtomicInteger();

  private final PostgresTarget target;
  private final HikariDataSource dataSource;
  private final String schema;
  private int references; // guarded by PostgresPool.class
  private @Nullable PeerNotifications notifications; // guarded by PostgresPool.class

  private PostgresPool(PostgresTarget target, HikariDataSource dataSource, String schema) {
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
  static synchronized PostgresPool acquire(PostgresTarget target, String session) {
    PostgresPool pool = POOLS.get(target);
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
    PeerNotifications listener = null;
    boolean close = false;
    synchronized (PostgresPool.class) {
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
  PeerNotifications notifications() {
    synchronized (PostgresPool.class) {
      if (notifications == null) {
        notifications = new PeerNotifications(target, schema);
      }
      return notifications;
    }
  }

  /** Runs {@code action} on the listener of the peer cache if one is running. */
  void notificationsIfStarted(Consumer<PeerNotifications> action) {
    PeerNotifications started;
    synchronized (PostgresPool.class) {
      started = notifications;
    }
    if (started != null) {
      action.accept(started);
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

  private static PostgresPool open(PostgresTarget target, String session) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("tgsession-postgres-" + NUMBER.incrementAndGet());
    config.setJdbcUrl(target.jdbcUrl());
    config.setDataSourceProperties(target.properties());
    config.setMaximumPoolSize(target.poolSize());
    config.setMinimumIdle(1);
    config.setConnectionTimeout(10_000);
    config.setAutoCommit(true);
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new SessionStorageException(
          target
              + " failed to connect for session "
              + session
              + ": "
              + causeOf(e)
              + "; check that the server is running and the user, password and database are right",
          e);
    }
    try (Connection connection = dataSource.getConnection()) {
      Schema.ensure(connection, target.toString());
      try (Statement statement = connection.createStatement();
          ResultSet result = statement.executeQuery("SELECT current_schema()")) {
        result.next();
        String schema = result.getString(1);
        if (schema == null) {
          throw new SessionStorageException(
              target
                  + " has no current schema to create tables in; set the search_path"
                  + " or pgjdbc's currentSchema option",
              null);
        }
        return new PostgresPool(target, dataSource, schema);
      }
    } catch (SQLException e) {
      dataSource.close();
      throw new SessionStorageException(
          target
              + " failed to create or check the tgsession tables for session "
              + session
              + ": "
              + causeOf(e),
          e);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  /** The innermost message of a failure, which says what the server or driver objected to. */
  static String causeOf(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
