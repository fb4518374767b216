package dev.tgsession.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.Sessions;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.SessionImport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 25 item 7: a replace (import, copy) is all-or-nothing to every reader. Observed at the one
 * write that switches generations: just before it, another instance still sees the whole old
 * session; after it, the whole new one; a replace whose switch fails leaves the old session and no
 * staged document.
 */
@DisplayName("MongoDB: a replace is all-or-nothing to readers")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MongoReplaceTest {

  private static final int PEERS = 2_500;

  private final String name = "replace-" + System.nanoTime();
  private final List<Session> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(Session::close);
  }

  private Session open(String options) {
    Session session = Sessions.open(MongoTestServer.sessionUri(name, options));
    opened.add(session);
    return session;
  }

  private static DcOption dc2(byte fill) {
    byte[] key = new byte[AuthKey.LENGTH];
    Arrays.fill(key, fill);
    return KnownDcs.get(2).orElseThrow().withAuthKey(AuthKey.of(key));
  }

  /** 2,500 users (more than one staging batch) with hash {@code hash}, ids from {@code first}. */
  private static SessionData data(long first, long hash, byte key) {
    Map<PeerId, PeerInfo> peers = new LinkedHashMap<>();
    for (long id = first; id < first + PEERS; id++) {
      PeerInfo.User user =
          new PeerInfo.User(id, new PeerAuth(hash), null, null, List.of("u" + id), null);
      peers.put(user.peerId(), user);
    }
    return new SessionData(
        2, Map.of(2, dc2(key)), peers, new UpdatesState((int) hash, 0, 0, 0, List.of()));
  }

  /** Runs {@code action} on the thread about to send the switch (the write that sets gen). */
  private static AutoCloseable atSwitch(Consumer<CommandStartedEvent> action) {
    return atFirst(
        event ->
            "update".equals(event.getCommandName())
                && event.getCommand().toJson().contains("\"gen\":"),
        action);
  }

  /** Runs {@code action} on the thread about to send the first command that {@code matches}. */
  private static AutoCloseable atFirst(
      java.util.function.Predicate<CommandStartedEvent> matches,
      Consumer<CommandStartedEvent> action) {
    AtomicBoolean done = new AtomicBoolean();
    return MongoConnections.listenToCommands(
        new CommandListener() {
          @Override
          public void commandStarted(CommandStartedEvent event) {
            if (matches.test(event) && done.compareAndSet(false, true)) {
              action.accept(event);
            }
          }
        });
  }

  private static void assertWhole(Session reader, long first, long hash, byte key) {
    assertThat(reader.peerCount()).isEqualTo(PEERS);
    assertThat(reader.peer(PeerId.user(first)).orElseThrow().auth()).isEqualTo(new PeerAuth(hash));
    assertThat(reader.peer(PeerId.user(first + PEERS - 1))).isPresent();
    assertThat(reader.peerByUsername("u" + first)).isPresent();
    assertThat(reader.updatesState().pts()).isEqualTo((int) hash);
    assertThat(reader.dcOption(2).orElseThrow().authKey()).isEqualTo(dc2(key).authKey());
  }

  @Test
  @DisplayName(
      "right before the switch a reader sees the whole old session; right after, the whole new one,"
          + " also through an instance opened before")
  @SuppressWarnings("try") // the try resources are listener registrations, closed at the end
  void switchIsOneStep() throws Exception {
    Session target = open("");
    SessionImport.replace(target, data(1, 11, (byte) 1));
    Session before = open("");
    assertWhole(before, 1, 11, (byte) 1);
    AtomicReference<Throwable> seen = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicInteger looked =
        new java.util.concurrent.atomic.AtomicInteger();
    Consumer<CommandStartedEvent> readerSeesOld =
        event -> {
          looked.incrementAndGet();
          try (Session reader = Sessions.open(MongoTestServer.sessionUri(name, ""))) {
            assertWhole(reader, 1, 11, (byte) 1);
            assertThat(reader.peer(PeerId.user(10_001))).as("a staged peer").isEmpty();
          } catch (Throwable t) {
            seen.compareAndSet(null, t);
          }
        };
    try (AutoCloseable midway =
            atFirst(
                event ->
                    !"find".equals(event.getCommandName())
                        && event.getCommand().toJson().contains("u12000"),
                readerSeesOld);
        AutoCloseable hook = atSwitch(readerSeesOld)) {
      SessionImport.replace(target, data(10_001, 22, (byte) 2));
    }
    assertThat(seen.get()).as("what a reader saw before the switch").isNull();
    assertThat(looked.get()).as("a reader looked midway and at the switch").isEqualTo(2);
    try (Session after = Sessions.open(MongoTestServer.sessionUri(name, ""))) {
      assertWhole(after, 10_001, 22, (byte) 2);
      assertThat(after.peer(PeerId.user(1))).isEmpty();
    }
    assertThat(before.peer(PeerId.user(10_001)))
        .as("an instance opened before reads the new generation")
        .isPresent();
    assertThat(before.peer(PeerId.user(1))).isEmpty();
    assertThat(before.peerByUsername("u10001")).isPresent();
    before.cachePeer(PeerInfo.User.of(99_999, 7));
    assertThat(target.peer(PeerId.user(99_999))).as("its writes go to the new one too").isPresent();
    try (MongoClient client = MongoClients.create(MongoTestServer.baseUri())) {
      MongoDatabase database = client.getDatabase(MongoTestServer.DATABASE);
      assertThat(
              database.getCollection("tgsession_peers").countDocuments(Filters.eq("_id.s", name)))
          .as("the first generation's documents (its retired marker stays)")
          .isLessThanOrEqualTo(1);
    }
  }

  @Test
  @DisplayName(
      "a replace whose switch is refused (the lease was taken over) leaves the old session and no"
          + " staged document")
  @SuppressWarnings("try") // the try resources are listener registrations, closed at the end
  void refusedSwitchLeavesOld() throws Exception {
    Session target = open("lease=30&owner=copier");
    SessionImport.replace(target, data(1, 11, (byte) 1));
    try (MongoClient client = MongoClients.create(MongoTestServer.baseUri());
        AutoCloseable hook =
            atSwitch(
                event ->
                    client
                        .getDatabase(MongoTestServer.DATABASE)
                        .getCollection("tgsession_sessions")
                        .updateOne(
                            Filters.eq("_id", name), Updates.set("fence", Long.MAX_VALUE)))) {
      assertThatThrownBy(() -> SessionImport.replace(target, data(10_001, 22, (byte) 2)))
          .isInstanceOf(SessionLeaseLostException.class);
      MongoDatabase database = client.getDatabase(MongoTestServer.DATABASE);
      String current =
          name
              + '\u0000'
              + database
                  .getCollection("tgsession_sessions")
                  .find(Filters.eq("_id", name))
                  .first()
                  .getString("gen");
      assertThat(
              database
                  .getCollection("tgsession_peers")
                  .countDocuments(
                      Filters.and(
                          MongoReplace.generations("_id.s", name), Filters.ne("_id.s", current))))
          .as("staged peers left")
          .isZero();
      assertThat(
              database
                  .getCollection("tgsession_names")
                  .countDocuments(
                      Filters.and(
                          MongoReplace.generations("_id.s", name), Filters.ne("_id.s", current))))
          .as("staged names left")
          .isZero();
    }
    try (Session reader = Sessions.open(MongoTestServer.sessionUri(name, ""))) {
      assertWhole(reader, 1, 11, (byte) 1);
    }
  }
}
