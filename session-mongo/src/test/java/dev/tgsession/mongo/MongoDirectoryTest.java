package dev.tgsession.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.SessionStore;
import dev.tgsession.SessionSummary;
import dev.tgsession.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The directory of a MongoDB store ({@code Sessions.store}), each test under its own prefix. */
@DisplayName("MongoDB: the directory of a store")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MongoDirectoryTest {

  private final String prefix = "dir" + Long.toHexString(System.nanoTime()) + "_";
  private final List<Session> opened = new ArrayList<>();
  private SessionStore store;

  private String storeUri() {
    return MongoTestServer.baseUri()
        + "/"
        + MongoTestServer.DATABASE
        + "?serverSelectionTimeoutMS=3000&collection-prefix="
        + prefix;
  }

  private Session open(String name, String options) {
    Session session =
        Sessions.open(storeUri() + "&session=" + name + (options.isEmpty() ? "" : "&" + options));
    opened.add(session);
    return session;
  }

  private static List<String> names(Stream<SessionSummary> listed) {
    try (listed) {
      return listed.map(SessionSummary::name).toList();
    }
  }

  @BeforeEach
  void openStore() {
    store = Sessions.store(storeUri());
  }

  @AfterEach
  void close() {
    opened.forEach(Session::close);
    store.close();
  }

  @Test
  @DisplayName(
      "a session is listed from its first write, in name order, case-sensitive, by prefix, across"
          + " pages; clear() keeps it listed")
  void listing() {
    Session untouched = open("untouched", "");
    assertThat(untouched.peerCount()).isZero();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < MongoDirectory.PAGE + 50; i++) {
      String name = String.format("bot-%04d", i);
      open(name, "").cachePeer(PeerInfo.User.of(1, 1));
      expected.add(name);
    }
    open("Bot", "").setHomeDcId(4);
    open("bot", "").setUpdateState(new dev.tgsession.UpdateState.Secondary(3));
    assertThat(names(store.list("bot-"))).containsExactlyElementsOf(expected);
    List<String> all = new ArrayList<>(expected);
    all.add("Bot");
    all.add("bot");
    all.sort(String::compareTo);
    assertThat(names(store.list(""))).as("untouched is not listed").containsExactlyElementsOf(all);
    assertThat(names(store.list("B"))).containsExactly("Bot");
    Session cleared = opened.get(1);
    cleared.clear();
    assertThat(store.summary("bot-0000")).isPresent();
    assertThat(store.summary("untouched")).isEmpty();
  }

  @Test
  @DisplayName(
      "a summary is exact: home DC, self user, peer count, last write, lease and fingerprint")
  void summaries(@TempDir Path dir) throws IOException {
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Session session = open("summed", "lease=30&owner=holder-1");
    session.setHomeDcId(4);
    session.cachePeers(
        List.of(
            new PeerInfo.User(77, new PeerAuth(5), false, true, null, null),
            PeerInfo.User.of(78, 1),
            new PeerInfo.Chat(9)));
    SessionSummary summary = store.summary("summed").orElseThrow();
    assertThat(summary.homeDcId()).isEqualTo(4);
    assertThat(summary.selfUserId()).isEqualTo(77L);
    assertThat(summary.peerCount()).isEqualTo(3);
    assertThat(summary.updatedAt()).isBetween(before, Instant.now());
    assertThat(summary.lease()).isEqualTo(session.lease());
    assertThat(summary.encryptionFingerprint()).isNull();

    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Path keyFile = dir.resolve("key");
    Files.writeString(keyFile, HexFormat.of().formatHex(key));
    Session sealed = open("sealed", "encryption-key=file:" + keyFile);
    sealed.setDcOption(
        dev.tgsession.KnownDcs.get(2)
            .orElseThrow()
            .withAuthKey(dev.tgsession.AuthKey.of(new byte[256])));
    SessionSummary sealedSummary = store.summary("sealed").orElseThrow();
    assertThat(sealedSummary.encryptionFingerprint())
        .isEqualTo(sealed.encryption().orElseThrow().fingerprint().orElseThrow());
    assertThat(sealedSummary.homeDcId()).isEqualTo(2);
    assertThat(sealedSummary.selfUserId()).isNull();
    assertThat(sealedSummary.lease()).isEmpty();
  }

  @Test
  @DisplayName(
      "delete removes every document of that session and nothing else, and it stays gone; a leased"
          + " one is refused, forceDelete takes it")
  void deleting() {
    Session kept = open("kept", "");
    kept.cachePeer(new PeerInfo.User(1, new PeerAuth(1), null, null, List.of("keeper"), "123"));
    kept.setUpdateState(new dev.tgsession.UpdateState.Secondary(9));
    Session gone = open("gone", "");
    gone.cachePeer(new PeerInfo.User(1, new PeerAuth(2), null, null, List.of("goner"), "456"));
    gone.setHomeDcId(3);
    try (MongoClient client = MongoClients.create(MongoTestServer.baseUri())) {
      MongoDatabase database = client.getDatabase(MongoTestServer.DATABASE);
      long everything = countAll(database);
      long ofGone = countOf(database, "gone");
      assertThat(ofGone).isGreaterThanOrEqualTo(4);
      assertThat(store.delete("gone")).isTrue();
      assertThat(countOf(database, "gone")).isZero();
      assertThat(countAll(database)).isEqualTo(everything - ofGone);
      assertThat(store.summary("gone")).isEmpty();
      assertThat(store.delete("gone")).isFalse();
      assertThat(names(store.list(""))).containsExactly("kept");
      assertThat(kept.peerByUsername("keeper")).isPresent();
      assertThat(kept.updatesState().qts()).isEqualTo(9);
    }
    Session holder = open("held", "lease=30&owner=holder-2");
    holder.cachePeer(PeerInfo.User.of(1, 1));
    assertThatThrownBy(() -> store.delete("held"))
        .isInstanceOf(SessionLeasedException.class)
        .hasMessageContaining("holder-2");
    assertThat(store.summary("held")).isPresent();
    assertThat(store.forceDelete("held")).isTrue();
    assertThat(store.summary("held")).isEmpty();
  }

  private long countAll(MongoDatabase database) {
    long count = 0;
    for (String collection : List.of("sessions", "peers", "names", "leases")) {
      count += database.getCollection(prefix + collection).countDocuments();
    }
    return count;
  }

  private long countOf(MongoDatabase database, String name) {
    return database.getCollection(prefix + "sessions").countDocuments(Filters.eq("_id", name))
        + database.getCollection(prefix + "peers").countDocuments(Filters.eq("_id.s", name))
        + database.getCollection(prefix + "names").countDocuments(Filters.eq("_id.s", name))
        + database.getCollection(prefix + "leases").countDocuments(Filters.eq("_id", name));
  }

  @Test
  @DisplayName("open(name) is the session of URI?session=name; bad names and session= are refused")
  void openAndBadInput() {
    try (Session viaStore = store.open("a b+c")) {
      viaStore.cachePeer(PeerInfo.User.of(5, 5));
    }
    assertThat(open("a%20b%2Bc", "").peerCount()).isEqualTo(1);
    assertThat(names(store.list(""))).containsExactly("a b+c");
    assertThatThrownBy(() -> store.summary("bad\u0001name"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.delete("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Sessions.store(storeUri() + "&session=x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("session=");
    assertThat(names(store.list(""))).containsExactly("a b+c");
  }
}
