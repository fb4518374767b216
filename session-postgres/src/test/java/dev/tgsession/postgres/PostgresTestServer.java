package dev.tgsession.postgres;

import dev.tgsession.spi.SessionUri;
import dev.tgsession.tck.server.TestServers;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.postgresql.Driver;

/**
 * The PostgreSQL the tests run against: {@value #ENV}, else {@value #DEFAULT_URI} (a local server
 * with trust authentication, as this project's machines and {@code .ci/run} set up). When none
 * answers the tests are skipped with the reason, or fail when {@code CI=true}.
 *
 * <p>Every session a test makes is named after {@link #RUN}, a random id of this JVM, and all of
 * them are deleted when the JVM exits, so runs sharing one database never meet. The tables live in
 * schema {@value #SCHEMA} (pgjdbc's {@code currentSchema}), so other code sharing the database with
 * an older tgsession never meets this one's schema version.
 */
final class PostgresTestServer {

  static final String ENV = "TGSESSION_TEST_POSTGRES_URI";
  static final String SCHEMA = "tgsession_tests";
  static final String DEFAULT_URI = "postgresql://postgres@127.0.0.1:5432/test";
  static final String RUN =
      "run" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

  private static final System.Logger LOG = System.getLogger(PostgresTestServer.class.getName());
  static final List<String> TABLES =
      List.of(
          "tgsession_key_vault",
          "tgsession_extra",
          "tgsession_username",
          "tgsession_peer",
          "tgsession_channel",
          "tgsession_dc",
          "tgsession_session",
          "tgsession_lease");

  private static final java.util.Set<String> NAMED =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static String uri;
  private static String reason;

  private PostgresTestServer() {}

  /** Why no PostgreSQL can be had here, or null when one answers. */
  static synchronized String unavailableReason() {
    if (uri == null && reason == null) {
      String env = System.getenv(ENV);
      String candidate = env != null && !env.isBlank() ? env : DEFAULT_URI;
      try (Connection connection = connect(candidate)) {
        try (java.sql.Statement statement = connection.createStatement()) {
          statement.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
        }
        LOG.log(
            Level.INFO,
            "PostgreSQL for tests: "
                + SessionUri.parse(candidate)
                + (env != null && !env.isBlank() ? " (from " + ENV + ")" : " (default)"));
      } catch (SQLException | RuntimeException e) {
        reason =
            "no PostgreSQL answers at "
                + SessionUri.parse(candidate)
                + " ("
                + e.getMessage()
                + "); set "
                + ENV
                + " or run .ci/run, which installs and starts one";
        return reason;
      }
      uri = TestServers.withOption(candidate, "currentSchema", SCHEMA);
      Runtime.getRuntime().addShutdownHook(new Thread(PostgresTestServer::dropRun));
    }
    return reason;
  }

  /** The server's URI, without a session name; skips the test (fails it on CI) without one. */
  static synchronized String uri() {
    String why = unavailableReason();
    if (why != null) {
      throw TestServers.unavailable(why);
    }
    return uri;
  }

  /** The URI of a session of this run. */
  static String uri(String session) {
    return TestServers.withOption(uri(), "session", RUN + "-" + session);
  }

  /** The URI of a session named exactly {@code name} (deleted when the JVM exits, as the run's). */
  static String uriNamed(String name) {
    NAMED.add(name);
    return TestServers.withOption(uri(), "session", name);
  }

  /** The URI of a session of this run, with more options ({@code name=value&...}). */
  static String uri(String session, String options) {
    return uri(session) + "&" + options;
  }

  /** A plain connection to the test server (auto-commit), for looking behind the backend. */
  static Connection connect() throws SQLException {
    return connect(uri());
  }

  private static Connection connect(String sessionUri) throws SQLException {
    PostgresTarget target = PostgresTarget.of(SessionUri.parse(sessionUri), Set.of(), 1);
    java.util.Properties properties = target.properties();
    properties.setProperty("connectTimeout", "5");
    Connection connection = new Driver().connect(target.jdbcUrl(), properties);
    if (connection == null) {
      throw new SQLException("pgjdbc did not accept " + target);
    }
    return connection;
  }

  /** Deletes every row of every session of this run. */
  static void dropRun() {
    try (Connection connection = connect()) {
      for (String table : TABLES) {
        try (PreparedStatement statement =
            connection.prepareStatement(
                "DELETE FROM " + table + " WHERE starts_with(session, ?)")) {
          statement.setString(1, RUN);
          statement.executeUpdate();
        } catch (SQLException e) {
          // the table may not exist yet
        }
        try (PreparedStatement statement =
            connection.prepareStatement("DELETE FROM " + table + " WHERE session = ANY (?)")) {
          statement.setArray(1, connection.createArrayOf("text", NAMED.toArray()));
          statement.executeUpdate();
        } catch (SQLException e) {
          // the table may not exist yet
        }
      }
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.WARNING, "could not delete the sessions of test run " + RUN, e);
    }
  }
}
