package dev.tgsession.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.SessionStore;
import dev.tgsession.Sessions;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The marker's gate ({@link MongoGate}): a leased peer write checks the fence by the marker's
 * {@code _id} alone, and still fails once a higher token raised the fence.
 */
@DisplayName("MongoDB: the lease gate of the peers marker")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MongoGateTest {

  /** Whether a write under {@code token} hits a key the gate of {@code raised} closes. */
  private static boolean refused(long token, long raised) {
    Set<String> closed = new HashSet<>();
    MongoGate.closedBelow(raised).keySet().forEach(key -> closed.add(MongoGate.GATE + "." + key));
    for (String path : MongoGate.writePaths(token).keySet()) {
      if (closed.contains(path.substring(0, path.length() - ".ok".length()))) {
        return true;
      }
    }
    return false;
  }

  @Test
  @DisplayName("a write is refused by the gate of exactly the higher tokens")
  void gateComparesTokens() {
    for (long token = 1; token <= 300; token++) {
      for (long raised = 1; raised <= 300; raised++) {
        assertThat(refused(token, raised))
            .as("token %d, raised %d", token, raised)
            .isEqualTo(token < raised);
      }
    }
    Random random = new Random(27);
    for (int i = 0; i < 20_000; i++) {
      long token = random.nextLong(1, Long.MAX_VALUE >> random.nextInt(62));
      long raised =
          random.nextInt(4) == 0
              ? token + random.nextInt(-2, 3)
              : random.nextLong(1, Long.MAX_VALUE);
      if (raised < 1) {
        continue;
      }
      assertThat(refused(token, raised))
          .as("token %d, raised %d", token, raised)
          .isEqualTo(token < raised);
    }
    assertThat(MongoGate.closedBelow(Long.MAX_VALUE).size()).isLessThanOrEqualTo(2 * 63);
  }

  @Test
  @DisplayName(
      "forceDelete while the holder's lease still runs by its clock: its next peer write is refused"
          + " by the gate and lands nowhere")
  void forceDeleteFencesRunningHolder() {
    String name = "gate-" + System.nanoTime();
    try (SessionStore store =
            Sessions.store(MongoTestServer.baseUri() + "/" + MongoTestServer.DATABASE);
        Session holder = Sessions.open(MongoTestServer.sessionUri(name, "lease=30&owner=a"))) {
      holder.cachePeer(PeerInfo.User.of(1, 100));
      assertThat(store.forceDelete(name)).isTrue();
      assertThatThrownBy(() -> holder.cachePeer(PeerInfo.User.of(1, 666)))
          .isInstanceOf(SessionLeaseLostException.class);
      assertThatThrownBy(
              () -> holder.cachePeers(List.of(PeerInfo.User.of(2, 666), PeerInfo.User.of(3, 1))))
          .isInstanceOf(SessionLeaseLostException.class);
    }
  }

  @Test
  @DisplayName(
      "a marker written before the gate (fence only) gets its gate from the next lease, whose"
          + " writes land; a later raise refuses them")
  void markerWithoutGate() {
    String name = "gate-old-" + System.nanoTime();
    try (MongoClient client = MongoClients.create(MongoTestServer.baseUri())) {
      var database = client.getDatabase(MongoTestServer.DATABASE);
      MongoCollection<Document> peers = database.getCollection("tgsession_peers");
      peers.updateOne(
          Filters.eq("_id", PeerMongoCodec.markValue(name)),
          Updates.set(PeerMongoCodec.FENCE, 3L),
          new UpdateOptions().upsert(true));
      database
          .getCollection("tgsession_leases")
          .insertOne(new Document("_id", name).append("token", 3L).append("owner", null));
      try (Session holder = Sessions.open(MongoTestServer.sessionUri(name, "lease=30&owner=a"))) {
        assertThat(holder.lease().orElseThrow().token()).isEqualTo(4);
        holder.cachePeer(PeerInfo.User.of(1, 100));
        assertThat(holder.peer(PeerId.user(1)).orElseThrow().auth()).isEqualTo(new PeerAuth(100));
        Document marker = peers.find(Filters.eq("_id", PeerMongoCodec.markValue(name))).first();
        assertThat(marker.get(MongoGate.GATE, Document.class))
            .as(marker.toJson())
            .containsKey("L2");
        MongoGate.raise(peers, Filters.eq("_id", PeerMongoCodec.markValue(name)), 5);
        assertThatThrownBy(() -> holder.cachePeer(PeerInfo.User.of(1, 666)))
            .isInstanceOf(SessionLeaseLostException.class);
      }
    }
  }
}
