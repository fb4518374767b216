package dev.tgsession.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import dev.tgsession.AuthKey;
import dev.tgsession.ChannelKind;
import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("the MongoDB backend")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MongoSessionTest {

  private static MongoClient client;
  private static MongoDatabase database;

  private final List<Session> opened = new ArrayList<>();

  @BeforeAll
  static void connect() {
    client = MongoClients.create(MongoTestServer.baseUri());
    database = client.getDatabase(MongoTestServer.DATABASE);
  }

  @AfterAll
  static void disconnect() {
    client.close();
  }

  @AfterEach
  void closeSessions() {
    for (Session session : opened) {
      session.clear();
      session.close();
    }
  }

  private static String unique(String name) {
    return name + "-" + System.nanoTime();
  }

  private Session open(String session) {
    return open(session, "");
  }

  private Session open(String session, String options) {
    Session opened = Sessions.open(MongoTestServer.sessionUri(session, options));
    this.opened.add(opened);
    return opened;
  }

  private static MongoCollection<Document> peers() {
    return database.getCollection("tgsession_peers");
  }

  private static MongoCollection<Document> names() {
    return database.getCollection("tgsession_names");
  }

  private static MongoCollection<Document> sessions() {
    return database.getCollection("tgsession_sessions");
  }

  private static Document peerId(String session, PeerId id) {
    return new Document("s", session).append("p", id.botApiDialogId());
  }

  private static DcOption dc(int id, byte fill) throws UnknownHostException {
    byte[] key = new byte[AuthKey.LENGTH];
    java.util.Arrays.fill(key, fill);
    return new DcOption(
        id,
        new InetSocketAddress(InetAddress.getByName("149.154.167.91"), 443),
        new InetSocketAddress(InetAddress.getByName("2001:67c:4e8:f004::a"), 8443),
        AuthKey.of(key));
  }

  @Nested
  @DisplayName("document layout")
  class Layout {

    @Test
    @DisplayName("each peer is its own document keyed by {s: session, p: dialog id}")
    void peerDocuments() {
      String name = unique("layout");
      Session session = open(name);
      session.cachePeer(
          new PeerInfo.User(
              42, new PeerAuth(-5), false, true, List.of("Alice", "alice_2"), "+15550100"));
      session.cachePeer(new PeerInfo.Channel(77, new PeerAuth(9), ChannelKind.GIGAGROUP, null));
      session.cachePeer(new PeerInfo.Chat(5));

      Document user = peers().find(Filters.eq("_id", peerId(name, PeerId.user(42)))).first();
      assertThat(user).isNotNull();
      assertThat(user.get("kind")).isEqualTo("user");
      assertThat(user.get("hash")).isEqualTo(-5L);
      assertThat(user.get("bot")).isEqualTo(false);
      assertThat(user.get("self")).isEqualTo(true);
      assertThat(user.getList("usernames", String.class)).containsExactly("alice", "alice_2");
      assertThat(user.get("phone")).isEqualTo("15550100");
      assertThat(user.get("selfAt")).isInstanceOf(BsonTimestamp.class);
      assertThat(names().find(Filters.eq("_id.s", name)).into(new ArrayList<>()))
          .extracting(
              document -> document.get("_id", Document.class), document -> document.get("p"))
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(
                  new Document("s", name).append("u", "alice"), 42L),
              org.assertj.core.groups.Tuple.tuple(
                  new Document("s", name).append("u", "alice_2"), 42L),
              org.assertj.core.groups.Tuple.tuple(
                  new Document("s", name).append("ph", "15550100"), 42L));

      Document channel = peers().find(Filters.eq("_id", peerId(name, PeerId.channel(77)))).first();
      assertThat(channel).isNotNull();
      assertThat(channel.get("kind")).isEqualTo("channel");
      assertThat(channel.get("channelKind")).isEqualTo("gigagroup");
      assertThat(channel).doesNotContainKey("usernames");

      Document chat = peers().find(Filters.eq("_id", peerId(name, PeerId.chat(5)))).first();
      assertThat(chat).isNotNull();
      assertThat(chat.keySet()).containsExactlyInAnyOrder("_id", "kind", "at");
      assertThat(chat.get("at")).as("when it was cached, in ns").isInstanceOf(Long.class);
      assertThat(peers().countDocuments(Filters.eq("_id.s", name)))
          .as("three peers and the generation's marker")
          .isEqualTo(4);
      assertThat(
              peers()
                  .find(Filters.eq("_id", new Document("s", name).append("p", PeerMongoCodec.MARK)))
                  .first())
          .as("the marker")
          .isNotNull();
    }

    @Test
    @DisplayName("the session document holds home DC, DC options with binary keys and updates")
    void sessionDocument() throws UnknownHostException {
      String name = unique("layout");
      Session session = open(name);
      session.setHomeDcId(4);
      session.setDcOption(dc(4, (byte) 7));
      session.setUpdateState(
          new UpdateState.All(
              new UpdatesState(10, 2, 1_700_000_000, 3, List.of(new ChannelState(123, 77)))));
      session.cachePeer(PeerInfo.User.of(1, 1));

      Document document = sessions().find(Filters.eq("_id", name)).first();
      assertThat(document).isNotNull();
      assertThat(document.keySet())
          .containsExactlyInAnyOrder("_id", "v", "homeDc", "dcs", "updates", "at");
      assertThat(document.get("v")).isEqualTo(1);
      assertThat(document.get("homeDc")).isEqualTo(4);
      Document dc = document.get("dcs", Document.class).get("4", Document.class);
      assertThat(dc.get("ipv4")).isEqualTo("149.154.167.91");
      assertThat(dc.get("ipv6Port")).isEqualTo(8443);
      assertThat(dc.get("authKey", Binary.class).getData()).hasSize(256).containsOnly(7);
      Document updates = document.get("updates", Document.class);
      assertThat(updates.get("pts")).isEqualTo(10);
      assertThat(updates.get("channels", Document.class)).isEqualTo(new Document("123", 77));
    }

    @Test
    @DisplayName(
        "the indexes exist after open: peers by (session, self) and _id only; names by session")
    void indexes() {
      open(unique("indexes"));
      List<Document> indexes = peers().listIndexes().into(new ArrayList<>());
      // every peer write maintains each index: _id serves the writes and lookups by id, the
      // (session, self) index's session prefix the scans of one session
      assertThat(indexes)
          .extracting(index -> index.getString("name"))
          .containsExactlyInAnyOrder("_id_", "session_self");
      Document self =
          indexes.stream().filter(i -> "session_self".equals(i.get("name"))).findFirst().get();
      assertThat(self.get("key", Document.class).keySet()).containsExactly("_id.s", "self");
      assertThat(names().listIndexes().into(new ArrayList<>()))
          .extracting(index -> index.getString("name"))
          .contains("session");
    }

    @Test
    @DisplayName("a merge $sets only the known fields and leaves the others in the document")
    void mergeKeepsUnknownFields() {
      String name = unique("merge");
      Session session = open(name);
      session.cachePeer(new PeerInfo.User(3, new PeerAuth(33), true, null, List.of("c"), "1234"));
      session.cachePeer(new PeerInfo.User(3, null, null, null, null, null));
      session.cachePeer(new PeerInfo.User(3, new PeerAuth(34), null, null, null, null));

      Document user = peers().find(Filters.eq("_id", peerId(name, PeerId.user(3)))).first();
      assertThat(user).isNotNull();
      assertThat(user.get("hash")).isEqualTo(34L);
      assertThat(user.get("bot")).isEqualTo(true);
      assertThat(user.get("phone")).isEqualTo("1234");
      assertThat(user.getList("usernames", String.class)).containsExactly("c");
    }
  }

  @Nested
  @DisplayName("batches that claim no username, phone or self flag")
  class ClaimFreeBatches {

    private List<Document> nameDocuments(String session) {
      return names().find(Filters.eq("_id.s", session)).into(new ArrayList<>());
    }

    @Test
    @DisplayName("merge exactly into what is stored and leave every claim where it was")
    void mergeExactly() {
      String name = unique("claim-free");
      Session session = open(name);
      PeerInfo.User self =
          new PeerInfo.User(1, new PeerAuth(11), false, true, List.of("me"), "15550101");
      PeerInfo.User named =
          new PeerInfo.User(2, new PeerAuth(22), true, false, List.of("bob"), null);
      PeerInfo.Channel channel =
          new PeerInfo.Channel(3, new PeerAuth(33), ChannelKind.MEGAGROUP, List.of("news"));
      session.cachePeers(List.of(self, named, channel));
      List<Document> namesBefore = nameDocuments(name);

      session.cachePeers(
          List.of(
              PeerInfo.User.of(1, 111),
              new PeerInfo.User(2, null, null, null, null, null),
              new PeerInfo.Channel(3, new PeerAuth(333), null, null),
              PeerInfo.User.of(4, 44),
              new PeerInfo.Chat(5),
              PeerInfo.User.of(4, 444)));

      assertThat(session.peer(PeerId.user(1)))
          .contains(
              new PeerInfo.User(1, new PeerAuth(111), false, true, List.of("me"), "15550101"));
      assertThat(session.peer(PeerId.user(2))).contains(named);
      assertThat(session.peer(PeerId.channel(3)))
          .contains(
              new PeerInfo.Channel(3, new PeerAuth(333), ChannelKind.MEGAGROUP, List.of("news")));
      assertThat(session.peer(PeerId.user(4))).contains(PeerInfo.User.of(4, 444));
      assertThat(session.peer(PeerId.chat(5))).contains(new PeerInfo.Chat(5));
      assertThat(session.peerCount()).isEqualTo(5);
      assertThat(session.peerByUsername("me").map(PeerInfo::peerId)).contains(PeerId.user(1));
      assertThat(session.peerByUsername("bob")).contains(named);
      assertThat(session.peerByPhone("+15550101").map(PeerInfo::peerId)).contains(PeerId.user(1));
      assertThat(session.peer(PeerId.selfUser()).map(PeerInfo::peerId)).contains(PeerId.user(1));
      assertThat(nameDocuments(name)).containsExactlyInAnyOrderElementsOf(namesBefore);
      // what the next open reads, not this instance's peer cache
      try (Session reopened = Sessions.open(MongoTestServer.sessionUri(name, "peer-cache=0"))) {
        assertThat(reopened.peer(PeerId.user(2))).contains(named);
        assertThat(reopened.peer(PeerId.user(4))).contains(PeerInfo.User.of(4, 444));
      }
    }

    @Test
    @DisplayName(
        "written from two instances and four threads, with claims in between, lose no"
            + " hash and no component")
    void concurrentWritersLoseNothing() throws Exception {
      String name = unique("claim-free-race");
      Session first = open(name);
      Session second = open(name);
      int peers = 100;
      List<PeerInfo> stored = new ArrayList<>();
      for (int i = 1; i <= peers; i++) {
        stored.add(PeerInfo.User.of(i, -i));
      }
      first.cachePeers(stored);
      ExecutorService pool = Executors.newFixedThreadPool(5);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          Session session = t % 2 == 0 ? first : second;
          int thread = t;
          futures.add(
              pool.submit(
                  () -> {
                    for (int round = 0; round < 10; round++) {
                      List<PeerInfo> batch = new ArrayList<>();
                      for (int i = 1; i <= peers; i++) {
                        // even threads move the hash, odd ones send none but set the bot flag
                        batch.add(
                            thread % 2 == 0
                                ? PeerInfo.User.of(i, thread * 1_000L + i)
                                : new PeerInfo.User(i, null, true, null, null, null));
                      }
                      session.cachePeers(batch);
                    }
                  }));
        }
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 1; i <= peers; i++) {
                    second.cachePeer(
                        new PeerInfo.User(i, null, null, null, List.of("u" + i), null));
                  }
                }));
        for (Future<?> future : futures) {
          future.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      try (Session reader = Sessions.open(MongoTestServer.sessionUri(name, "peer-cache=0"))) {
        for (int i = 1; i <= peers; i++) {
          PeerInfo.User user = (PeerInfo.User) reader.peer(PeerId.user(i)).orElseThrow();
          // the last write of thread 0 or thread 2, never the stored -i nor none
          assertThat(user.auth()).isIn(new PeerAuth(i), new PeerAuth(2_000L + i));
          assertThat(user.bot()).isTrue();
          assertThat(user.usernames()).containsExactly("u" + i);
          assertThat(reader.peerByUsername("u" + i)).contains(user);
        }
        assertThat(reader.peerCount()).isEqualTo(peers);
      }
    }
  }

  @Nested
  @DisplayName("many sessions in one database")
  class Isolation {

    @Test
    @DisplayName("sessions share the collections but never each other's data or claims")
    void sessionsAreIsolated() throws UnknownHostException {
      String nameA = unique("a");
      Session a = open(nameA);
      Session b = open(unique("b"));
      a.setHomeDcId(1);
      b.setHomeDcId(5);
      a.setDcOption(dc(1, (byte) 1));
      a.setUpdateState(new UpdateState.Channel(10, 100));
      b.setUpdateState(new UpdateState.Primary(5, 6, 7));

      PeerInfo.User inA = new PeerInfo.User(1, new PeerAuth(11), false, true, List.of("x"), "111");
      PeerInfo.User inB = new PeerInfo.User(1, new PeerAuth(22), true, false, List.of("y"), "222");
      a.cachePeer(inA);
      b.cachePeer(inB);
      // claims in b (same username, phone, self flag) must not touch a
      PeerInfo.User claimer = new PeerInfo.User(2, null, null, true, List.of("x"), "111");
      b.cachePeer(claimer);

      assertThat(a.peer(PeerId.user(1))).contains(inA);
      assertThat(a.peerByUsername("x")).contains(inA);
      assertThat(a.peerByPhone("111")).contains(inA);
      assertThat(a.peer(PeerId.selfUser())).contains(inA);
      assertThat(b.peerByUsername("x")).contains(claimer);
      assertThat(b.peer(PeerId.selfUser())).contains(claimer);
      assertThat(b.peerByUsername("y")).contains(inB);
      assertThat(a.peerByUsername("y")).isEmpty();
      assertThat(a.peerCount()).isEqualTo(1);
      assertThat(b.peerCount()).isEqualTo(2);
      try (Stream<PeerInfo> peers = a.peers()) {
        assertThat(peers).containsExactly(inA);
      }

      b.clear();
      try (Session reopened = Sessions.open(MongoTestServer.sessionUri(nameA, ""))) {
        assertThat(reopened.homeDcId()).isEqualTo(1);
        assertThat(reopened.dcOption(1)).contains(dc(1, (byte) 1));
        assertThat(reopened.updatesState())
            .isEqualTo(new UpdatesState(0, 0, 0, 0, List.of(new ChannelState(10, 100))));
        assertThat(reopened.peer(PeerId.user(1))).contains(inA);
      }
      assertThat(b.peerCount()).isZero();
      assertThat(b.homeDcId()).isEqualTo(2);
      assertThat(b.updatesState()).isEqualTo(UpdatesState.empty());
    }

    @Test
    @DisplayName("one session name under two collection prefixes is two sessions")
    void prefixesSeparate() {
      String name = unique("prefix");
      Session plain = open(name);
      Session prefixed = open(name, "collection-prefix=other_");
      plain.cachePeer(PeerInfo.User.of(1, 1));
      prefixed.cachePeer(PeerInfo.User.of(1, 2));
      assertThat(plain.peer(PeerId.user(1))).contains(PeerInfo.User.of(1, 1));
      assertThat(prefixed.peer(PeerId.user(1))).contains(PeerInfo.User.of(1, 2));
      assertThat(
              database
                  .getCollection("other_peers")
                  .countDocuments(Filters.ne("_id.p", PeerMongoCodec.MARK)))
          .isEqualTo(1);
    }
  }

  @Nested
  @DisplayName("claims held by two peers at once (what a concurrent writer can leave)")
  class DoubleClaims {

    private void insert(String session, PeerId id, Document fields) {
      Document document = new Document("_id", peerId(session, id)).append("kind", "user");
      document.putAll(fields);
      peers().insertOne(document);
    }

    private void holder(Document nameId, PeerId id) {
      names().insertOne(new Document("_id", nameId).append("p", id.botApiDialogId()));
    }

    @Test
    @DisplayName("a username or phone listed by two peers resolves to its name document's holder")
    void lookupFollowsTheNameDocument() {
      String name = unique("double");
      Session session = open(name);
      insert(
          name, PeerId.user(3), new Document("usernames", List.of("dup")).append("phone", "999"));
      insert(
          name, PeerId.user(5), new Document("usernames", List.of("dup")).append("phone", "999"));
      holder(new Document("s", name).append("u", "dup"), PeerId.user(5));
      holder(new Document("s", name).append("ph", "999"), PeerId.user(3));
      for (int i = 0; i < 3; i++) {
        assertThat(session.peerByUsername("dup")).map(PeerInfo::peerId).contains(PeerId.user(5));
        assertThat(session.peerByPhone("999")).map(PeerInfo::peerId).contains(PeerId.user(3));
      }
    }

    @Test
    @DisplayName("a name document whose holder no longer lists the name finds nobody")
    void staleNameDocument() {
      String name = unique("double");
      Session session = open(name);
      session.cachePeer(new PeerInfo.User(1, null, null, null, List.of("old"), "111"));
      session.cachePeer(new PeerInfo.User(1, null, null, null, List.of("new"), "222"));
      assertThat(session.peerByUsername("old")).isEmpty();
      assertThat(session.peerByPhone("111")).isEmpty();
      assertThat(session.peerByUsername("new")).map(PeerInfo::peerId).contains(PeerId.user(1));
      assertThat(session.peerByPhone("222")).map(PeerInfo::peerId).contains(PeerId.user(1));
      PeerInfo.User claimer = new PeerInfo.User(2, null, null, null, List.of("old"), "111");
      session.cachePeer(claimer);
      assertThat(session.peerByUsername("old")).contains(claimer);
      assertThat(session.peerByPhone("111")).contains(claimer);
      assertThat(session.peer(PeerId.user(1)).orElseThrow())
          .isEqualTo(new PeerInfo.User(1, null, null, null, List.of("new"), "222"));
    }

    @Test
    @DisplayName("the self flag held twice resolves to the latest claim, then the lower dialog id")
    void selfLookupIsDeterministic() {
      String name = unique("double");
      Session session = open(name);
      insert(
          name,
          PeerId.user(1),
          new Document("self", true).append("selfAt", new BsonTimestamp(500, 1)));
      insert(
          name,
          PeerId.user(2),
          new Document("self", true).append("selfAt", new BsonTimestamp(400, 9)));
      assertThat(session.peer(PeerId.selfUser())).map(PeerInfo::peerId).contains(PeerId.user(1));
      insert(
          name,
          PeerId.user(4),
          new Document("self", true).append("selfAt", new BsonTimestamp(600, 0)));
      insert(
          name,
          PeerId.user(3),
          new Document("self", true).append("selfAt", new BsonTimestamp(600, 0)));
      assertThat(session.peer(PeerId.selfUser())).map(PeerInfo::peerId).contains(PeerId.user(3));
    }

    @Test
    @DisplayName("the next claim takes the name from its holder; a stale copy is never found")
    void nextClaimRepairs() {
      String name = unique("double");
      Session session = open(name);
      insert(name, PeerId.user(5), new Document("usernames", List.of("dup", "keep")));
      insert(name, PeerId.user(3), new Document("usernames", List.of("dup")));
      holder(new Document("s", name).append("u", "dup"), PeerId.user(5));
      holder(new Document("s", name).append("u", "keep"), PeerId.user(5));
      PeerInfo.User claimer = new PeerInfo.User(9, null, null, null, List.of("dup"), null);
      session.cachePeer(claimer);
      assertThat(session.peerByUsername("dup")).contains(claimer);
      assertThat(session.peerByUsername("keep")).map(PeerInfo::peerId).contains(PeerId.user(5));
      assertThat(session.peer(PeerId.user(5)).orElseThrow().usernames()).containsExactly("keep");
      // the stale copy of the loser of a race stays in its record until it is re-cached
      assertThat(session.peer(PeerId.user(3)).orElseThrow().usernames()).containsExactly("dup");
      session.cachePeer(new PeerInfo.User(3, null, null, null, List.of(), null));
      assertThat(session.peerByUsername("dup")).contains(claimer);
    }
  }

  @Nested
  @DisplayName("updates state")
  class Updates {

    @Test
    @DisplayName("two instances writing different channels at once lose none")
    void channelUpsertsAreAtomic() throws Exception {
      String name = unique("channels");
      Session first = open(name);
      Session second = open(name);
      first.setUpdateState(new UpdateState.Secondary(9));
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          Session session = t % 2 == 0 ? first : second;
          int thread = t;
          futures.add(
              pool.submit(
                  () -> {
                    for (int i = 1; i <= 25; i++) {
                      session.setUpdateState(new UpdateState.Channel(thread * 100 + i, i));
                      session.setUpdateState(new UpdateState.Primary(i, i, i));
                    }
                  }));
        }
        for (Future<?> future : futures) {
          future.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      UpdatesState state = second.updatesState();
      assertThat(state.channels()).hasSize(100);
      assertThat(state.qts()).isEqualTo(9);
      assertThat(state.pts()).isEqualTo(25);
      assertThat(
              state.channels().stream()
                  .collect(Collectors.toMap(ChannelState::id, ChannelState::pts)))
          .containsEntry(325L, 25)
          .containsEntry(1L, 1);
    }
  }

  @Nested
  @DisplayName("foreign data")
  class ForeignData {

    @Test
    @DisplayName("a session document of a newer layout is refused at open, and left as it was")
    void newerLayout() {
      String name = unique("newer");
      Document document = new Document("_id", name).append("v", 99).append("homeDc", 3);
      sessions().insertOne(document);
      assertThatThrownBy(() -> open(name))
          .isInstanceOf(IncompatibleSessionException.class)
          .hasMessageContaining("version 2 or older")
          .hasMessageContaining("version 99");
      assertThat(sessions().find(Filters.eq("_id", name)).first()).isEqualTo(document);
      sessions().deleteOne(Filters.eq("_id", name));
    }

    @Test
    @DisplayName(
        "a DC address stored as a host name (or anything but an IP literal of its family) is"
            + " refused without a DNS lookup, and nothing is changed")
    void hostNamesAreNotResolved() throws UnknownHostException {
      // 'localhost' always resolves: a loader that looked names up would accept it
      String[][] stored = {
        {"localhost", "2001:67c:4e8:f004::a"},
        {"149.154.167.91", "localhost"},
        {"dc4.telegram.example", "2001:67c:4e8:f004::a"},
        {"2001:67c:4e8:f004::a", "2001:67c:4e8:f004::a"},
        {"149.154.167.91", "149.154.167.91"},
        {"149.154.167.091", "2001:67c:4e8:f004::a"},
        {"149.154.167", "2001:67c:4e8:f004::a"},
        {"149.154.167.91", "[2001:67c:4e8:f004::a]"},
        {"x".repeat(10_000), "2001:67c:4e8:f004::a"},
      };
      for (String[] addresses : stored) {
        String name = unique("hostname");
        Document dc =
            new Document("ipv4", addresses[0])
                .append("ipv4Port", 443)
                .append("ipv6", addresses[1])
                .append("ipv6Port", 443);
        Document document =
            new Document("_id", name)
                .append("v", 1)
                .append("homeDc", 4)
                .append("dcs", new Document("4", dc));
        sessions().insertOne(document);
        Session session = open(name);
        assertThatThrownBy(session::homeDcId)
            .isInstanceOf(IncompatibleSessionException.class)
            .hasMessageContaining(" literal in ")
            .hasMessageContaining("host names are never resolved")
            .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600));
        assertThat(sessions().find(Filters.eq("_id", name)).first()).isEqualTo(document);
      }
      // an IPv4-mapped IPv6 literal is an IPv6 literal, and stays IPv6
      String name = unique("mapped");
      Session session = open(name);
      DcOption mapped =
          new DcOption(
              5,
              new InetSocketAddress(InetAddress.getByName("91.108.56.104"), 443),
              new InetSocketAddress(
                  java.net.Inet6Address.getByAddress(
                      null,
                      new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 91, 108, 56, 104},
                      -1),
                  443),
              null);
      session.setDcOption(mapped);
      assertThat(open(name).dcOption(5)).contains(mapped);
    }

    @Test
    @DisplayName("an unreadable peer document raises IncompatibleSessionException")
    void unreadablePeer() {
      String name = unique("foreign");
      Session session = open(name);
      peers()
          .insertOne(
              new Document("_id", peerId(name, PeerId.user(8)))
                  .append("kind", "user")
                  .append("usernames", "not-a-list"));
      assertThatThrownBy(() -> session.peer(PeerId.user(8)))
          .isInstanceOf(IncompatibleSessionException.class)
          .hasMessageContaining("peer document");
    }
  }

  @Nested
  @DisplayName("connections")
  class Connections {

    @Test
    @DisplayName("sessions on one URI share a client; closing one leaves the other working")
    void sharedClient() {
      String name = unique("shared");
      Session first = Sessions.open(MongoTestServer.sessionUri(name, ""));
      Session second = open(name);
      first.cachePeer(PeerInfo.User.of(1, 1));
      first.close();
      assertThat(second.peer(PeerId.user(1))).contains(PeerInfo.User.of(1, 1));
      try (Session third = Sessions.open(MongoTestServer.sessionUri(name, ""))) {
        assertThat(third.peerCount()).isEqualTo(1);
      }
      assertThat(second.peerCount()).isEqualTo(1);
    }
  }
}
