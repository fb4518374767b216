package dev.tgsession.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.spi.TestHooks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 25 item 6: a lease holder paused after its fence check and before its write reaches the
 * server (here: held in the driver's command listener, on its own thread, while its lease runs out
 * and another owner takes over and writes) must write nothing. The old code checked the fence in a
 * separate round trip (or by the local clock) and then wrote unconditionally, so the paused write
 * overwrote the new owner's updates state.
 */
@DisplayName("MongoDB: the lease fence is in the write itself")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MongoFenceTest {

  private final String name = "fence-" + System.nanoTime();
  private final List<Session> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(Session::close);
  }

  private Session leased(String owner, int seconds) {
    Session session =
        Sessions.open(MongoTestServer.sessionUri(name, "lease=" + seconds + "&owner=" + owner));
    opened.add(session);
    return session;
  }

  /**
   * Holds the first command that {@code matches} on its way to the server until {@code release} is
   * counted down; {@code held} is counted down once it is held.
   */
  private static AutoCloseable pauseFirst(
      Predicate<BsonDocument> matches, CountDownLatch held, CountDownLatch release) {
    AtomicBoolean done = new AtomicBoolean();
    return MongoConnections.listenToCommands(
        new CommandListener() {
          @Override
          public void commandStarted(CommandStartedEvent event) {
            if (matches.test(event.getCommand()) && done.compareAndSet(false, true)) {
              held.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        });
  }

  private static void sleepPast(Instant expiry) throws InterruptedException {
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiry).toMillis()) + 700);
  }

  @Test
  @DisplayName(
      "an updates-state write paused past the lease lands nowhere: the new owner's state stays and"
          + " the old holder gets SessionLeaseLostException")
  @SuppressWarnings("try") // the try resources are listener registrations, closed at the end
  void pausedUpdatesStateWrite() throws Exception {
    Session first = leased("owner-a", 2);
    first.setUpdateState(new UpdateState.Secondary(1));
    TestHooks.stopLeaseRenewal(first);
    Instant expiry = first.lease().orElseThrow().expiresAt();
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (AutoCloseable pause =
        pauseFirst(command -> command.toJson().contains("\"updates.qts\": 111"), held, release)) {
      CompletableFuture<Void> paused =
          CompletableFuture.runAsync(() -> first.setUpdateState(new UpdateState.Secondary(111)));
      assertThat(held.await(10, TimeUnit.SECONDS)).as("the old holder's write is held").isTrue();
      sleepPast(expiry);
      Session second = leased("owner-b", 30);
      second.setUpdateState(new UpdateState.Secondary(222));
      release.countDown();
      assertThat(paused)
          .failsWithin(Duration.ofSeconds(20))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause()
          .isInstanceOf(SessionLeaseLostException.class);
      assertThat(second.updatesState().qts()).as("the new owner's qts").isEqualTo(222);
    }
  }

  @Test
  @DisplayName(
      "a peer write paused past the lease lands nowhere, and the old holder gets"
          + " SessionLeaseLostException (a real MongoDB: the emulator does not stop an ordered"
          + " bulkWrite at its first error)")
  @SuppressWarnings("try") // the try resources are listener registrations, closed at the end
  void pausedPeerWrite() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        MongoTestServer.isEmulator(),
        "mongo-java-server 1.47.0 applies the rest of an ordered bulkWrite after a failed"
            + " operation, so the marker check cannot stop a paused peer write there");
    Session first = leased("owner-a", 2);
    first.cachePeer(PeerInfo.User.of(1, 100));
    TestHooks.stopLeaseRenewal(first);
    Instant expiry = first.lease().orElseThrow().expiresAt();
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (AutoCloseable pause =
        pauseFirst(command -> command.toJson().contains("666"), held, release)) {
      CompletableFuture<Void> paused =
          CompletableFuture.runAsync(() -> first.cachePeer(PeerInfo.User.of(1, 666)));
      assertThat(held.await(10, TimeUnit.SECONDS)).as("the old holder's write is held").isTrue();
      sleepPast(expiry);
      Session second = leased("owner-b", 30);
      second.cachePeer(PeerInfo.User.of(2, 222));
      release.countDown();
      assertThat(paused)
          .failsWithin(Duration.ofSeconds(20))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause()
          .isInstanceOf(SessionLeaseLostException.class);
      assertThat(second.peer(PeerId.user(1)).orElseThrow().auth()).isEqualTo(new PeerAuth(100));
    }
  }
}
