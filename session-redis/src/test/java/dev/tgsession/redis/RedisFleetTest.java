package dev.tgsession.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.OpenOptions;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionListener;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.tck.server.RedisClusterProcess;
import dev.tgsession.tck.server.RedisServerProcess;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A fleet in one JVM (issue 21): 2,000 open sessions of one server cost the connections of one pool
 * and one tracking connection, no thread and no descriptor each, and give all of them back on
 * close. Counts, never times. Runs on a redis-server of its own, so that CLIENT LIST counts only
 * this test's connections.
 */
@DisplayName("Redis fleet")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RedisFleetTest {

  private static final int SESSIONS = 2000;
  private static final int POOL = 8;
  private static RedisServerProcess server;
  private static Jedis raw;

  @BeforeAll
  static void start() {
    server = RedisServerProcess.start("--maxclients", "200");
    raw = new Jedis(new HostAndPort("127.0.0.1", server.port()));
  }

  @AfterAll
  static void stop() {
    raw.close();
    server.close();
  }

  private static long clients(Jedis node) {
    return node.clientList().lines().filter(line -> !line.isBlank()).count();
  }

  private static long threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  private static long descriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  @Test
  @DisplayName(
      "2,000 open sessions with the default peer cache: server connections <= pool size + 2, no"
          + " thread or descriptor per session, every one back after close")
  void constantCost() throws IOException {
    String base = "redis://127.0.0.1:" + server.port() + "/3?pool-size=" + POOL + "&session=";
    long clientsBefore = clients(raw); // this test's own connection
    long threadsBefore = threads();
    long fdsBefore = descriptors();
    int serversBefore = RedisConnections.openServers();
    List<Session> fleet = new ArrayList<>(SESSIONS);
    try {
      for (int i = 0; i < SESSIONS; i++) {
        Session session = Sessions.open(base + "fleet-" + i);
        fleet.add(session);
        session.cachePeer(PeerInfo.User.of(1000 + i, i));
        session.setUpdateState(new UpdateState.Primary(i, 1, 1));
        assertThat(session.peer(PeerId.user(1000 + i))).isPresent(); // a cache hit
      }
      // Every session works at once, and reads what another wrote (the tracking routes it).
      for (int i = 0; i < SESSIONS; i += 100) {
        Session writer = fleet.get((i + 1) % SESSIONS);
        Session reader = fleet.get(i);
        try (Session other = Sessions.open(base + "fleet-" + i)) {
          other.cachePeer(PeerInfo.User.of(1000 + i, -i - 1));
        }
        assertThat(reader.peer(PeerId.user(1000 + i)).orElseThrow())
            .isEqualTo(PeerInfo.User.of(1000 + i, -i - 1));
        writer.setUpdateState(new UpdateState.Secondary(i));
      }
      long clientsOpen = clients(raw);
      long threadsOpen = threads();
      long fdsOpen = descriptors();
      System.out.printf(
          "Redis fleet of %d sessions: server connections %d -> %d, threads %d -> %d,"
              + " descriptors %d -> %d%n",
          SESSIONS, clientsBefore, clientsOpen, threadsBefore, threadsOpen, fdsBefore, fdsOpen);
      assertThat(clientsOpen - clientsBefore)
          .as("server connections of %d sessions (pool %d + tracking 1)", SESSIONS, POOL)
          .isLessThanOrEqualTo(POOL + 1);
      assertThat(clientsOpen)
          .as("CLIENT LIST, this test's own included")
          .isLessThanOrEqualTo(POOL + 2);
      assertThat(threadsOpen - threadsBefore).as("threads").isLessThanOrEqualTo(2);
      assertThat(fdsOpen - fdsBefore).as("descriptors").isLessThanOrEqualTo(POOL + 4);
      assertThat(RedisConnections.openServers()).isEqualTo(serversBefore + 1);
    } finally {
      fleet.forEach(Session::close);
    }
    assertThat(RedisConnections.openServers()).isEqualTo(serversBefore);
    assertThat(clients(raw)).as("server connections after close").isEqualTo(clientsBefore);
    assertThat(descriptors()).as("descriptors after close").isLessThanOrEqualTo(fdsBefore);
    assertThat(threads()).as("threads after close").isLessThanOrEqualTo(threadsBefore + 1);
  }

  @Test
  @DisplayName(
      "an invalidation reaches only the sessions of the key's hash tag: a write to one session"
          + " leaves another's cache hits alone")
  void routedByTag() {
    AtomicInteger invalidated = new AtomicInteger();
    SessionListener listener =
        new SessionListener() {
          @Override
          public void peerCacheInvalidated(Source source) {
            invalidated.incrementAndGet();
          }
        };
    String base = "redis://127.0.0.1:" + server.port() + "/4?session=";
    try (Session a =
            Sessions.open(base + "routed-a", OpenOptions.defaults().withListener(listener));
        Session b = Sessions.open(base + "routed-b")) {
      a.cachePeer(PeerInfo.User.of(1, 1));
      // a's own write's message is read by a's next hit: read it now.
      for (int i = 0; i < 3; i++) {
        assertThat(a.peer(PeerId.user(1))).isPresent();
      }
      int before = invalidated.get();
      for (int i = 0; i < 50; i++) {
        b.cachePeer(PeerInfo.User.of(2 + i, i));
        b.setUpdateState(new UpdateState.Secondary(i));
        assertThat(a.peer(PeerId.user(1))).isPresent();
      }
      assertThat(invalidated.get()).as("a's cache drops for b's writes").isEqualTo(before);
      b.cachePeer(PeerInfo.User.of(1, 1));
      try (Session a2 = Sessions.open(base + "routed-a")) {
        a2.cachePeer(PeerInfo.User.of(1, 7));
      }
      assertThat(a.peer(PeerId.user(1))).contains(PeerInfo.User.of(1, 7));
      assertThat(invalidated.get()).as("a's cache drops for a write to a").isGreaterThan(before);
    }
  }

  @Test
  @DisplayName(
      "on a cluster, 300 sessions over three masters share one pool per node and one tracking"
          + " connection per node")
  void cluster() {
    try (RedisClusterProcess cluster = RedisClusterProcess.start(3, 0)) {
      String base = cluster.uri() + "?pool-size=4&session=";
      List<Session> fleet = new ArrayList<>();
      try {
        for (int i = 0; i < 300; i++) {
          Session session = Sessions.open(base + "cluster-fleet-" + i);
          fleet.add(session);
          session.cachePeer(PeerInfo.User.of(1000 + i, i));
          assertThat(session.peer(PeerId.user(1000 + i))).isPresent();
        }
        for (int port : cluster.clientPorts()) {
          try (Jedis node = new Jedis(new HostAndPort("127.0.0.1", port))) {
            assertThat(clients(node))
                .as("connections on node %d (pool 4 + tracking 1 + this one)", port)
                .isLessThanOrEqualTo(4 + 2);
          }
        }
      } finally {
        fleet.forEach(Session::close);
      }
      for (int port : cluster.clientPorts()) {
        try (Jedis node = new Jedis(new HostAndPort("127.0.0.1", port))) {
          assertThat(clients(node)).as("connections on node %d after close", port).isEqualTo(1);
        }
      }
    }
  }
}
