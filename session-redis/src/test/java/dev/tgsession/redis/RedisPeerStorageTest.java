package dev.tgsession.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * How peers are stored since layout 3 (the time inside the {@code peers} value), what happens to a
 * session 0.3.0 wrote (layout 2, the times in the {@code cached} hash), and that {@code
 * store_peers.lua}, which batches its reads and writes, gives what caching each peer in order
 * gives.
 */
@DisplayName("Redis peer storage")
class RedisPeerStorageTest extends OneServerTest {

  @Nested
  @DisplayName("a session written by 0.3.0 (layout 2)")
  class Layout2 {

    private final String tag = "{tgsession:old}";
    private final Instant twoDaysAgo =
        Instant.ofEpochSecond(Instant.now().minus(Duration.ofDays(2)).getEpochSecond(), 123456789);
    private final Instant anHourAgo =
        Instant.ofEpochSecond(Instant.now().minus(Duration.ofHours(1)).getEpochSecond(), 987654321);

    /** Writes what 0.3.0 wrote: 8-byte (or empty) hashes, their times in the cached hash. */
    @BeforeEach
    void writeLayout2() {
      raw.hset(tag + ":dcs", "layout", "2");
      raw.hset(tag + ":dcs", "home", "4");
      raw.hset(bytes(tag + ":peers"), id(7), hash(77));
      raw.hset(bytes(tag + ":peers"), id(8), new byte[0]);
      raw.hset(bytes(tag + ":peers"), id(9), hash(99));
      raw.hset(
          bytes(tag + ":info"),
          id(7),
          new byte[] {1, 8 | 16, 0, 0, 1, 3, 'o', 'l', 'd', 4, '1', '5', '5', '5'});
      raw.hset(bytes(tag + ":usernames"), bytes("old"), id(7));
      raw.hset(bytes(tag + ":phones"), bytes("1555"), id(7));
      raw.hset(bytes(tag + ":cached"), id(7), StateRedisCodec.time(twoDaysAgo));
      raw.hset(bytes(tag + ":cached"), id(8), StateRedisCodec.time(anHourAgo));
      // peer 9 was stored before times were kept
    }

    @Test
    @DisplayName("reads as it was: peers, names, phones and the times they were cached")
    void readsAsItWas() {
      Session session = open("session=old");
      assertThat(session.homeDcId()).isEqualTo(4);
      assertThat(session.peer(PeerId.user(7)))
          .contains(new PeerInfo.User(7, new PeerAuth(77), null, null, List.of("old"), "1555"));
      assertThat(session.peer(PeerId.user(8)))
          .contains(new PeerInfo.User(8, null, null, null, null, null));
      assertThat(session.peerByUsername("old").map(PeerInfo::peerId)).contains(PeerId.user(7));
      assertThat(session.peerByPhone("1555").map(PeerInfo::peerId)).contains(PeerId.user(7));
      assertThat(session.peerCachedAt(PeerId.user(7))).contains(twoDaysAgo);
      assertThat(session.peerCachedAt(PeerId.user(8))).contains(anHourAgo);
      assertThat(session.peerCachedAt(PeerId.user(9))).contains(Instant.EPOCH);
      assertThat(session.peerByUsername("old", Duration.ofDays(1))).isEmpty();
      assertThat(session.peerByUsername("old", Duration.ofDays(3))).isPresent();
      try (var all = session.peers()) {
        assertThat(all.map(PeerInfo::peerId))
            .containsExactlyInAnyOrder(PeerId.user(7), PeerId.user(8), PeerId.user(9));
      }
      assertThat(raw.hget(tag + ":dcs", "layout")).as("reading changes nothing").isEqualTo("2");
    }

    @Test
    @DisplayName("prune goes by the times in the cached hash and releases the names of the pruned")
    void prunesByOldTimes() {
      Session session = open("session=old");
      assertThat(session.prunePeers(Instant.now().minus(Duration.ofDays(1)))).isEqualTo(2);
      assertThat(session.peer(PeerId.user(7))).isEmpty();
      assertThat(session.peer(PeerId.user(9))).isEmpty();
      assertThat(session.peer(PeerId.user(8))).isPresent();
      assertThat(session.peerByUsername("old")).isEmpty();
      assertThat(session.peerByPhone("1555")).isEmpty();
    }

    @Test
    @DisplayName(
        "the first write marks layout 3; a peer written again keeps its hash and gets its time in"
            + " its value, which wins over the stale entry of the cached hash")
    void migratesLazily() {
      Session session = open("session=old");
      Instant before = Instant.now();
      session.cachePeer(PeerInfo.User.of(7, 70L));
      assertThat(raw.hget(tag + ":dcs", "layout")).isEqualTo(RedisSession.LAYOUT);
      assertThat(raw.hget(bytes(tag + ":peers"), id(7))).hasSize(27).startsWith(hash(70));
      assertThat(session.peerCachedAt(PeerId.user(7)).orElseThrow()).isAfterOrEqualTo(before);
      assertThat(session.peer(PeerId.user(7)))
          .contains(new PeerInfo.User(7, new PeerAuth(70), null, null, List.of("old"), "1555"));

      session.cachePeer(new PeerInfo.User(9, null, true, null, List.of("nine"), null));
      assertThat(raw.hget(bytes(tag + ":peers"), id(9)))
          .as("an unknown hash keeps the stored one")
          .hasSize(27)
          .startsWith(hash(99));
      session.cachePeer(new PeerInfo.User(8, null, false, null, null, null));
      assertThat(raw.hget(bytes(tag + ":peers"), id(8))).hasSize(19);

      assertThat(session.prunePeers(Instant.now().minus(Duration.ofDays(1))))
          .as("no peer is old any more: the values' times win")
          .isZero();
      assertThat(session.peerByUsername("nine", Duration.ofMinutes(5))).isPresent();
    }
  }

  @Nested
  @DisplayName("store_peers.lua")
  class Batches {

    @Test
    @DisplayName(
        "random batches that move, release and take names, phones and the self flag give what the"
            + " in-memory session gives")
    void sameAsMemory() {
      Session redis = open("session=random&peer-cache=0");
      Session memory = Sessions.open("memory:");
      opened.add(memory);
      Random random = new Random(27);
      for (int round = 0; round < 60; round++) {
        List<PeerInfo> batch = new ArrayList<>();
        int size = 1 + random.nextInt(round % 3 == 0 ? 3 : 40);
        for (int i = 0; i < size; i++) {
          batch.add(randomPeer(random));
        }
        if (random.nextBoolean() && size == 1) {
          redis.cachePeer(batch.get(0));
          memory.cachePeer(batch.get(0));
        } else {
          redis.cachePeers(batch);
          memory.cachePeers(batch);
        }
        assertThat(everything(redis)).as("after round %d", round).isEqualTo(everything(memory));
      }
    }

    @Test
    @DisplayName(
        "batches of mostly new peers, whose names and phones are often held by stored peers, give"
            + " what the in-memory session gives")
    void newPeersSameAsMemory() {
      newPeersSameAsMemory("session=random-new&peer-cache=0");
    }

    @Test
    @DisplayName(
        "with a lease (re-caches and batches behind the fence), the same batches give what the"
            + " in-memory session gives")
    void newPeersSameAsMemoryLeased() {
      newPeersSameAsMemory("session=random-new-leased&peer-cache=0&lease=30&owner=t");
    }

    private void newPeersSameAsMemory(String options) {
      Session redis = open(options);
      Session memory = Sessions.open("memory:");
      opened.add(memory);
      Random random = new Random(28);
      long next = 1000;
      for (int round = 0; round < 60; round++) {
        List<PeerInfo> batch = new ArrayList<>();
        int size = 1 + random.nextInt(30);
        for (int i = 0; i < size; i++) {
          // a new user (sometimes the self user) most of the time, else a stored or random one
          batch.add(
              random.nextInt(4) == 0
                  ? randomPeer(random)
                  : new PeerInfo.User(
                      next++,
                      new PeerAuth(random.nextLong()),
                      random.nextBoolean(),
                      random.nextInt(10) == 0 ? Boolean.TRUE : null,
                      names(random),
                      random.nextInt(3) == 0 ? "1555" + random.nextInt(8) : null));
        }
        redis.cachePeers(batch);
        memory.cachePeers(batch);
        assertThat(everything(redis)).as("after round %d", round).isEqualTo(everything(memory));
      }
    }

    private PeerInfo randomPeer(Random random) {
      long id = 1 + random.nextInt(25);
      PeerAuth auth = random.nextInt(4) == 0 ? null : new PeerAuth(random.nextLong());
      if (id > 20) {
        return new PeerInfo.Channel(
            id,
            auth,
            random.nextBoolean() ? dev.tgsession.ChannelKind.MEGAGROUP : null,
            names(random));
      }
      Boolean bot = random.nextInt(3) == 0 ? null : random.nextBoolean();
      Boolean self = random.nextInt(6) == 0 ? random.nextBoolean() : null;
      String phone = random.nextInt(3) == 0 ? "1555" + random.nextInt(8) : null;
      return new PeerInfo.User(id, auth, bot, self, names(random), phone);
    }

    private List<String> names(Random random) {
      int pick = random.nextInt(5);
      if (pick == 0) {
        return null;
      }
      List<String> names = new ArrayList<>();
      for (int i = 0; i < pick - 1; i++) {
        String name = "n" + random.nextInt(15);
        if (!names.contains(name)) {
          names.add(name);
        }
      }
      return names;
    }

    /** Every peer, every name's and phone's owner, and the self user. */
    private Map<String, Object> everything(Session session) {
      Map<String, Object> all = new TreeMap<>();
      try (var peers = session.peers()) {
        all.put(
            "peers",
            peers.collect(
                Collectors.toMap(
                    p -> p.peerId().botApiDialogId(), p -> p, (a, b) -> a, TreeMap::new)));
      }
      for (int i = 0; i < 15; i++) {
        all.put("n" + i, session.peerByUsername("n" + i).map(PeerInfo::peerId).orElse(null));
      }
      for (int i = 0; i < 8; i++) {
        all.put("1555" + i, session.peerByPhone("1555" + i).map(PeerInfo::peerId).orElse(null));
      }
      all.put("self", session.peer(PeerId.selfUser()).map(PeerInfo::peerId).orElse(null));
      return all;
    }
  }

  private static byte[] id(long user) {
    return PeerRedisCodec.id(PeerId.user(user));
  }

  private static byte[] hash(long hash) {
    return ByteBuffer.allocate(8).putLong(hash).array();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
