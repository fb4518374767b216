package dev.tgsession.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.ChannelKind;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * What the TCK cannot see: the key layout, isolation down to the stored bytes, the commands each
 * hot path sends, script reloads, chunked batches and paged listing. Runs on a redis-server of its
 * own, so it may list every key and reset the command statistics.
 */
@DisplayName("Redis session")
class RedisSessionTest extends OneServerTest {

  private static PeerInfo.User stored(Session session, long id) {
    return (PeerInfo.User) session.peer(PeerId.user(id)).orElseThrow();
  }

  private static PeerInfo.User user(long id, long hash) {
    return PeerInfo.User.of(id, hash);
  }

  /** Fills every part of a session. */
  private static void fill(Session session, long base) {
    session.setHomeDcId(4);
    session.setDcOption(
        new dev.tgsession.DcOption(
            4,
            new java.net.InetSocketAddress("10.1.2.3", 443),
            new java.net.InetSocketAddress("2001:db8::4", 443),
            null));
    session.cachePeers(
        List.of(
            new PeerInfo.User(
                base + 1, new PeerAuth(base), false, true, List.of("me" + base), "1555" + base),
            new PeerInfo.User(base + 2, new PeerAuth(2), true, false, List.of("bot" + base), null),
            new PeerInfo.Chat(base + 3),
            new PeerInfo.Channel(
                base + 4, new PeerAuth(4), ChannelKind.BROADCAST, List.of("news" + base))));
    session.setUpdateState(new UpdateState.All(new UpdatesState(1, 2, 3, 4, List.of())));
    session.setUpdateState(new UpdateState.Channel(base + 4, 44));
  }

  /** Every session's keys (the directory's name indexes, {@code {prefix}:sessions}, left out). */
  private static Set<String> keys() {
    return raw.keys("*").stream().filter(key -> !key.endsWith("}:sessions")).collect(toSet());
  }

  private static Map<String, byte[]> dump(Set<String> keys) {
    Map<String, byte[]> dumps = new TreeMap<>();
    for (String key : keys) {
      dumps.put(key, raw.dump(key));
    }
    return dumps;
  }

  @Nested
  @DisplayName("key layout")
  class Layout {

    @Test
    @DisplayName(
        "a full session is the eight documented keys, all under one hash tag and slot, and its name in the index")
    void documentedKeys() {
      fill(open("session=layout"), 100);
      String tag = "{tgsession:layout}";
      assertThat(keys())
          .containsExactlyInAnyOrder(
              tag + ":peers",
              tag + ":info",
              tag + ":usernames",
              tag + ":phones",
              tag + ":self",
              tag + ":dcs",
              "state" + tag,
              "channels" + tag);
      assertThat(raw.zrange("{tgsession}:sessions", 0, -1)).contains("layout");
      assertThat(keys().stream().map(JedisClusterCRC16::getSlot).distinct())
          .containsExactly(JedisClusterCRC16.getSlot(tag));
      assertThat(raw.type(tag + ":peers")).isEqualTo("hash");
      assertThat(raw.type(tag + ":self")).isEqualTo("string");
      assertThat(raw.hlen(tag + ":peers")).isEqualTo(4);
      assertThat(raw.hlen(tag + ":info")).as("the chat knows nothing but its id").isEqualTo(3);
      assertThat(raw.hgetAll("state" + tag))
          .isEqualTo(Map.of("pts", "1", "qts", "2", "date", "3", "seq", "4"));
      assertThat(raw.hgetAll("channels" + tag)).isEqualTo(Map.of("104", "44"));
      assertThat(raw.hget(tag + ":dcs", "home")).isEqualTo("4");
      assertThat(raw.hget(tag + ":dcs", "layout")).isEqualTo(RedisSession.LAYOUT);
    }

    @Test
    @DisplayName(
        "peers are 8-byte hashes and times and compact binary records keyed by the 8-byte dialog id")
    void binaryRecords() {
      Session session = open("session=records");
      byte[] peers = bytes("{tgsession:records}:peers");
      byte[] info = bytes("{tgsession:records}:info");
      byte[] seven = {0, 0, 0, 0, 0, 0, 0, 7};
      byte[] eight = {0, 0, 0, 0, 0, 0, 0, 8};
      session.cachePeer(user(7, 0x0102030405060708L));
      byte[] value = raw.hget(peers, seven);
      assertThat(value).hasSize(8 + 19).startsWith(1, 2, 3, 4, 5, 6, 7, 8);
      assertThat(time(value, 8)).isEqualTo(session.peerCachedAt(PeerId.user(7)).orElseThrow());
      assertThat(raw.hget(info, seven)).as("nothing but the hash is known").isNull();

      session.cachePeer(new PeerInfo.User(7, null, true, null, List.of("ab"), "159"));
      assertThat(raw.hget(peers, seven)).hasSize(8 + 19).startsWith(1, 2, 3, 4, 5, 6, 7, 8);
      assertThat(raw.hget(info, seven))
          .containsExactly(
              PeerRedisCodec.VERSION, 2 | 8 | 16, 1, 0, 1, 2, 'a', 'b', 3, '1', '5', '9');

      session.cachePeer(new PeerInfo.User(8, null, false, null, null, null));
      assertThat(raw.hget(peers, eight)).as("stored, hash unknown: the time alone").hasSize(19);
      assertThat(time(raw.hget(peers, eight), 0))
          .isEqualTo(session.peerCachedAt(PeerId.user(8)).orElseThrow());
      assertThat(raw.hget(info, eight)).containsExactly(PeerRedisCodec.VERSION, 2, 0);
    }

    @Test
    @DisplayName("prefix and session name the hash tag")
    void prefixOption() {
      open("session=bot-7&prefix=farm").cachePeer(user(1, 1));
      assertThat(keys()).containsExactlyInAnyOrder("{farm:bot-7}:peers", "{farm:bot-7}:dcs");
      assertThat(raw.zrange("{farm}:sessions", 0, -1)).containsExactly("bot-7");
    }

    @Test
    @DisplayName("opening the session creates no key; the first write marks the layout")
    void layoutMarkedOnFirstWrite() {
      Session session = open("session=marked");
      session.peer(PeerId.user(1));
      session.peerCount();
      assertThat(keys()).isEmpty();
      session.setUpdateState(new UpdateState.Secondary(5));
      assertThat(raw.hget("{tgsession:marked}:dcs", "layout")).isEqualTo(RedisSession.LAYOUT);
      session.clear();
      assertThat(keys()).isEmpty();
      session.cachePeer(user(1, 1));
      assertThat(raw.hget("{tgsession:marked}:dcs", "layout"))
          .as("marked again after clear()")
          .isEqualTo(RedisSession.LAYOUT);
    }

    @Test
    @DisplayName("clear() leaves no key behind")
    void clearRemovesAll() {
      Session session = open("session=cleared");
      fill(session, 10);
      session.clear();
      assertThat(keys()).isEmpty();
      assertThat(session.snapshot()).isEqualTo(SessionData.empty());
    }
  }

  @Nested
  @DisplayName("named sessions in one database")
  class Isolation {

    @Test
    @DisplayName("never see each other, and clear() of one leaves the other's keys byte for byte")
    void isolated() {
      Session a = open("session=a");
      Session b = open("session=b");
      Session otherPrefix = open("session=a&prefix=other");
      fill(a, 1000);
      fill(b, 2000);
      fill(otherPrefix, 3000);
      assertThat(a.peer(PeerId.user(2001))).isEmpty();
      assertThat(a.peerByUsername("me2000")).isEmpty();
      assertThat(a.peerByPhone("15552000")).isEmpty();
      assertThat(b.peer(PeerId.selfUser()).orElseThrow().peerId()).isEqualTo(PeerId.user(2001));
      assertThat(otherPrefix.peer(PeerId.selfUser()).orElseThrow().peerId())
          .isEqualTo(PeerId.user(3001));
      assertThat(a.peerCount()).isEqualTo(4);

      Set<String> kept =
          keys().stream().filter(key -> !key.contains("{tgsession:a}")).collect(toSet());
      assertThat(kept).hasSize(16);
      Map<String, byte[]> before = dump(kept);
      SessionData bBefore = b.snapshot();

      a.clear();

      assertThat(keys()).isEqualTo(kept);
      Map<String, byte[]> after = dump(kept);
      for (String key : kept) {
        assertThat(after.get(key)).as(key).isEqualTo(before.get(key));
      }
      assertThat(b.snapshot()).isEqualTo(bBefore);
      assertThat(otherPrefix.peerCount()).isEqualTo(4);
    }
  }

  @Nested
  @DisplayName("hot paths")
  class HotPaths {

    private Map<String, Long> calls(Runnable operations) {
      try (Connection connection = raw.getPool().getResource()) {
        new Jedis(connection).configResetStat();
      }
      operations.run();
      Map<String, Long> calls = new HashMap<>();
      for (String line : raw.info("commandstats").split("\r?\n")) {
        if (line.startsWith("cmdstat_")) {
          String name = line.substring("cmdstat_".length(), line.indexOf(':'));
          long count = Long.parseLong(line.replaceAll(".*:calls=(\\d+),.*", "$1"));
          if (!name.equals("info") && !name.startsWith("config")) {
            calls.put(name, count);
          }
        }
      }
      return calls;
    }

    @Test
    @DisplayName(
        "with the peer cache, repeated reads of a peer cost two lookups after a write (the second"
            + " after the write's own invalidation message), then none until the next write")
    void peerCacheSavesRoundTrips() {
      Session session = open("session=cached");
      session.cachePeer(new PeerInfo.User(1, new PeerAuth(1), false, false, null, null));
      Map<String, Long> twoLookups = Map.of("multi", 2L, "hget", 4L, "exec", 2L);
      assertThat(calls(() -> repeat(20, i -> session.peer(PeerId.user(1))))).isEqualTo(twoLookups);
      session.cachePeer(new PeerInfo.User(1, new PeerAuth(2), null, null, null, null));
      assertThat(calls(() -> repeat(20, i -> session.peer(PeerId.user(1))))).isEqualTo(twoLookups);
      assertThat(calls(() -> repeat(20, i -> session.peer(PeerId.user(1))))).isEmpty();
      assertThat(session.peer(PeerId.user(1)).orElseThrow().authOrAmbient())
          .isEqualTo(new PeerAuth(2));
    }

    @Test
    @DisplayName(
        "peer() is one transaction of two HGETs (no script), peerByUsername, peerByPhone and the"
            + " self user one EVALSHA, cachePeer() and cachePeers() of id and hash one HSET, any"
            + " other one EVALSHA, setUpdateState() one HSET")
    void oneCommandEach() {
      Session session = open("session=hot&peer-cache=0");
      session.cachePeer(
          new PeerInfo.User(1, new PeerAuth(1), false, false, List.of("one"), "15550001"));
      session.peerByUsername("one"); // the scripts are now known to the server

      Map<String, Long> reads = calls(() -> repeat(20, i -> session.peer(PeerId.user(1 + i % 2))));
      assertThat(reads).isEqualTo(Map.of("multi", 20L, "hget", 40L, "exec", 20L));

      assertThat(calls(() -> repeat(20, i -> session.cachePeer(user(1 + i % 3, i)))))
          .as("a peer known by id and hash, stored or new: its hash and the time it was cached")
          .isEqualTo(Map.of("hset", 20L));
      assertThat(
              calls(
                  () ->
                      session.cachePeers(
                          java.util.stream.LongStream.rangeClosed(1, 250)
                              .mapToObj(id -> (PeerInfo) user(id, -id))
                              .toList())))
          .as("a batch of them")
          .isEqualTo(Map.of("hset", 1L));
      assertThat(
              calls(
                  () -> repeat(20, i -> session.setUpdateState(new UpdateState.Primary(i, i, i)))))
          .isEqualTo(Map.of("hset", 20L));
      assertThat(
              calls(() -> repeat(20, i -> session.setUpdateState(new UpdateState.Channel(5, i)))))
          .isEqualTo(Map.of("hset", 20L));

      Map<String, Long> caching =
          calls(
              () ->
                  repeat(
                      20,
                      i ->
                          session.cachePeer(
                              new PeerInfo.User(
                                  2 + i, new PeerAuth(i), true, null, List.of("u" + i), null))));
      assertThat(caching).containsEntry("evalsha", 20L);
      assertThat(caching.keySet())
          .as(
              "new users: a transaction first (then none for the next %d calls)",
              RedisRecache.BACKOFF)
          .isSubsetOf("evalsha", "hget", "hmget", "hset", "hdel", "get", "multi", "exec");

      Map<String, Long> batch =
          calls(
              () ->
                  session.cachePeers(List.of(user(100, 1), new PeerInfo.Chat(101), user(102, 1))));
      assertThat(batch).containsEntry("evalsha", 1L);
      assertThat(batch.keySet()).isSubsetOf("evalsha", "hset", "hsetnx", "hget", "hmget");

      Map<String, Long> lookups =
          calls(
              () ->
                  repeat(
                      10,
                      i -> {
                        session.peerByUsername("one");
                        session.peerByPhone("15550001");
                        session.peer(PeerId.selfUser());
                      }));
      assertThat(lookups).containsEntry("evalsha", 30L);
      assertThat(lookups.keySet()).isSubsetOf("evalsha", "hget", "get");
    }

    @Test
    @DisplayName(
        "re-caching known named users with new access hashes is one HSET and one HMGET in the"
            + " script: their records and indexes are left as they are")
    void unchangedClaimsCostNothing() {
      Session session = open("session=reclaim&peer-cache=0");
      List<PeerInfo> users = new ArrayList<>();
      for (long id = 1; id <= 100; id++) {
        users.add(
            new PeerInfo.User(
                id, new PeerAuth(id), id % 20 == 0, null, List.of("n" + id), "1555" + id));
      }
      session.cachePeers(users);
      List<PeerInfo> rehashed =
          users.stream()
              .map(
                  p -> {
                    PeerInfo.User u = (PeerInfo.User) p;
                    return (PeerInfo)
                        new PeerInfo.User(
                            u.id(), new PeerAuth(-u.id()), u.bot(), null, u.usernames(), u.phone());
                  })
              .toList();
      // The first batch was all new: the next calls skip the transaction and run the script.
      for (int i = 0; i < RedisRecache.BACKOFF; i++) {
        assertThat(calls(() -> session.cachePeers(rehashed)))
            .isEqualTo(Map.of("evalsha", 1L, "hset", 1L, "hmget", 1L));
      }
      assertThat(calls(() -> session.cachePeers(rehashed)))
          .as("then one transaction: no script")
          .isEqualTo(Map.of("multi", 1L, "hset", 1L, "hmget", 1L, "exec", 1L));
      assertThat(session.peerByUsername("n40"))
          .contains(new PeerInfo.User(40, new PeerAuth(-40), true, null, List.of("n40"), "155540"));
      assertThat(session.peerByPhone("155541").map(PeerInfo::peerId)).contains(PeerId.user(41));
      assertThat(calls(() -> session.cachePeer(rehashed.get(6))))
          .as("a single user likewise")
          .isEqualTo(Map.of("multi", 1L, "hset", 1L, "hmget", 1L, "exec", 1L));
    }

    @Test
    @DisplayName(
        "re-caching named users some of whose records changed: one transaction for all, then the"
            + " script for the changed ones only, which claim as always")
    void changedRecordsGoThroughTheScript() {
      Session session = open("session=rechange&peer-cache=0");
      List<PeerInfo.User> users = new ArrayList<>();
      for (long id = 1; id <= 10; id++) {
        users.add(new PeerInfo.User(id, new PeerAuth(id), false, null, List.of("c" + id), null));
      }
      users.add(new PeerInfo.User(11, new PeerAuth(11), false, null, List.of("c11"), "15550011"));
      session.cachePeers(List.copyOf(users));
      for (int i = 0; i < RedisRecache.BACKOFF; i++) {
        session.cachePeer(users.get(0)); // past the backoff of the all-new batch
      }
      List<PeerInfo> next = new ArrayList<>();
      for (PeerInfo.User u : users) {
        next.add(
            new PeerInfo.User(
                u.id(), new PeerAuth(100 + u.id()), false, null, u.usernames(), u.phone()));
      }
      // user 2 takes user 3's name, user 4 takes user 11's phone, user 5 becomes a bot
      next.set(1, new PeerInfo.User(2, new PeerAuth(102), false, null, List.of("c3"), null));
      next.set(3, new PeerInfo.User(4, new PeerAuth(104), false, null, List.of("c4"), "15550011"));
      next.set(4, new PeerInfo.User(5, new PeerAuth(105), true, null, List.of("c5"), null));
      next.remove(2); // user 3 is not in the batch
      next.remove(next.size() - 1); // nor user 11
      Map<String, Long> counts = calls(() -> session.cachePeers(next));
      assertThat(counts).containsEntry("multi", 1L).containsEntry("exec", 1L);
      assertThat(counts).containsEntry("evalsha", 1L);
      for (long id = 1; id <= 10; id++) {
        if (id != 3) {
          assertThat(stored(session, id).auth()).isEqualTo(new PeerAuth(100 + id));
        }
      }
      assertThat(session.peerByUsername("c3").map(PeerInfo::peerId)).contains(PeerId.user(2));
      assertThat(stored(session, 3).usernames()).isEmpty();
      assertThat(stored(session, 3).auth()).isEqualTo(new PeerAuth(3));
      assertThat(session.peerByUsername("c2")).isEmpty();
      assertThat(session.peerByPhone("15550011").map(PeerInfo::peerId)).contains(PeerId.user(4));
      assertThat(stored(session, 11).phone()).isNull();
      assertThat(stored(session, 5).bot()).isTrue();
      assertThat(stored(session, 6))
          .isEqualTo(new PeerInfo.User(6, new PeerAuth(106), false, null, List.of("c6"), null));
    }

    @Test
    @DisplayName(
        "a stream of new named users tries the transaction less and less often (after 1, 8, 16,"
            + " 32, then every 64 calls), and re-caching known users again brings it back")
    void newPeersBackOff() {
      Session session = open("session=rebackoff&peer-cache=0");
      session.cachePeer(user(999, 1)); // the layout mark (mark.lua) is behind us
      Map<String, Long> counts =
          calls(
              () ->
                  repeat(
                      130,
                      i ->
                          session.cachePeer(
                              new PeerInfo.User(
                                  1 + i, new PeerAuth(i), false, null, List.of("b" + i), null))));
      assertThat(counts).containsEntry("evalsha", 130L).containsEntry("multi", 5L);
      PeerInfo.User known = new PeerInfo.User(1, new PeerAuth(7), false, null, List.of("b0"), null);
      int scripted = 0;
      while (!calls(() -> session.cachePeer(known)).containsKey("multi")) {
        scripted++;
      }
      assertThat(scripted).isLessThanOrEqualTo(RedisRecache.MAX_BACKOFF);
      assertThat(calls(() -> session.cachePeer(known)))
          .isEqualTo(Map.of("multi", 1L, "hset", 1L, "hmget", 1L, "exec", 1L));
      assertThat(stored(session, 1).auth()).isEqualTo(new PeerAuth(7));
    }

    @Test
    @DisplayName(
        "with a lease, named writes run the fenced script: no transaction (it could not compare"
            + " the token before writing)")
    void leaseKeepsTheScript() {
      Session session = open("session=relessee&peer-cache=0&lease=30");
      PeerInfo.User user = new PeerInfo.User(1, new PeerAuth(1), false, null, List.of("l1"), null);
      for (int i = 0; i <= RedisRecache.BACKOFF; i++) {
        session.cachePeer(user);
      }
      Map<String, Long> counts = calls(() -> session.cachePeer(user));
      assertThat(counts).containsEntry("evalsha", 1L).doesNotContainKey("multi");
    }

    @Test
    @DisplayName("home DC and DC options are served from memory after open")
    void dcsFromMemory() {
      Session session = open("session=dcs");
      session.setHomeDcId(3);
      assertThat(
              calls(
                  () ->
                      repeat(
                          50,
                          i -> {
                            session.homeDcId();
                            session.dcOption(i % 6);
                            session.dcOptions();
                          })))
          .isEmpty();
    }
  }

  @Nested
  @DisplayName("scripts and large data")
  class Scripts {

    @Test
    @DisplayName("a script flushed from the server is sent again, transparently")
    void noScript() {
      Session session = open("session=flush");
      session.cachePeer(user(1, 1));
      raw.scriptFlush();
      session.cachePeer(new PeerInfo.User(1, null, true, null, List.of("again"), null));
      raw.scriptFlush();
      assertThat(session.peerByUsername("again"))
          .contains(new PeerInfo.User(1, new PeerAuth(1), true, null, List.of("again"), null));
      raw.scriptFlush();
      assertThat(session.updatesState()).isEqualTo(UpdatesState.empty());
    }

    @Test
    @DisplayName(
        "a batch larger than one script call is stored whole, claims across calls included")
    void chunkedBatch() {
      Session session = open("session=chunks");
      int count = 2 * RedisSession.PEERS_PER_CALL + 17;
      List<PeerInfo> batch = new ArrayList<>();
      for (int i = 1; i <= count; i++) {
        batch.add(new PeerInfo.User(i, new PeerAuth(i), null, null, List.of("n" + i), null));
      }
      batch.add(new PeerInfo.User(count + 1, new PeerAuth(1), null, null, List.of("n1"), null));
      session.cachePeers(batch);
      assertThat(session.peerCount()).isEqualTo(count + 1);
      assertThat(session.peerByUsername("n1").orElseThrow().peerId())
          .isEqualTo(PeerId.user(count + 1));
      assertThat(session.peer(PeerId.user(1)).orElseThrow().usernames()).isEmpty();
      assertThat(session.peerByUsername("n" + count).orElseThrow().peerId())
          .isEqualTo(PeerId.user(count));
    }

    @Test
    @DisplayName("peers() pages through a large hash and returns each peer once")
    void pagedListing() {
      Session session = open("session=paged");
      int count = 5000;
      List<PeerInfo> batch = new ArrayList<>();
      for (int i = 1; i <= count; i++) {
        batch.add(i % 3 == 0 ? new PeerInfo.Chat(i) : user(i, -i));
      }
      session.cachePeers(batch);
      try (Stream<PeerInfo> peers = session.peers()) {
        Map<PeerId, PeerInfo> listed =
            peers.collect(Collectors.toMap(PeerInfo::peerId, peer -> peer));
        assertThat(listed).hasSize(count);
        assertThat(listed.get(PeerId.user(4))).isEqualTo(user(4, -4));
        assertThat(listed.get(PeerId.chat(3))).isEqualTo(new PeerInfo.Chat(3));
      }
      assertThat(session.snapshot().peers()).hasSize(count);
    }

    @Test
    @DisplayName("an updates state with thousands of channels is replaced whole")
    void manyChannels() {
      Session session = open("session=channels");
      session.setUpdateState(new UpdateState.Channel(999_999, 1));
      List<dev.tgsession.ChannelState> channels = new ArrayList<>();
      for (int i = 1; i <= 2500; i++) {
        channels.add(new dev.tgsession.ChannelState(i, i * 2));
      }
      UpdatesState state = new UpdatesState(10, 20, 30, 40, channels);
      session.setUpdateState(new UpdateState.All(state));
      assertThat(session.updatesState()).isEqualTo(state);
    }
  }

  @Nested
  @DisplayName("concurrent writers")
  class ConcurrentWriters {

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("two instances hammering one peer never lose its hash, usernames or phone")
    void twoInstancesOnePeer() throws Exception {
      Session first = open("session=hammer");
      Session second = open("session=hammer");
      PeerInfo.User original =
          new PeerInfo.User(
              42, new PeerAuth(4242), false, null, List.of("keepme", "andme"), "15554242");
      first.cachePeer(original);
      ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          Session writer = t % 2 == 0 ? first : second;
          Session reader = t % 2 == 0 ? second : first;
          int thread = t;
          futures.add(
              pool.submit(
                  () -> {
                    try {
                      for (int i = 0; i < 150; i++) {
                        writer.cachePeer(user(42, 4242));
                        writer.cachePeer(
                            new PeerInfo.User(42, null, (i + thread) % 2 == 0, null, null, null));
                        writer.cachePeers(
                            List.of(
                                new PeerInfo.User(
                                    1000 + thread, new PeerAuth(i), null, null, List.of(), null),
                                new PeerInfo.User(42, null, null, false, null, null)));
                        PeerInfo.User read =
                            (PeerInfo.User) reader.peer(PeerId.user(42)).orElseThrow();
                        assertThat(read.auth()).isEqualTo(new PeerAuth(4242));
                        assertThat(read.usernames()).containsExactly("keepme", "andme");
                        assertThat(read.phone()).isEqualTo("15554242");
                        assertThat(reader.peerByUsername("andme").orElseThrow().peerId())
                            .isEqualTo(PeerId.user(42));
                      }
                    } catch (Throwable e) {
                      errors.add(e);
                    }
                  }));
        }
        for (Future<?> future : futures) {
          future.get(90, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(errors).isEmpty();
      assertThat(second.peerByPhone("+15554242").orElseThrow().peerId()).isEqualTo(PeerId.user(42));
      assertThat(first.peerCount()).isEqualTo(9);
    }
  }

  @Nested
  @DisplayName("foreign data")
  class ForeignData {

    @Test
    @DisplayName("a peer record of an unknown version is IncompatibleSessionException, not garbage")
    void newerRecord() {
      Session session = open("session=newer");
      byte[] id = {0, 0, 0, 0, 0, 0, 0, 9};
      raw.hset(bytes("{tgsession:newer}:peers"), id, new byte[8]);
      raw.hset(bytes("{tgsession:newer}:info"), id, new byte[] {9, 2, 0});
      assertThatThrownBy(() -> session.peer(PeerId.user(9)))
          .isInstanceOf(IncompatibleSessionException.class)
          .hasMessageContaining("version 9");
      assertThatThrownBy(
              () -> session.cachePeer(new PeerInfo.User(9, null, null, null, List.of("x"), null)))
          .isInstanceOf(IncompatibleSessionException.class)
          .hasMessageContaining("version 9");
      assertThat(raw.hget(bytes("{tgsession:newer}:info"), id)).containsExactly(9, 2, 0);
      assertThat(raw.hget("{tgsession:newer}:usernames", "x")).as("nothing written").isNull();
    }

    @Test
    @DisplayName("an access hash that is not 8 bytes is IncompatibleSessionException")
    void foreignHash() {
      Session session = open("session=foreign");
      byte[] id = {0, 0, 0, 0, 0, 0, 0, 9};
      raw.hset(
          bytes("{tgsession:foreign}:peers"), id, new byte[] {1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 7});
      assertThatThrownBy(() -> session.peer(PeerId.user(9)))
          .isInstanceOf(IncompatibleSessionException.class)
          .hasMessageContaining("8-byte access hash")
          .hasMessageContaining("11 bytes");
    }

    @Test
    @DisplayName("a session in another key layout is refused at open, and left as it was")
    void otherLayout() {
      raw.hset("{tgsession:future}:dcs", "layout", "5");
      raw.hset("{tgsession:future}:peers", "x", "y");
      assertThatThrownBy(() -> open("session=future"))
          .isInstanceOf(IncompatibleSessionException.class)
          .hasMessageContaining("key layout " + RedisSession.LAYOUT)
          .hasMessageContaining("found layout '5'");
      assertThat(raw.hgetAll("{tgsession:future}:dcs")).isEqualTo(Map.of("layout", "5"));
      assertThat(raw.hgetAll("{tgsession:future}:peers")).isEqualTo(Map.of("x", "y"));
    }

    @Test
    @DisplayName("a key of another type under the session's tag is IncompatibleSessionException")
    void wrongType() {
      raw.set("{tgsession:taken}:peers", "somebody else's");
      Session session = open("session=taken");
      assertThatThrownBy(() -> session.cachePeer(user(1, 1)))
          .isInstanceOf(IncompatibleSessionException.class)
          .hasMessageContaining("{tgsession:taken}")
          .hasMessageContaining("'prefix' or 'session'");
      assertThatThrownBy(() -> session.peer(PeerId.user(1)))
          .isInstanceOf(IncompatibleSessionException.class);
    }

    @Test
    @DisplayName(
        "a peer read refused inside its transaction (info of another type) leaves the pooled"
            + " connections in step: the next reads answer their own commands")
    void refusedTransactionKeepsConnectionsInStep() {
      Session session = open("session=instep&peer-cache=0");
      session.cachePeer(user(1, 11));
      raw.set("{tgsession:instep}:info", "somebody else's");
      for (int i = 0; i < 5; i++) {
        assertThatThrownBy(() -> session.peer(PeerId.user(1)))
            .isInstanceOf(IncompatibleSessionException.class)
            .hasMessageContaining("{tgsession:instep}");
      }
      raw.del("{tgsession:instep}:info");
      for (int i = 0; i < 5; i++) {
        session.cachePeer(user(1, 20 + i));
        assertThat(session.peer(PeerId.user(1)).orElseThrow().authOrAmbient())
            .isEqualTo(new PeerAuth(20 + i));
        assertThat(session.peer(PeerId.user(2))).isEmpty();
        assertThat(session.peerCount()).isEqualTo(1);
      }
    }
  }

  private static void repeat(int times, java.util.function.IntConsumer body) {
    for (int i = 0; i < times; i++) {
      body.accept(i);
    }
  }

  private static <T> java.util.stream.Collector<T, ?, Set<T>> toSet() {
    return Collectors.toCollection(java.util.TreeSet::new);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The time stored in a {@code peers} value from {@code offset} (19 digits, epoch nanoseconds).
   */
  private static java.time.Instant time(byte[] value, int offset) {
    String digits = new String(value, offset, 19, StandardCharsets.US_ASCII);
    return java.time.Instant.ofEpochSecond(0, Long.parseLong(digits));
  }
}
