package dev.tgsession.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionStorageException;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.tck.server.RedisClusterProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A cluster of three masters with a replica each, changing under a writer: the session's slot is
 * migrated to another master and back, then the session's master is killed and its replica takes
 * over. The writer sees no error and nothing it was told is stored goes missing.
 */
@DisplayName("Redis Cluster while it changes")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterChangesTest {

  private static RedisClusterProcess cluster;

  @BeforeAll
  static void startCluster() {
    cluster = RedisClusterProcess.start(3, 1);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  private static String uri(String session, String options) {
    return cluster.uri() + "?session=" + session + "&" + options;
  }

  private static int slotOf(String session) {
    return JedisClusterCRC16.getSlot("{tgsession:" + session + "}");
  }

  /** A writer caching named users and moving the updates state until stopped; bounded. */
  private static final class Writer implements Runnable {
    final Session session;
    final long firstId;
    final AtomicBoolean stop = new AtomicBoolean();
    final ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    final AtomicInteger ackedPts = new AtomicInteger();
    final AtomicLong longestGapNanos = new AtomicLong();
    final AtomicInteger operations = new AtomicInteger();

    Writer(Session session, long firstId) {
      this.session = session;
      this.firstId = firstId;
    }

    @Override
    public void run() {
      long last = System.nanoTime();
      for (long id = firstId; id < firstId + 200_000 && !stop.get(); id += 2) {
        try {
          session.cachePeers(
              List.of(
                  new PeerInfo.User(id, new PeerAuth(id), false, null, List.of("u" + id), null),
                  new PeerInfo.User(
                      id + 1,
                      new PeerAuth(-id),
                      id % 20 == 0,
                      null,
                      List.of("v" + id),
                      "1555" + id)));
          acked.add(id);
          acked.add(id + 1);
          session.setUpdateState(new UpdateState.Primary((int) id, 1, 1));
          ackedPts.set((int) id);
          assertThat(session.updatesState().pts()).isGreaterThanOrEqualTo((int) id);
          assertThat(session.peerByUsername("u" + id).map(PeerInfo::peerId))
              .contains(PeerId.user(id));
          assertThat(session.peer(PeerId.user(id + 1)).orElseThrow().auth())
              .isEqualTo(new PeerAuth(-id));
        } catch (RuntimeException | AssertionError e) {
          errors.add(e);
        }
        long now = System.nanoTime();
        longestGapNanos.accumulateAndGet(now - last, Math::max);
        last = now;
        operations.incrementAndGet();
      }
    }

    void awaitOperations(int count) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      int target = operations.get() + count;
      while (operations.get() < target) {
        assertThat(System.nanoTime())
            .as("the writer makes progress (last error: %s)", errors.peek())
            .isLessThan(deadline);
        Thread.sleep(10);
      }
    }

    /** Acknowledged peers (with their usernames) missing from the store, read afresh. */
    List<Long> missing(String uri) {
      List<Long> missing = new ArrayList<>();
      try (Session fresh = Sessions.open(uri)) {
        for (long id : acked) {
          long base = id % 2 == firstId % 2 ? id : id - 1;
          String name = (id == base ? "u" : "v") + base;
          if (fresh
              .peerByUsername(name)
              .map(PeerInfo::peerId)
              .filter(PeerId.user(id)::equals)
              .isEmpty()) {
            missing.add(id);
          }
        }
        if (fresh.updatesState().pts() < ackedPts.get()) {
          missing.add(-1L);
        }
      }
      return missing;
    }
  }

  @Test
  @Order(1)
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  @DisplayName(
      "the session's slot migrated to another master and back under a writer: no error reaches"
          + " the writer, nothing is lost")
  void slotMigration() throws Exception {
    String name = "migrating-" + ProcessHandle.current().pid();
    int slot = slotOf(name);
    String uri = uri(name, "cluster-deadline=60000&peer-cache=0");
    Session session = Sessions.open(uri);
    Writer writer = new Writer(session, 1);
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Future<?> running = executor.submit(writer);
      writer.awaitOperations(30);
      int source = cluster.masterOf(slot);
      int target =
          cluster.clientPorts().stream()
              .filter(port -> port != source)
              .filter(port -> isMaster(port))
              .findFirst()
              .orElseThrow();
      migrate(slot, source, target);
      writer.awaitOperations(30);
      migrate(slot, target, source);
      writer.awaitOperations(30);
      writer.stop.set(true);
      running.get(60, TimeUnit.SECONDS);
    } finally {
      writer.stop.set(true);
      executor.shutdownNow();
    }
    System.out.println(
        "Redis Cluster slot migration: the writer's longest gap was "
            + TimeUnit.NANOSECONDS.toMillis(writer.longestGapNanos.get())
            + " ms");
    assertThat(writer.errors).as("errors the writer saw during two migrations").isEmpty();
    assertThat(writer.missing(uri)).as("acknowledged writes missing").isEmpty();
    session.clear();
    session.close();
  }

  /**
   * Moves a slot as redis-cli --cluster reshard does: IMPORTING, MIGRATING, then MIGRATE key by key
   * while the writer goes on, then SETSLOT NODE on every master.
   */
  private static void migrate(int slot, int from, int to) throws Exception {
    String fromId = cluster.nodeId(from);
    String toId = cluster.nodeId(to);
    try (Jedis source = new Jedis(new HostAndPort("127.0.0.1", from));
        Jedis target = new Jedis(new HostAndPort("127.0.0.1", to))) {
      assertThat(target.clusterSetSlotImporting(slot, fromId)).isEqualTo("OK");
      assertThat(source.clusterSetSlotMigrating(slot, toId)).isEqualTo("OK");
      Thread.sleep(300); // the writer goes on while nothing has moved yet
      while (true) {
        List<byte[]> keys = source.clusterGetKeysInSlotBinary(slot, 1);
        if (keys.isEmpty()) {
          break;
        }
        source.migrate("127.0.0.1", to, keys.get(0), 0, 5000);
        Thread.sleep(50); // and while the keys are split between the nodes
      }
      target.clusterSetSlotNode(slot, toId);
      source.clusterSetSlotNode(slot, toId);
      for (int port : cluster.clientPorts()) {
        if (port != from && port != to && isMaster(port)) {
          try (Jedis other = new Jedis(new HostAndPort("127.0.0.1", port))) {
            other.clusterSetSlotNode(slot, toId);
          }
        }
      }
    }
  }

  private static boolean isPromoted(int slot, int oldMaster) {
    try {
      return cluster.masterOf(slot) != oldMaster;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  private static boolean isMaster(int port) {
    if (!cluster.server(port).isRunning()) {
      return false;
    }
    try (Jedis node = new Jedis(new HostAndPort("127.0.0.1", port))) {
      return node.role().get(0).equals("master");
    }
  }

  @Test
  @Order(2)
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  @DisplayName(
      "wait-replicas beyond the replicas there are fails the write clearly, saying it may not be"
          + " replicated")
  void tooFewReplicas() {
    String name = "wait-" + ProcessHandle.current().pid();
    try (Session session = Sessions.open(uri(name, "wait-replicas=1&wait-timeout=2000"));
        Session greedy = Sessions.open(uri(name, "wait-replicas=2&wait-timeout=200"))) {
      session.cachePeer(PeerInfo.User.of(1, 1));
      session.setUpdateState(new UpdateState.Channel(5, 5));
      assertThatThrownBy(() -> greedy.cachePeer(PeerInfo.User.of(2, 2)))
          .isInstanceOf(SessionStorageException.class)
          .hasMessageContaining("only 1 of the 2 replicas")
          .hasMessageContaining("may not be replicated")
          .hasMessageContaining("wait-timeout=200");
      session.clear();
    }
  }

  @Test
  @Order(3)
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  @DisplayName(
      "the session's master killed under a writer with wait-replicas=1: the same session resumes"
          + " on the promoted replica (acknowledged again once the old master is back as its"
          + " replica), no error reaches the writer, nothing acknowledged is lost")
  void failover() throws Exception {
    String name = "failover-" + ProcessHandle.current().pid();
    int slot = slotOf(name);
    // wait-timeout long enough for the killed master to come back as the new master's replica:
    // until then no write can be acknowledged by a replica.
    String uri = uri(name, "wait-replicas=1&wait-timeout=30000&cluster-deadline=60000");
    Session session = Sessions.open(uri);
    Writer writer = new Writer(session, 1_000_001);
    ExecutorService executor = Executors.newSingleThreadExecutor();
    long gapMillis;
    try {
      Future<?> running = executor.submit(writer);
      writer.awaitOperations(50);
      int master = cluster.masterOf(slot);
      cluster.server(master).kill();
      long promoted = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!isPromoted(slot, master)) {
        assertThat(System.nanoTime()).as("a replica is promoted").isLessThan(promoted);
        Thread.sleep(20);
      }
      cluster.server(master).restart(); // rejoins as the replica of the promoted one
      writer.awaitOperations(50);
      writer.stop.set(true);
      running.get(60, TimeUnit.SECONDS);
      gapMillis = TimeUnit.NANOSECONDS.toMillis(writer.longestGapNanos.get());
      assertThat(cluster.masterOf(slot)).as("a replica took over").isNotEqualTo(master);

    } finally {
      writer.stop.set(true);
      executor.shutdownNow();
    }
    System.out.println(
        "Redis Cluster failover with wait-replicas=1: the writer's longest gap was "
            + gapMillis
            + " ms");
    assertThat(writer.errors).as("errors the writer saw during the failover").isEmpty();
    assertThat(writer.missing(uri)).as("acknowledged writes missing").isEmpty();
    session.cachePeer(PeerInfo.User.of(42, 42));
    assertThat(session.peer(PeerId.user(42))).contains(PeerInfo.User.of(42, 42));
    session.clear();
    session.close();
  }

  @Test
  @Order(4)
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  @DisplayName(
      "another master killed under a writer with the default options: the same session resumes"
          + " on the promoted replica without an error reaching the writer")
  void failoverWithoutWait() throws Exception {
    String name = "failover-plain-" + ProcessHandle.current().pid();
    int slot = slotOf(name);
    String uri = uri(name, "cluster-deadline=60000");
    Session session = Sessions.open(uri);
    Writer writer = new Writer(session, 2_000_001);
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Future<?> running = executor.submit(writer);
      writer.awaitOperations(50);
      // Every master has a replica: the one killed by the previous test came back as one.
      int master = cluster.masterOf(slot);
      cluster.server(master).kill();
      long promoted = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!isPromoted(slot, master)) {
        assertThat(System.nanoTime()).as("a replica is promoted").isLessThan(promoted);
        Thread.sleep(20);
      }
      writer.awaitOperations(50);
      writer.stop.set(true);
      running.get(60, TimeUnit.SECONDS);
    } finally {
      writer.stop.set(true);
      executor.shutdownNow();
    }
    List<Long> lost = writer.missing(uri);
    System.out.println(
        "Redis Cluster failover without WAIT: the writer's longest gap was "
            + TimeUnit.NANOSECONDS.toMillis(writer.longestGapNanos.get())
            + " ms; acknowledged writes lost: "
            + lost.size());
    assertThat(writer.errors).as("errors the writer saw during the failover").isEmpty();
    session.clear();
    session.close();
  }
}
