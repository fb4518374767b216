package dev.tgsession.bench;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * A database of one benchmark fork on a PostgreSQL server on this machine: created when the fork
 * starts, dropped (with its connections) when it ends. The server is {@value Store#POSTGRES_ENV}'s
 * (loopback only), else {@code postgres@127.0.0.1:5432} with trust authentication.
 */
final class PostgresServer {

  private static final String DEFAULT = "postgresql://postgres@127.0.0.1:5432/postgres";

  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private final String database;

  private PostgresServer(String host, int port, String user, String password, String database) {
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.database = database;
  }

  /**
   * Creates a fresh database on the server.
   *
   * @throws IllegalStateException if no server answers, naming where it looked
   */
  static PostgresServer createDatabase() {
    String env = System.getenv(Store.POSTGRES_ENV);
    URI uri = URI.create(env != null && !env.isBlank() ? env : DEFAULT);
    String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
    if (!host.equals("localhost") && !host.startsWith("127.") && !host.equals("[::1]")) {
      throw new IllegalArgumentException(
          "expected the benchmark's PostgreSQL on a loopback address, found host '"
              + host
              + "'; benchmarks send load only to this machine");
    }
    String userInfo = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo();
    int colon = userInfo.indexOf(':');
    String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
    String password = colon < 0 ? "" : userInfo.substring(colon + 1);
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    String database = "tgsession_bench_" + UUID.randomUUID().toString().substring(0, 8);
    PostgresServer server = new PostgresServer(host, port, user, password, database);
    try (Connection admin = server.connect("postgres");
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + database);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "no PostgreSQL to benchmark at " + host + ":" + port + " as " + user + ": " + e, e);
    }
    return server;
  }

  /** A plain pgjdbc connection to the fork's database (for the raw baseline). */
  Connection connect() throws SQLException {
    return connect(database);
  }

  private Connection connect(String name) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    if (!password.isEmpty()) {
      properties.setProperty("password", password);
    }
    return DriverManager.getConnection(
        "jdbc:postgresql://" + host + ":" + port + "/" + name, properties);
  }

  /** The {@code postgresql://} URI of a session in the fork's database. */
  String sessionUri(String session) {
    String credentials = password.isEmpty() ? user : user + ":" + password;
    return "postgresql://"
        + credentials
        + "@"
        + host
        + ":"
        + port
        + "/"
        + database
        + "?session="
        + session;
  }

  /** Drops the fork's database, ending whatever connections remain. */
  void dropDatabase() {
    try (Connection admin = connect("postgres");
        Statement statement = admin.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    } catch (SQLException e) {
      // a leftover database is not worth failing a benchmark for
      System.err.println("tgsession-bench: could not drop database " + database + ": " + e);
    }
  }
}
