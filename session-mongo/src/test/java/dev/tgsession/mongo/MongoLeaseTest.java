package dev.tgsession.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionLease;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.spi.TestHooks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("leases on MongoDB")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MongoLeaseTest {

  private static MongoClient client;

  private final List<Session> opened = new ArrayList<>();
  private final String name = "lease-" + System.nanoTime();

  @BeforeAll
  static void connect() {
    client = MongoClients.create(MongoTestServer.baseUri());
  }

  @AfterAll
  static void disconnect() {
    client.close();
  }

  @AfterEach
  void closeSessions() {
    opened.forEach(Session::close);
    try (Session session = Sessions.open(MongoTestServer.sessionUri(name, ""))) {
      session.clear();
    }
    leases().deleteOne(Filters.eq("_id", name));
  }

  private static MongoCollection<Document> leases() {
    return client.getDatabase(MongoTestServer.DATABASE).getCollection("tgsession_leases");
  }

  private Session leased(String owner, int seconds) {
    Session session =
        Sessions.open(MongoTestServer.sessionUri(name, "lease=" + seconds + "&owner=" + owner));
    opened.add(session);
    return session;
  }

  private Document leaseDocument() {
    return leases().find(Filters.eq("_id", name)).first();
  }

  @Test
  @DisplayName(
      "the lease is one document: holder, token, the server's renewal stamp and the length; the"
          + " expiry is renewedAt + length")
  void layout() {
    Session session = leased("owner-a", 30);
    SessionLease lease = session.lease().orElseThrow();
    Document document = leaseDocument();
    assertThat(document.keySet())
        .containsExactlyInAnyOrder("_id", "owner", "token", "renewedAt", "lengthMs");
    assertThat(document.getString("owner")).isEqualTo("owner-a");
    assertThat(document.get("token", Number.class).longValue()).isEqualTo(lease.token());
    assertThat(document.get("lengthMs", Number.class).longValue()).isEqualTo(30_000);
    assertThat(lease.expiresAt())
        .isEqualTo(document.getDate("renewedAt").toInstant().plusMillis(30_000));
  }

  @Test
  @DisplayName("a second owner is refused naming the holder and expiry; close() releases at once")
  void exclusiveAndReleasedOnClose() {
    Session first = leased("owner-a", 30);
    Instant expires = first.lease().orElseThrow().expiresAt();
    assertThatThrownBy(() -> leased("owner-b", 30))
        .isInstanceOfSatisfying(
            SessionLeasedException.class,
            e -> {
              assertThat(e.holder()).isEqualTo("owner-a");
              assertThat(e.expiresAt()).isEqualTo(expires);
              assertThat(e.getMessage()).contains("'owner-a'").contains(expires.toString());
            });
    first.close();
    assertThat(leaseDocument().get("owner")).as("released: no holder").isNull();
    Session second = leased("owner-b", 30);
    assertThat(second.lease().orElseThrow().owner()).isEqualTo("owner-b");
  }

  @Test
  @DisplayName(
      "expiry is judged by the server's clock: a holder whose renewal stamp is older than its"
          + " length is taken over at once")
  void expiryByTheServersClock() {
    Session first = leased("owner-a", 30);
    TestHooks.stopLeaseRenewal(first);
    leases()
        .updateOne(
            Filters.eq("_id", name),
            Updates.set("renewedAt", new Date(System.currentTimeMillis() - 31_000)));
    Session second = leased("owner-b", 30);
    assertThat(second.lease().orElseThrow().token())
        .isGreaterThan(first.lease().orElseThrow().token());
  }

  @Test
  @DisplayName(
      "after a takeover the old holder's writes throw SessionLeaseLostException and none lands")
  void fencing() throws InterruptedException {
    Session first = leased("owner-a", 2);
    first.cachePeer(PeerInfo.User.of(1, 100));
    TestHooks.stopLeaseRenewal(first);
    Instant expires = first.lease().orElseThrow().expiresAt();
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), expires).toMillis()) + 700);
    Session second = leased("owner-b", 30);
    assertThatThrownBy(() -> first.cachePeer(PeerInfo.User.of(1, 666)))
        .isInstanceOf(SessionLeaseLostException.class);
    assertThatThrownBy(
            () -> first.cachePeers(List.of(PeerInfo.User.of(2, 666), PeerInfo.User.of(3, 666))))
        .isInstanceOf(SessionLeaseLostException.class);
    assertThatThrownBy(() -> first.setUpdateState(new UpdateState.Secondary(666)))
        .isInstanceOf(SessionLeaseLostException.class);
    assertThatThrownBy(first::clear).isInstanceOf(SessionLeaseLostException.class);
    assertThat(second.peer(PeerId.user(1)).orElseThrow().auth()).isEqualTo(new PeerAuth(100));
    assertThat(second.peer(PeerId.user(2))).isEmpty();
    assertThat(second.updatesState().qts()).isZero();
    first.close();
    assertThat(leaseDocument().getString("owner"))
        .as("the old holder's close() leaves the new lease alone")
        .isEqualTo("owner-b");
  }

  @Test
  @DisplayName("the token survives release and clear(): the next lease gets a higher one")
  void tokenOutlivesReleaseAndClear() {
    Session first = leased("owner-a", 30);
    long token = first.lease().orElseThrow().token();
    first.clear();
    first.close();
    Session second = leased("owner-a", 30);
    assertThat(second.lease().orElseThrow().token()).isEqualTo(token + 1);
  }
}
