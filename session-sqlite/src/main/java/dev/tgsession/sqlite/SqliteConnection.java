package dev.tgsession.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * One JDBC connection and its prepared statements, each prepared once and reused. Not thread-safe:
 * {@link SqliteConnections} hands a connection to one thread at a time.
 */
final class SqliteConnection {

  private final Connection connection;
  private final Map<Sql, PreparedStatement> statements = new HashMap<>();

  SqliteConnection(Connection connection) {
    this.connection = connection;
  }

  /** The statement for {@code sql}, prepared on first use. */
  PreparedStatement prepare(Sql sql) throws SQLException {
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql.text());
      statements.put(sql, statement);
    }
    return statement;
  }

  /** Runs a statement without parameters or results ({@code BEGIN IMMEDIATE}, {@code COMMIT}). */
  void run(Sql sql) throws SQLException {
    prepare(sql).execute();
  }

  /** Closes the statements and the connection, keeping the first failure. */
  void close() throws SQLException {
    SQLException failure = null;
    for (PreparedStatement statement : statements.values()) {
      try {
        statement.close();
      } catch (SQLException e) {
        failure = failure == null ? e : failure;
      }
    }
    statements.clear();
    try {
      connection.close();
    } catch (SQLException e) {
      failure = failure == null ? e : failure;
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Closes, adding any failure to {@code cause} as suppressed. */
  void closeQuietly(Throwable cause) {
    try {
      close();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
