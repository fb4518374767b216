package dev.tgsession.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.tck.server.TestServers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two instances of one URI with the default options (peer cache on): what B wrote, A reads as soon
 * as B's call returned, even a peer A had read and cached before (rule 9, "Peer cache").
 */
@DisplayName("Redis peer cache across instances")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisPeerCacheCoherenceTest {

  abstract static class Coherence {
    private final List<Session> opened = new ArrayList<>();
    private final String name = getClass().getSimpleName() + "-" + System.nanoTime();

    abstract String baseUri();

    String options() {
      return "";
    }

    Session open() {
      Session session =
          Sessions.open(TestServers.withOption(baseUri(), "session", name) + options());
      opened.add(session);
      return session;
    }

    @AfterEach
    void clearAndClose() {
      if (!opened.isEmpty()) {
        opened.get(0).clear();
      }
      opened.forEach(Session::close);
    }

    @Test
    @DisplayName("a new access hash written by B is read by A, which had cached the old one")
    void accessHash() {
      Session a = open();
      Session b = open();
      b.cachePeer(new PeerInfo.User(5, new PeerAuth(1000), false, null, List.of("x_5"), null));
      assertThat(a.peer(PeerId.user(5)).orElseThrow().auth()).isEqualTo(new PeerAuth(1000));
      assertThat(a.peer(PeerId.user(5)).orElseThrow().auth()).isEqualTo(new PeerAuth(1000));
      b.cachePeer(new PeerInfo.User(5, new PeerAuth(2000), null, null, null, null));
      assertThat(a.peer(PeerId.user(5)))
          .contains(new PeerInfo.User(5, new PeerAuth(2000), false, null, List.of("x_5"), null));
    }

    @Test
    @DisplayName("a bot flag merged by B is read by A")
    void mergedFlag() {
      Session a = open();
      Session b = open();
      b.cachePeer(new PeerInfo.User(6, new PeerAuth(60), false, null, null, null));
      assertThat(a.peer(PeerId.user(6)).orElseThrow()).isInstanceOf(PeerInfo.User.class);
      b.cachePeer(new PeerInfo.User(6, null, true, null, null, null));
      assertThat(a.peer(PeerId.user(6)))
          .contains(new PeerInfo.User(6, new PeerAuth(60), true, null, null, null));
    }

    @Test
    @DisplayName("the self user moved by B is read by A, the old self user no longer self")
    void selfUserMoved() {
      Session a = open();
      Session b = open();
      b.cachePeer(new PeerInfo.User(7, new PeerAuth(70), false, true, null, null));
      assertThat(((PeerInfo.User) a.peer(PeerId.user(7)).orElseThrow()).self()).isTrue();
      assertThat(a.peer(PeerId.selfUser()).map(PeerInfo::peerId)).contains(PeerId.user(7));
      b.cachePeer(new PeerInfo.User(8, new PeerAuth(80), false, true, null, null));
      assertThat(((PeerInfo.User) a.peer(PeerId.user(7)).orElseThrow()).self()).isFalse();
      assertThat(a.peer(PeerId.selfUser()).map(PeerInfo::peerId)).contains(PeerId.user(8));
    }

    @Test
    @DisplayName("a username that B gave to another peer is gone from the peer A had cached")
    void usernameChangedOwner() {
      Session a = open();
      Session b = open();
      b.cachePeer(new PeerInfo.User(9, new PeerAuth(90), null, null, List.of("moving"), null));
      assertThat(a.peer(PeerId.user(9)).orElseThrow().usernames()).containsExactly("moving");
      b.cachePeer(new PeerInfo.User(10, new PeerAuth(100), null, null, List.of("moving"), null));
      assertThat(a.peer(PeerId.user(9)).orElseThrow().usernames()).isEmpty();
      assertThat(a.peerByUsername("moving").map(PeerInfo::peerId)).contains(PeerId.user(10));
    }

    @Test
    @DisplayName("B's clear() empties what A reads")
    void clearedByB() {
      Session a = open();
      Session b = open();
      b.cachePeer(PeerInfo.User.of(11, 110));
      assertThat(a.peer(PeerId.user(11))).isPresent();
      b.clear();
      assertThat(a.peer(PeerId.user(11))).isEmpty();
      assertThat(a.peerCount()).isZero();
    }

    @Test
    @DisplayName(
        "500 rounds of B writing a new hash and A reading it at once never read the old one")
    void manyRounds() {
      Session a = open();
      Session b = open();
      for (long round = 1; round <= 500; round++) {
        b.cachePeer(PeerInfo.User.of(12, round));
        assertThat(a.peer(PeerId.user(12)).orElseThrow().auth())
            .as("round %d", round)
            .isEqualTo(new PeerAuth(round));
        assertThat(a.peer(PeerId.user(12)).orElseThrow().auth()).isEqualTo(new PeerAuth(round));
      }
    }
  }

  @Nested
  @DisplayName(
      "for a user the server refuses CLIENT TRACKING to, the cache is off and reads stay coherent")
  class TrackingRefused extends Coherence {
    private static final String USER = "no-tracking-" + ProcessHandle.current().pid();

    @Override
    @SuppressWarnings("deprecation") // sendCommand is the plain way to send ACL SETUSER here
    String baseUri() {
      String uri = TestServers.redisUri();
      try (redis.clients.jedis.RedisClient admin =
          redis.clients.jedis.RedisClient.create(java.net.URI.create(uri))) {
        admin.sendCommand(
            redis.clients.jedis.Protocol.Command.ACL,
            "SETUSER",
            USER,
            "on",
            ">pw-" + USER,
            "~*",
            "&*",
            "+@all",
            "-client|tracking");
      }
      return uri.replace("redis://", "redis://" + USER + ":pw-" + USER + "@");
    }
  }

  @Nested
  @DisplayName("on one server")
  class Standalone extends Coherence {
    @Override
    String baseUri() {
      return TestServers.redisUri();
    }
  }

  @Nested
  @DisplayName("on one server, with peer-cache=0")
  class Uncached extends Coherence {
    @Override
    String baseUri() {
      return TestServers.redisUri();
    }

    @Override
    String options() {
      return "&peer-cache=0";
    }
  }

  @Nested
  @DisplayName("on a cluster")
  class Cluster extends Coherence {
    @Override
    String baseUri() {
      return TestServers.redisClusterUri();
    }
  }
}
