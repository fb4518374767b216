package dev.tgsession.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 27: a claiming write skips the claims when no stored name changed, and still claims every
 * name that did change (moved from another peer, added, or left pending by a failed claim).
 */
@DisplayName("MongoDB: claims are made exactly when a stored name changes")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MongoClaimsTest {

  private final String name = "claims-" + System.nanoTime();
  private final List<Session> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(Session::close);
  }

  private Session open() {
    Session session = Sessions.open(MongoTestServer.sessionUri(name, ""));
    opened.add(session);
    return session;
  }

  private static PeerInfo.User user(long id, long hash, String phone, String... usernames) {
    return new PeerInfo.User(id, new PeerAuth(hash), false, null, List.of(usernames), phone);
  }

  /** Counts the {@code find} commands on the names collection while {@code body} runs. */
  private static int nameReads(Runnable body) throws Exception {
    AtomicInteger finds = new AtomicInteger();
    try (AutoCloseable listening =
        MongoConnections.listenToCommands(
            new CommandListener() {
              @Override
              public void commandStarted(CommandStartedEvent event) {
                if (event.getCommandName().equals("find")
                    && event.getCommand().getString("find").getValue().endsWith("names")) {
                  finds.incrementAndGet();
                }
              }
            })) {
      body.run();
    }
    return finds.get();
  }

  @Test
  @DisplayName("re-caching a peer with the names it has reads no holder; a changed name is claimed")
  void changedNamesAreClaimed() throws Exception {
    Session session = open();
    session.cachePeer(user(1, 10, "111", "alice"));
    assertThat(nameReads(() -> session.cachePeer(user(1, 11, "111", "alice"))))
        .as("same names: no holder read")
        .isZero();
    assertThat(nameReads(() -> session.cachePeer(user(1, 12, "222", "alice", "alice_2"))))
        .as("a new username and phone: the holders are read")
        .isEqualTo(1);
    assertThat(session.peerByUsername("alice_2")).map(PeerInfo::peerId).contains(PeerId.user(1));
    assertThat(session.peerByPhone("222")).map(PeerInfo::peerId).contains(PeerId.user(1));
    assertThat(session.peerByPhone("111")).isEmpty();
  }

  @Test
  @DisplayName(
      "a username and phone that moved to another peer are claimed back when the first peer names"
          + " them again")
  void movedNamesAreClaimedBack() {
    Session session = open();
    session.cachePeer(user(1, 10, "111", "bob"));
    session.cachePeer(user(2, 20, "111", "bob"));
    assertThat(session.peerByUsername("bob")).map(PeerInfo::peerId).contains(PeerId.user(2));
    assertThat(session.peer(PeerId.user(1)).orElseThrow().usernames()).isEmpty();
    assertThat(((PeerInfo.User) session.peer(PeerId.user(1)).orElseThrow()).phone()).isNull();
    session.cachePeer(user(1, 11, "111", "bob"));
    assertThat(session.peerByUsername("bob")).map(PeerInfo::peerId).contains(PeerId.user(1));
    assertThat(session.peerByPhone("111")).map(PeerInfo::peerId).contains(PeerId.user(1));
    assertThat(session.peer(PeerId.user(2)).orElseThrow().usernames()).isEmpty();
    assertThat(((PeerInfo.User) session.peer(PeerId.user(2)).orElseThrow()).phone()).isNull();
  }

  @Test
  @DisplayName(
      "one changed name in a batch of 100 unchanged peers is claimed (a count that missed it would"
          + " skip the claims)")
  void oneChangeInABatch() {
    Session session = open();
    List<PeerInfo> batch = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      batch.add(user(i, i, null, "name_" + i));
    }
    session.cachePeers(batch);
    List<PeerInfo> again = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      again.add(
          i == 57
              ? user(i, 1000 + i, null, "name_57", "extra_57")
              : user(i, 1000 + i, null, "name_" + i));
    }
    session.cachePeers(again);
    assertThat(session.peerByUsername("extra_57")).map(PeerInfo::peerId).contains(PeerId.user(57));
    assertThat(session.peerByUsername("name_99")).map(PeerInfo::peerId).contains(PeerId.user(99));
  }

  @Test
  @DisplayName("the self flag moves back to a user that claims it again")
  void selfMovesBack() {
    Session session = open();
    session.cachePeer(new PeerInfo.User(1, new PeerAuth(1), false, true, List.of(), null));
    session.cachePeer(new PeerInfo.User(2, new PeerAuth(2), false, true, List.of(), null));
    assertThat(session.peer(PeerId.selfUser())).map(PeerInfo::peerId).contains(PeerId.user(2));
    session.cachePeer(new PeerInfo.User(1, new PeerAuth(3), false, true, List.of(), null));
    assertThat(session.peer(PeerId.selfUser())).map(PeerInfo::peerId).contains(PeerId.user(1));
    assertThat(((PeerInfo.User) session.peer(PeerId.user(2)).orElseThrow()).self()).isFalse();
  }

  @Test
  @DisplayName("a peer left pending by a failed claim claims its unchanged names on its next write")
  void pendingClaimsAreMade() {
    Session session = open();
    session.cachePeer(user(1, 10, null, "carol"));
    session.cachePeer(user(2, 20, null, "dave"));
    try (MongoClient client = MongoClients.create(MongoTestServer.baseUri())) {
      var database = client.getDatabase(MongoTestServer.DATABASE);
      MongoCollection<Document> peers = database.getCollection("tgsession_peers");
      MongoCollection<Document> names = database.getCollection("tgsession_names");
      // what a claim that failed after its merge leaves: peer 2 lists carol, the record says 1
      peers.updateOne(
          Filters.eq("_id", PeerMongoCodec.idValue(name, 2)),
          Updates.combine(
              Updates.set("usernames", List.of("carol")), Updates.set(MongoClaims.PENDING, true)));
      assertThat(names.countDocuments(Filters.eq("p", 1L))).isEqualTo(1);
      session.cachePeer(user(2, 21, null, "carol"));
      assertThat(session.peerByUsername("carol")).map(PeerInfo::peerId).contains(PeerId.user(2));
      assertThat(peers.find(Filters.eq("_id", PeerMongoCodec.idValue(name, 2))).first())
          .doesNotContainKey(MongoClaims.PENDING);
    }
  }
}
