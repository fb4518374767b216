package dev.tgsession.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.bson.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 21 item 1: a fleet of 2,000 open sessions on one deployment costs one shared client: the
 * pooled connections (the driver's pool events), the server's connections ({@code serverStatus}),
 * the JVM's threads and file descriptors do not grow with the sessions, and all come back once the
 * last session is closed. Counts only, never times.
 */
@DisplayName("MongoDB: a fleet of sessions in one JVM")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MongoFleetTest {

  private static final int SESSIONS = 2_000;

  private static long descriptors() throws IOException {
    try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
      return open.count();
    }
  }

  private static int threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  private static int serverConnections(MongoClient observer) {
    Document status = observer.getDatabase("admin").runCommand(new Document("serverStatus", 1));
    return status.get("connections", Document.class).get("current", Number.class).intValue();
  }

  /**
   * Waits up to 10 s for {@code count} to come down to {@code target} (closes are asynchronous).
   */
  private static int settled(IntSupplier count, int target) throws InterruptedException {
    int now = count.getAsInt();
    for (int i = 0; i < 100 && now > target; i++) {
      Thread.sleep(100);
      now = count.getAsInt();
    }
    return now;
  }

  @Test
  @DisplayName(
      "2,000 open sessions share one client: connections, threads and descriptors stay flat, and"
          + " come back after close")
  void constantCost() throws Exception {
    try (MongoClient observer = MongoClients.create(MongoTestServer.baseUri())) {
      int clientsBefore = MongoConnections.openClients();
      int pooledBefore = MongoConnections.openConnections();
      int serverBefore = serverConnections(observer);
      int threadsBefore = threads();
      long descriptorsBefore = descriptors();
      String prefix = "fleet-" + System.nanoTime() + "-";
      List<Session> fleet = new ArrayList<>(SESSIONS);
      try {
        for (int i = 0; i < SESSIONS; i++) {
          Session session = Sessions.open(MongoTestServer.sessionUri(prefix + i, ""));
          fleet.add(session);
          session.cachePeer(PeerInfo.User.of(i + 1, i));
        }
        for (int i = 0; i < SESSIONS; i += 97) {
          assertThat(fleet.get(i).peer(PeerId.user(i + 1))).contains(PeerInfo.User.of(i + 1, i));
        }
        int clients = MongoConnections.openClients() - clientsBefore;
        int pooled = MongoConnections.openConnections() - pooledBefore;
        int server = serverConnections(observer) - serverBefore;
        int threads = threads() - threadsBefore;
        long descriptors = descriptors() - descriptorsBefore;
        System.out.printf(
            "fleet of %d sessions on %s: +%d client(s), +%d pooled connection(s), +%d server"
                + " connection(s), +%d thread(s), +%d descriptor(s)%n",
            SESSIONS, MongoTestServer.kind(), clients, pooled, server, threads, descriptors);
        assertThat(clients).as("shared clients").isLessThanOrEqualTo(1);
        assertThat(pooled).as("pooled connections (one thread used them)").isLessThanOrEqualTo(4);
        // the pool's connections plus the driver's two monitoring connections per server
        assertThat(server).as("server connections").isLessThanOrEqualTo(pooled + 2);
        assertThat(threads).as("threads").isLessThanOrEqualTo(8);
        assertThat(descriptors).as("file descriptors").isLessThanOrEqualTo(16);
      } finally {
        fleet.forEach(Session::close);
      }
      assertThat(MongoConnections.openClients()).as("clients after close").isEqualTo(clientsBefore);
      assertThat(settled(MongoConnections::openConnections, pooledBefore))
          .as("pooled connections after close")
          .isEqualTo(pooledBefore);
      assertThat(settled(() -> serverConnections(observer), serverBefore))
          .as("server connections after close")
          .isLessThanOrEqualTo(serverBefore);
      assertThat(settled(MongoFleetTest::threads, threadsBefore))
          .as("threads after close")
          .isLessThanOrEqualTo(threadsBefore + 2);
    }
  }
}
