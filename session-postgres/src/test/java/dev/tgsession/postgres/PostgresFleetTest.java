package dev.tgsession.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 21.1: a fleet of sessions in one JVM costs a constant number of connections and threads.
 */
@DisplayName("PostgreSQL: a fleet of 2,000 sessions in one JVM")
class PostgresFleetTest {

  private static final int SESSIONS = 2000;
  private static final int POOL = 4;

  private static long serverConnections(String application) throws SQLException {
    try (Connection connection = PostgresTestServer.connect();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
      statement.setString(1, application);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getLong(1);
      }
    }
  }

  private static long descriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static int threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  @DisplayName(
      "2,000 open sessions (peer cache on) share one pool and one LISTEN connection: server"
          + " connections <= pool size + 1, threads and descriptors constant, all back after close")
  void constantCost() throws Exception {
    String application = "tgs-fleet-" + PostgresTestServer.RUN;
    // Warm up: the classes (and jar files) a session, a pool and its shutdown use, loaded once.
    try (Session warm =
        Sessions.open(
            PostgresTestServer.uri(
                "fleet-warm", "peer-cache=16&ApplicationName=" + application + "-warm"))) {
      warm.cachePeer(PeerInfo.User.of(1, 1));
      warm.peer(PeerId.user(1));
    }
    long connectionsBefore = serverConnections(application);
    int threadsBefore = threads();
    long descriptorsBefore = descriptors();
    int poolsBefore = PostgresConnections.openPools();

    List<Session> fleet = new ArrayList<>(SESSIONS);
    try {
      for (int i = 0; i < SESSIONS; i++) {
        Session session =
            Sessions.open(
                PostgresTestServer.uri(
                    "fleet-" + i,
                    "pool-size=" + POOL + "&peer-cache=16&ApplicationName=" + application));
        fleet.add(session);
        session.cachePeer(PeerInfo.User.of(i + 1, i));
      }
      for (int i = 0; i < SESSIONS; i += 97) {
        assertThat(fleet.get(i).peer(PeerId.user(i + 1))).isPresent();
      }
      long connections = serverConnections(application);
      int threadsOpen = threads();
      long descriptorsOpen = descriptors();
      System.getLogger(PostgresFleetTest.class.getName())
          .log(
              System.Logger.Level.INFO,
              SESSIONS
                  + " sessions open: server connections "
                  + connections
                  + ", threads +"
                  + (threadsOpen - threadsBefore)
                  + ", descriptors +"
                  + (descriptorsOpen - descriptorsBefore));
      assertThat(PostgresConnections.openPools()).as("pools").isEqualTo(poolsBefore + 1);
      assertThat(connections)
          .as("server connections (pool of %d + the LISTEN connection)", POOL)
          .isBetween(1L, (long) POOL + 1);
      // Hikari's housekeeper and adder, the LISTEN thread, Caffeine's common-pool workers.
      assertThat(threadsOpen - threadsBefore).as("threads added").isLessThanOrEqualTo(8);
      assertThat(descriptorsOpen - descriptorsBefore)
          .as("descriptors added")
          .isLessThanOrEqualTo(POOL + 1 + 4);
    } finally {
      fleet.forEach(Session::close);
    }
    assertThat(PostgresConnections.openPools()).as("pools after close").isEqualTo(poolsBefore);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (serverConnections(application) > connectionsBefore && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
    assertThat(serverConnections(application)).as("connections after close").isZero();
    assertThat(descriptors()).as("descriptors after close").isLessThanOrEqualTo(descriptorsBefore);
    while (threads() > threadsBefore + 2 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
    assertThat(threads()).as("threads after close").isLessThanOrEqualTo(threadsBefore + 2);
  }
}
