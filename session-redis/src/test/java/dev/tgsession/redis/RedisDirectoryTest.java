package dev.tgsession.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.OpenOptions;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.SessionStore;
import dev.tgsession.SessionSummary;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.tck.server.RedisClusterProcess;
import dev.tgsession.tck.server.RedisServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * The directory of a Redis store ({@code Sessions.store}): its name index, paging, summaries,
 * delete and the rebuild from {@code SCAN}; on a server of its own (KEYS is used by the test only).
 */
@DisplayName("Redis directory")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RedisDirectoryTest {

  private static RedisServerProcess server;
  private static Jedis raw;

  @BeforeAll
  static void start() {
    server = RedisServerProcess.start();
    raw = new Jedis(new HostAndPort("127.0.0.1", server.port()));
  }

  @AfterAll
  static void stop() {
    raw.close();
    server.close();
  }

  private static String store(int database, String options) {
    return "redis://127.0.0.1:" + server.port() + "/" + database + options;
  }

  private static List<String> names(SessionStore store, String prefix) {
    try (Stream<SessionSummary> all = store.list(prefix)) {
      return all.map(SessionSummary::name).toList();
    }
  }

  @Test
  @DisplayName(
      "1,200 sessions list in name order across pages, by prefix, case-sensitive; a cleared one"
          + " stays listed, a deleted one goes with every key")
  void listsInOrder() {
    String uri = store(1, "");
    raw.select(1);
    List<String> written = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      written.add("acct-" + String.format("%04d", 1199 - i));
    }
    written.add("Bot");
    written.add("bot");
    for (String name : written) {
      try (Session session = Sessions.open(uri + "?session=" + name + "&peer-cache=0")) {
        session.setUpdateState(new UpdateState.Secondary(1));
      }
    }
    try (Session untouched = Sessions.open(uri + "?session=never-written")) {
      untouched.peerCount();
    }
    try (SessionStore store = Sessions.store(uri)) {
      List<String> all = names(store, "");
      assertThat(all).isSortedAccordingTo(String::compareTo).hasSize(1202);
      assertThat(all).containsExactlyInAnyOrderElementsOf(written).doesNotContain("never-written");
      assertThat(names(store, "acct-00")).hasSize(100).allMatch(n -> n.startsWith("acct-00"));
      assertThat(names(store, "B")).containsExactly("Bot");
      assertThat(names(store, "bo")).containsExactly("bot");
      assertThat(names(store, "x")).isEmpty();

      try (Session bot = store.open("bot")) {
        bot.cachePeer(PeerInfo.User.of(5, 5));
        bot.clear();
      }
      assertThat(store.summary("bot")).as("cleared, still listed").isPresent();

      assertThat(store.delete("acct-0007")).isTrue();
      assertThat(raw.keys("{tgsession:acct-0007}*")).isEmpty();
      assertThat(store.summary("acct-0007")).isEmpty();
      assertThat(names(store, "acct-000")).doesNotContain("acct-0007").hasSize(9);
      assertThat(store.delete("acct-0007")).as("nothing left to remove").isFalse();
      assertThat(raw.exists("state{tgsession:acct-0006}")).as("its neighbour").isTrue();
    }
  }

  @Test
  @DisplayName(
      "a summary is exact: home DC, self user, peer count, the lease and its holder, the"
          + " encryption fingerprint")
  void summaries(@TempDir Path dir) throws IOException {
    String uri = store(2, "");
    Path key = dir.resolve("key");
    Files.writeString(key, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    try (Session session = Sessions.open(uri + "?session=full&encryption-key=file:" + key)) {
      session.setHomeDc(4, dev.tgsession.AddressFamily.IPV4);
      session.cachePeers(
          List.of(
              new PeerInfo.User(77, new dev.tgsession.PeerAuth(7), false, true, null, null),
              PeerInfo.User.of(78, 8),
              PeerInfo.User.of(79, 9)));
      String fingerprint = session.encryption().orElseThrow().fingerprint().orElseThrow();
      try (SessionStore store = Sessions.store(uri)) {
        SessionSummary summary = store.summary("full").orElseThrow();
        assertThat(summary.homeDcId()).isEqualTo(4);
        assertThat(summary.selfUserId()).isEqualTo(77L);
        assertThat(summary.peerCount()).isEqualTo(3);
        assertThat(summary.lease()).isEmpty();
        assertThat(summary.encryptionFingerprint()).isEqualTo(fingerprint);
        assertThat(store.summary("absent")).isEmpty();
      }
    }
    try (Session plain = Sessions.open(uri + "?session=plain&lease=60&owner=worker-1");
        SessionStore store = Sessions.store(uri)) {
      plain.cachePeer(PeerInfo.User.of(1, 1));
      SessionSummary summary = store.summary("plain").orElseThrow();
      assertThat(summary.homeDcId()).isEqualTo(2);
      assertThat(summary.selfUserId()).isNull();
      assertThat(summary.encryptionFingerprint()).isNull();
      assertThat(summary.lease().orElseThrow().owner()).isEqualTo("worker-1");
    }
  }

  @Test
  @DisplayName(
      "delete refuses a leased session and changes nothing; forceDelete removes it and the"
          + " holder's next write fails with lease lost")
  void leased() {
    String uri = store(3, "");
    raw.select(3);
    Session holder =
        Sessions.open(uri + "?session=held&lease=60&owner=holder", OpenOptions.defaults());
    try (SessionStore store = Sessions.store(uri)) {
      holder.cachePeer(PeerInfo.User.of(1, 1));
      Set<String> keys = raw.keys("*");
      assertThatThrownBy(() -> store.delete("held"))
          .isInstanceOf(SessionLeasedException.class)
          .hasMessageContaining("holder");
      assertThat(raw.keys("*")).isEqualTo(keys);
      assertThat(store.forceDelete("held")).isTrue();
      assertThat(raw.keys("{tgsession:held}*")).isEmpty();
      assertThat(names(store, "")).doesNotContain("held");
      assertThatThrownBy(() -> holder.cachePeer(PeerInfo.User.of(2, 2)))
          .isInstanceOf(SessionLeaseLostException.class);
    } finally {
      holder.close();
    }
  }

  @Test
  @DisplayName(
      "sessions written before the index existed are found once with SCAN; the index is then"
          + " complete and kept by the writes")
  void rebuild() {
    String uri = store(4, "?prefix=old");
    raw.select(4);
    for (int i = 0; i < 30; i++) {
      try (Session session = Sessions.open(uri + "&session=s" + i)) {
        session.cachePeer(PeerInfo.User.of(i + 1, i));
      }
    }
    raw.del("{old}:sessions"); // as a store written by 0.2 has it
    try (SessionStore store = Sessions.store(uri)) {
      assertThat(names(store, ""))
          .containsExactlyElementsOf(
              IntStream.range(0, 30).mapToObj(i -> "s" + i).sorted().toList());
      assertThat(raw.zcard("{old}:sessions")).as("30 names and the marker").isEqualTo(31);
      try (Session late = store.open("late")) {
        late.cachePeer(PeerInfo.User.of(1, 1));
        assertThat(late.peer(PeerId.user(1))).isPresent();
      }
      assertThat(names(store, "l")).containsExactly("late");
    }
  }

  @Test
  @DisplayName("a bad name is refused with what was expected, and nothing is created")
  void badInput() {
    String uri = store(5, "");
    raw.select(5);
    try (SessionStore store = Sessions.store(uri)) {
      for (String bad : List.of("", "a{b", "c}", "x".repeat(201))) {
        assertThatThrownBy(() -> store.summary(bad))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("expected a session name");
        assertThatThrownBy(() -> store.delete(bad)).isInstanceOf(IllegalArgumentException.class);
      }
    }
    assertThatThrownBy(() -> Sessions.store(uri + "?session=x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(raw.keys("*").stream().filter(k -> !k.endsWith("}:sessions")).toList()).isEmpty();
  }

  @Nested
  @DisplayName("on a cluster")
  class OnCluster {

    @Test
    @DisplayName(
        "sessions on every master are listed, summarized and deleted; the index rebuilds with"
            + " SCAN on each master")
    void cluster() {
      try (RedisClusterProcess cluster = RedisClusterProcess.start(3, 0)) {
        String uri = cluster.uri();
        List<String> written = IntStream.range(0, 40).mapToObj(i -> "c" + i).sorted().toList();
        for (String name : written) {
          try (Session session = Sessions.open(uri + "?session=" + name)) {
            session.cachePeer(PeerInfo.User.of(1, 1));
          }
        }
        try (SessionStore store = Sessions.store(uri)) {
          assertThat(names(store, "")).containsExactlyElementsOf(written);
          assertThat(store.summary("c7").orElseThrow().peerCount()).isEqualTo(1);
          assertThat(store.delete("c7")).isTrue();
          assertThat(names(store, "c7")).isEmpty();
          RedisDirectory directory = (RedisDirectory) store;
          try (redis.clients.jedis.RedisClusterClient client =
              redis.clients.jedis.RedisClusterClient.create(
                  new HostAndPort("127.0.0.1", cluster.clientPorts().get(0)))) {
            client.del("{tgsession}:sessions");
          }
          assertThat(directory.rebuild()).isEqualTo(39);
          assertThat(names(store, ""))
              .containsExactlyElementsOf(
                  written.stream().filter(n -> !n.equals("c7")).collect(Collectors.toList()));
        }
      }
    }
  }
}
