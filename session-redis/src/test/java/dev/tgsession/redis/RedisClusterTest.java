package dev.tgsession.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.spi.SessionUri;
import dev.tgsession.tck.server.TestServers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.util.JedisClusterCRC16;

/** Sessions spread over the masters of a three-node cluster, each whole in its own slot. */
@DisplayName("Redis Cluster session")
class RedisClusterTest {

  private final String run = "cl-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
  private final List<Session> opened = new ArrayList<>();

  @AfterEach
  void clearAndClose() {
    opened.forEach(Session::clear);
    opened.forEach(Session::close);
  }

  private Session open(String session) {
    Session opened = Sessions.open(TestServers.redisClusterUri() + "?session=" + run + session);
    this.opened.add(opened);
    return opened;
  }

  private static RedisClusterClient raw() {
    Set<HostAndPort> nodes = new LinkedHashSet<>();
    for (SessionUri.Host host : SessionUri.parse(TestServers.redisClusterUri()).hosts()) {
      nodes.add(new HostAndPort(host.host(), host.port()));
    }
    return RedisClusterClient.create(nodes);
  }

  @Test
  @DisplayName("sessions on different masters each keep all their keys in one slot")
  void sessionsSpreadOverMasters() {
    Set<HostAndPort> masters = new HashSet<>();
    List<Session> sessions = new ArrayList<>();
    RedisClusterClient raw = raw();
    for (int i = 0; i < 12; i++) {
      Session session = open("-" + i);
      sessions.add(session);
      session.cachePeers(
          List.of(
              new PeerInfo.User(1, null, null, true, List.of("me" + i), "1555000" + i),
              PeerInfo.User.of(2, 2)));
      session.setUpdateState(new UpdateState.Channel(7, i));
      session.setDcOption(
          new dev.tgsession.DcOption(
              9,
              new java.net.InetSocketAddress("10.0.0.9", 443),
              new java.net.InetSocketAddress("2001:db8::9", 443),
              null));
      String tag = "{tgsession:" + run + "-" + i + "}";
      try (Connection node = raw.getConnectionFromSlot(JedisClusterCRC16.getSlot(tag))) {
        masters.add(node.getHostAndPort());
      }
    }
    assertThat(masters).as("the twelve sessions land on several masters").hasSizeGreaterThan(1);
    try (raw) {
      for (int i = 0; i < sessions.size(); i++) {
        Session session = sessions.get(i);
        assertThat(session.peerByUsername("me" + i).orElseThrow().peerId())
            .isEqualTo(PeerId.user(1));
        assertThat(session.peer(PeerId.selfUser()).orElseThrow().peerId())
            .isEqualTo(PeerId.user(1));
        assertThat(session.updatesState().channels()).hasSize(1);
        assertThat(session.peerCount()).isEqualTo(2);
        String tag = "{tgsession:" + run + "-" + i + "}";
        Set<Integer> slots =
            new RedisKeys("tgsession", run + "-" + i)
                .all().stream()
                    .filter(key -> raw.exists(key))
                    .map(JedisClusterCRC16::getSlot)
                    .collect(Collectors.toSet());
        assertThat(slots).containsExactly(JedisClusterCRC16.getSlot(tag));
        try (Connection node = raw.getConnectionFromSlot(JedisClusterCRC16.getSlot(tag))) {
          assertThat(new Jedis(node).clusterKeySlot(tag + ":peers"))
              .as("the server's own slot of a key")
              .isEqualTo(JedisClusterCRC16.getSlot(tag));
        }
      }
      Session first = sessions.get(0);
      first.clear();
      assertThat(new RedisKeys("tgsession", run + "-0").all().stream().filter(raw::exists))
          .isEmpty();
      assertThat(sessions.get(1).peerCount()).isEqualTo(2);
    }
  }

  @Test
  @DisplayName(
      "a session of layout 3 moves its updates state to the layout-4 names in its slot, nothing"
          + " lost")
  void layoutThreeMoved() {
    String tag = "{tgsession:" + run + "-old}";
    try (RedisClusterClient raw = raw()) {
      Session old = open("-old");
      old.cachePeer(PeerInfo.User.of(2, 22));
      old.setUpdateState(new UpdateState.Primary(10, 30, 40));
      old.setUpdateState(new UpdateState.Channel(7, 5));
      raw.rename("state" + tag, tag + ":state");
      raw.rename("channels" + tag, tag + ":channels");
      raw.hset(tag + ":dcs", "layout", "3");
      Session session = open("-old");
      assertThat(session.updatesState().pts()).isEqualTo(10);
      session.setUpdateState(new UpdateState.Secondary(20));
      assertThat(raw.hget(tag + ":dcs", "layout")).isEqualTo(RedisSession.LAYOUT);
      assertThat(raw.exists(tag + ":state")).isFalse();
      assertThat(raw.hgetAll("state" + tag))
          .isEqualTo(java.util.Map.of("pts", "10", "qts", "20", "date", "30", "seq", "40"));
      assertThat(session.updatesState().channels()).hasSize(1);
      assertThat(session.peer(PeerId.user(2))).contains(PeerInfo.User.of(2, 22));
    }
  }

  @Test
  @DisplayName("a cluster has only database 0")
  void databaseZeroOnly() {
    String uri = TestServers.redisClusterUri();
    assertThatThrownBy(() -> Sessions.open(uri + "/1?session=x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("database 0");
  }
}
