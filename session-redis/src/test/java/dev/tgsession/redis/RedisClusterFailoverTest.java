package dev.tgsession.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
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
import java.util.stream.Collectors;
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
 * Issue 25, item 8, on a 6-node cluster (3 masters, 3 replicas, loopback only): the master of the
 * session's slot killed with -9 while a writer runs, the session's seeds being the two other
 * masters; and the session's slot MIGRATING before any key moved.
 */
@DisplayName("Redis Cluster failover and migration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterFailoverTest {

  private static RedisClusterProcess cluster;

  @BeforeAll
  static void startCluster() {
    cluster = RedisClusterProcess.start(3, 1);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  private static int slotOf(String session) {
    return JedisClusterCRC16.getSlot("{tgsession:" + session + "}");
  }

  private static List<Integer> masters() {
    List<Integer> masters = new ArrayList<>();
    for (int port : cluster.clientPorts()) {
      if (cluster.server(port).isRunning()) {
        try (Jedis node = new Jedis(new HostAndPort("127.0.0.1", port))) {
          if (node.role().get(0).equals("master")) {
            masters.add(port);
          }
        }
      }
    }
    return masters;
  }

  @Test
  @Order(1)
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  @DisplayName(
      "the session's master killed with -9 (and left dead) under a writer with the default"
          + " options whose seeds are the two other masters: writes resume within 15 s of the"
          + " promotion, nothing acknowledged is lost")
  void failover() throws Exception {
    String name = "failover-seeds-" + ProcessHandle.current().pid();
    int slot = slotOf(name);
    int master = cluster.masterOf(slot);
    awaitReplica(master);
    String seeds =
        masters().stream()
            .filter(port -> port != master)
            .map(port -> "127.0.0.1:" + port)
            .collect(Collectors.joining(","));
    assertThat(seeds.split(",")).hasSize(2);
    String uri = "redis-cluster://" + seeds + "?session=" + name + "&cluster-deadline=20000";
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger acked = new AtomicInteger();
    AtomicLong lastSuccess = new AtomicLong();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    ExecutorService executor = Executors.newSingleThreadExecutor();
    long promotedAt;
    long resumedAt;
    try (Session session = Sessions.open(uri)) {
      Future<?> writer =
          executor.submit(
              () -> {
                for (int i = 1; i < 1_000_000 && !stop.get(); i++) {
                  try {
                    session.cachePeer(PeerInfo.User.of(i, i));
                    session.setUpdateState(new UpdateState.Primary(i, 1, 1));
                    acked.set(i);
                    lastSuccess.set(System.nanoTime());
                  } catch (RuntimeException e) {
                    errors.add(e);
                  }
                }
              });
      while (acked.get() < 50) {
        Thread.sleep(10);
      }
      cluster.server(master).kill();
      long killedAt = System.nanoTime();
      long deadline = killedAt + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        try {
          if (cluster.masterOf(slot) != master) {
            break;
          }
        } catch (IllegalStateException e) {
          // no healthy master for the slot yet
        }
        assertThat(System.nanoTime()).as("a replica is promoted").isLessThan(deadline);
        Thread.sleep(20);
      }
      promotedAt = System.nanoTime();
      while (lastSuccess.get() < promotedAt) {
        assertThat(System.nanoTime() - promotedAt)
            .as("writes resume within 15 s of the promotion")
            .isLessThan(TimeUnit.SECONDS.toNanos(15));
        Thread.sleep(20);
      }
      resumedAt = lastSuccess.get();
      int target = acked.get() + 20;
      while (acked.get() < target) {
        assertThat(System.nanoTime() - resumedAt).isLessThan(TimeUnit.SECONDS.toNanos(30));
        Thread.sleep(10);
      }
      stop.set(true);
      writer.get(60, TimeUnit.SECONDS);
    } finally {
      stop.set(true);
      executor.shutdownNow();
      cluster.server(master).restart(); // back as the promoted node's replica, for what follows
    }
    System.out.printf(
        "Redis Cluster failover (seeds: the two other masters): promoted, then the first write"
            + " after %d ms; errors seen by the writer: %d%n",
        TimeUnit.NANOSECONDS.toMillis(resumedAt - promotedAt), errors.size());
    try (Session fresh = Sessions.open(uri)) {
      int last = acked.get();
      assertThat(fresh.updatesState().pts()).as("the last acknowledged pts").isEqualTo(last);
      for (int i = 1; i <= last; i++) {
        assertThat(fresh.peer(PeerId.user(i))).as("acknowledged peer %d", i).isPresent();
      }
      fresh.clear();
    }
  }

  @Test
  @Order(2)
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  @DisplayName(
      "with wait-replicas=1, the session's master killed with -9 and left dead: the writes reach"
          + " the promoted master within 15 s (the driver alone kept trying the dead one), and are"
          + " acknowledged, nothing lost, once the old master is back as its replica")
  void failoverWithWait() throws Exception {
    String name = "failover-wait-" + ProcessHandle.current().pid();
    int slot = slotOf(name);
    int master = cluster.masterOf(slot);
    awaitReplica(master);
    String seeds =
        masters().stream()
            .filter(port -> port != master)
            .map(port -> "127.0.0.1:" + port)
            .collect(Collectors.joining(","));
    String uri =
        "redis-cluster://"
            + seeds
            + "?session="
            + name
            + "&wait-replicas=1&wait-timeout=60000&cluster-deadline=90000";
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger acked = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (Session session = Sessions.open(uri)) {
      Future<?> writer =
          executor.submit(
              () -> {
                for (int i = 1; i < 1_000_000 && !stop.get(); i++) {
                  try {
                    session.setUpdateState(new UpdateState.Primary(i, 1, 1));
                    acked.set(i);
                  } catch (RuntimeException e) {
                    errors.add(e);
                  }
                }
              });
      while (acked.get() < 50) {
        Thread.sleep(10);
      }
      cluster.server(master).kill();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      int promoted;
      while (true) {
        try {
          promoted = cluster.masterOf(slot);
          if (promoted != master) {
            break;
          }
        } catch (IllegalStateException e) {
          // no healthy master for the slot yet
        }
        assertThat(System.nanoTime()).as("a replica is promoted").isLessThan(deadline);
        Thread.sleep(20);
      }
      long promotedAt = System.nanoTime();
      try (Jedis node = new Jedis(new HostAndPort("127.0.0.1", promoted))) {
        // The write applied there waits (WAIT 1) for a replica, which comes back only later.
        while (node.clientList()
            .lines()
            .noneMatch(c -> c.contains(" name=tgsession ") && c.contains(" cmd=wait"))) {
          assertThat(System.nanoTime() - promotedAt)
              .as("a write reaches the promoted master within 15 s of the promotion")
              .isLessThan(TimeUnit.SECONDS.toNanos(15));
          Thread.sleep(20);
        }
      }
      System.out.printf(
          "Redis Cluster failover with wait-replicas=1: a write reached the promoted master %d ms"
              + " after the promotion%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - promotedAt));
      cluster.server(master).restart(); // back as the promoted node's replica: WAIT 1 answers
      int target = acked.get() + 20;
      long resume = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (acked.get() < target) {
        assertThat(System.nanoTime()).as("acknowledged again").isLessThan(resume);
        Thread.sleep(10);
      }
      stop.set(true);
      writer.get(90, TimeUnit.SECONDS);
    } finally {
      stop.set(true);
      executor.shutdownNow();
      if (!cluster.server(master).isRunning()) {
        cluster.server(master).restart();
      }
    }
    assertThat(errors).as("errors the writer saw").isEmpty();
    try (Session fresh = Sessions.open(uri)) {
      assertThat(fresh.updatesState().pts()).as("the last acknowledged pts").isEqualTo(acked.get());
      fresh.clear();
    }
  }

  /** Waits until {@code master} has a replica in sync (a killed one may still be catching up). */
  private static void awaitReplica(int master) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try (Jedis node = new Jedis(new HostAndPort("127.0.0.1", master))) {
      while (!node.info("replication").contains("connected_slaves:1")
          || !node.info("replication").contains("state=online")) {
        assertThat(System.nanoTime()).as("master %d has its replica", master).isLessThan(deadline);
        Thread.sleep(50);
      }
    }
  }

  @Test
  @Order(3)
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  @DisplayName(
      "while the session's slot is MIGRATING and no key has moved, updatesState() answers at once"
          + " with the stored state")
  void migratingSlot() throws Exception {
    String name = "migrating-state-" + ProcessHandle.current().pid();
    int slot = slotOf(name);
    String uri = cluster.uri() + "?session=" + name + "&cluster-deadline=60000";
    try (Session session = Sessions.open(uri)) {
      session.setUpdateState(new UpdateState.All(new UpdatesState(7, 8, 9, 10, List.of())));
      int source = cluster.masterOf(slot);
      int target = masters().stream().filter(port -> port != source).findFirst().orElseThrow();
      try (Jedis from = new Jedis(new HostAndPort("127.0.0.1", source));
          Jedis to = new Jedis(new HostAndPort("127.0.0.1", target))) {
        to.clusterSetSlotImporting(slot, cluster.nodeId(source));
        from.clusterSetSlotMigrating(slot, cluster.nodeId(target));
        try {
          try (Session reader = Sessions.open(uri)) {
            long start = System.nanoTime();
            UpdatesState state = reader.updatesState();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.println(
                "Redis Cluster: updatesState() on a MIGRATING slot took " + millis + " ms");
            assertThat(state).isEqualTo(new UpdatesState(7, 8, 9, 10, List.of()));
            assertThat(millis)
                .as("answered, not retried until the migration ends")
                .isLessThan(15_000);
          }
        } finally {
          from.clusterSetSlotStable(slot);
          to.clusterSetSlotStable(slot);
        }
      }
      session.clear();
    }
  }
}
