package dev.tgsession.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.DcOption;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.SessionStorageException;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.TestHooks;
import dev.tgsession.tck.server.RedisServerProcess;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.RedisClient;

/**
 * What the TCK's lease group cannot see on Redis: the lease keys, the token counter outliving
 * release and {@code clear()}, and fencing inside every kind of write; and {@code wait-replicas} on
 * a server with a replica.
 */
@DisplayName("Redis leases and replicas")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisLeaseAndReplicaTest {

  private static RedisServerProcess master;
  private static RedisServerProcess replica;
  private static RedisClient raw;

  @BeforeAll
  static void start() throws Exception {
    master = RedisServerProcess.start();
    replica = RedisServerProcess.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
    raw = RedisClient.create(URI.create(master.uri()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!raw.info("replication").contains("state=online")) {
      assertThat(System.nanoTime()).as("the replica connects").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @AfterAll
  static void stop() {
    raw.close();
    replica.close();
    master.close();
  }

  @Nested
  @DisplayName("leases")
  class Leases {

    @Test
    @DisplayName(
        "the lease is 'token owner' expiring with it; the token counter survives release and"
            + " clear(), so tokens only grow")
    void keys() {
      String uri = master.uri() + "?session=lease-keys&lease=30&owner=first";
      long first;
      try (Session session = Sessions.open(uri)) {
        first = session.lease().orElseThrow().token();
        assertThat(raw.get("{tgsession:lease-keys}:lease")).isEqualTo(first + " first");
        assertThat(raw.pttl("{tgsession:lease-keys}:lease")).isBetween(1L, 30_000L);
        session.cachePeer(PeerInfo.User.of(1, 1));
        session.clear();
        assertThat(raw.get("{tgsession:lease-keys}:lease-token")).isEqualTo(Long.toString(first));
      }
      assertThat(raw.exists("{tgsession:lease-keys}:lease")).as("released on close").isFalse();
      try (Session again =
          Sessions.open(master.uri() + "?session=lease-keys&lease=30&owner=second")) {
        assertThat(again.lease().orElseThrow().token()).isEqualTo(first + 1);
        assertThatThrownBy(
                () -> Sessions.open(master.uri() + "?session=lease-keys&lease=30&owner=third"))
            .isInstanceOf(SessionLeasedException.class)
            .hasMessageContaining("second");
      }
      raw.del("{tgsession:lease-keys}:lease-token");
    }

    @Test
    @DisplayName(
        "after another owner took the lease over, every kind of write is refused by the server"
            + " and changes nothing")
    void fencing() {
      List<Consumer<Session>> writes =
          List.of(
              s -> s.cachePeer(PeerInfo.User.of(2, 2)),
              s -> s.cachePeer(new PeerInfo.User(3, null, true, null, List.of("fenced"), null)),
              s ->
                  s.cachePeers(
                      List.of(
                          new PeerInfo.User(
                              1, new PeerAuth(7), false, null, List.of("renamed"), null),
                          new PeerInfo.User(
                              4, new PeerAuth(4), null, null, List.of("four"), null))),
              s -> s.setUpdateState(new UpdateState.Primary(9, 9, 9)),
              s -> s.setUpdateState(new UpdateState.Channel(5, 9)),
              s -> s.setUpdateState(new UpdateState.All(new UpdatesState(9, 9, 9, 9, List.of()))),
              s -> s.setHomeDcId(5),
              s ->
                  s.setDcOption(
                      new DcOption(
                          7,
                          new InetSocketAddress("10.0.0.7", 443),
                          new InetSocketAddress("2001:db8::7", 443),
                          null)),
              Session::clear);
      for (int i = 0; i < writes.size(); i++) {
        String name = "fence-" + i;
        Session holder = Sessions.open(master.uri() + "?session=" + name + "&lease=2&owner=old");
        holder.cachePeer(PeerInfo.User.of(1, 1));
        TestHooks.stopLeaseRenewal(holder);
        // Take over as an owner would after the old lease expired (here: deleted).
        raw.del("{tgsession:" + name + "}:lease");
        Session taker = Sessions.open(master.uri() + "?session=" + name + "&lease=30&owner=new");
        byte[] before =
            raw.dump(("{tgsession:" + name + "}:peers").getBytes(StandardCharsets.UTF_8));
        Consumer<Session> write = writes.get(i);
        assertThatThrownBy(() -> write.accept(holder))
            .as("write %d", i)
            .isInstanceOf(SessionLeaseLostException.class);
        assertThat(raw.dump(("{tgsession:" + name + "}:peers").getBytes(StandardCharsets.UTF_8)))
            .isEqualTo(before);
        assertThat(taker.peer(PeerId.user(1))).contains(PeerInfo.User.of(1, 1));
        assertThat(taker.updatesState().pts()).isZero();
        taker.clear();
        taker.close();
        holder.close();
        raw.del("{tgsession:" + name + "}:lease-token");
      }
    }
  }

  @Nested
  @DisplayName("wait-replicas on one server with a replica")
  class Replicas {

    @Test
    @DisplayName(
        "writes return once the replica has them; with the replica gone they fail, saying the"
            + " write may not be replicated")
    void waitForReplica() throws Exception {
      // Generous: on a loaded 2-core machine a replica's acknowledgement can take a while; the
      // failing half below waits this long once.
      String uri = master.uri() + "?session=replicated&wait-replicas=1&wait-timeout=5000";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!raw.info("replication").contains("state=online")) {
        assertThat(System.nanoTime()).as("the replica is online").isLessThan(deadline);
        Thread.sleep(20);
      }
      try (Session session = Sessions.open(uri);
          RedisClient fromReplica = RedisClient.create(URI.create(replica.uri()))) {
        session.cachePeer(new PeerInfo.User(1, new PeerAuth(1), null, null, List.of("r1"), null));
        session.setUpdateState(new UpdateState.Primary(3, 3, 3));
        assertThat(fromReplica.hget("state{tgsession:replicated}", "pts"))
            .as("on the replica when the write returned")
            .isEqualTo("3");
        replica.kill();
        try {
          assertThatThrownBy(() -> session.setUpdateState(new UpdateState.Primary(4, 4, 4)))
              .isInstanceOf(SessionStorageException.class)
              .hasMessageContaining("only 0 of the 1 replicas")
              .hasMessageContaining("may not be replicated")
              .hasMessageContaining("Redis at 127.0.0.1:" + master.port());
        } finally {
          replica.restart();
        }
      }
      raw.del("{tgsession:replicated}:peers", "{tgsession:replicated}:info");
      raw.del("{tgsession:replicated}:usernames", "state{tgsession:replicated}");
      raw.del("{tgsession:replicated}:dcs");
    }
  }
}
