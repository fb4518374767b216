package dev.tgsession.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionStorageException;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.tck.server.RedisServerProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server goes away under a writer and comes back: failures are clear, nothing acked is lost.
 */
@DisplayName("Redis faults")
class RedisFaultTest {

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  @DisplayName(
      "a server killed mid-stream fails calls clearly; after restart the same session"
          + " resumes with every acknowledged write")
  void killAndRestart() throws Exception {
    try (RedisServerProcess server =
        RedisServerProcess.start("--appendonly", "yes", "--appendfsync", "always")) {
      Session session = Sessions.open(server.uri() + "?session=fault&timeout=1000");
      session.setHomeDcId(3);
      ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
      AtomicInteger ackedPts = new AtomicInteger();
      AtomicReference<SessionStorageException> failure = new AtomicReference<>();
      CountDownLatch enough = new CountDownLatch(300);
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                // Bounded: stops at the first failure, or after 200000 writes at the latest.
                for (long id = 1; id <= 200_000; id++) {
                  try {
                    if (id % 10 == 0) {
                      session.cachePeers(List.of(PeerInfo.User.of(id, id), new PeerInfo.Chat(id)));
                    } else {
                      session.cachePeer(PeerInfo.User.of(id, id));
                    }
                    acked.add(id);
                    session.setUpdateState(new UpdateState.Primary((int) id, 1, 1));
                    ackedPts.set((int) id);
                    enough.countDown();
                  } catch (SessionStorageException e) {
                    failure.set(e);
                    return;
                  }
                }
              });
      assertThat(enough.await(60, TimeUnit.SECONDS)).as("300 writes before the kill").isTrue();
      server.kill();
      writer.get(60, TimeUnit.SECONDS);

      SessionStorageException e = failure.get();
      assertThat(e).as("the writer saw the server go").isNotNull();
      assertThat(e.getMessage())
          .contains("127.0.0.1:" + server.port())
          .containsAnyOf("cache peer", "cache 2 peers", "write pts, date and seq")
          .contains("session=fault");
      assertThatThrownBy(() -> session.peer(PeerId.user(1)))
          .isInstanceOf(SessionStorageException.class)
          .hasMessageContaining("127.0.0.1:" + server.port())
          .hasMessageContaining("read peer 1");
      assertThatThrownBy(session::updatesState).isInstanceOf(SessionStorageException.class);
      assertThat(session.homeDcId()).as("served from memory while the server is down").isEqualTo(3);

      server.restart();

      assertThat(session.peerCount()).isGreaterThanOrEqualTo(acked.size());
      List<Long> missing = new ArrayList<>();
      for (long id : acked) {
        if (!session
            .peer(PeerId.user(id))
            .map(p -> p.authOrAmbient().accessHash() == id)
            .orElse(false)) {
          missing.add(id);
        }
        if (id % 10 == 0 && session.peer(PeerId.chat(id)).isEmpty()) {
          missing.add(-id);
        }
      }
      assertThat(missing).as("acknowledged writes missing after the restart").isEmpty();
      assertThat(session.updatesState().pts()).isGreaterThanOrEqualTo(ackedPts.get());

      session.cachePeer(new PeerInfo.User(1, null, true, null, List.of("back"), null));
      assertThat(session.peerByUsername("back"))
          .contains(new PeerInfo.User(1, new PeerAuth(1), true, null, List.of("back"), null));
      session.close();
    }
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  @DisplayName("a wrong password fails with the host and a hint, never the password")
  void wrongPassword() {
    String secret = "s3cr3t-Pa55w0rd";
    String wrong = "wr0ng-Pa55w0rd";
    try (RedisServerProcess server = RedisServerProcess.start("--requirepass", secret)) {
      String base = "redis://:%s@127.0.0.1:" + server.port() + "/0?session=pw";
      assertThatThrownBy(() -> Sessions.open(base.formatted(wrong)))
          .isInstanceOf(SessionStorageException.class)
          .hasMessageContaining("127.0.0.1:" + server.port())
          .hasMessageContaining("check the user and password")
          .satisfies(thrown -> assertThat(everything(thrown)).doesNotContain(wrong));
      assertThatThrownBy(
              () ->
                  Sessions.open("redis://default:" + wrong + "@127.0.0.1:" + server.port() + "/0"))
          .isInstanceOf(SessionStorageException.class)
          .satisfies(thrown -> assertThat(everything(thrown)).doesNotContain(wrong));

      Session session = Sessions.open(base.formatted(secret));
      session.cachePeer(PeerInfo.User.of(1, 1));
      assertThat(session.toString()).doesNotContain(secret).contains("127.0.0.1");
      server.kill();
      assertThatThrownBy(() -> session.cachePeer(PeerInfo.User.of(2, 2)))
          .isInstanceOf(SessionStorageException.class)
          .satisfies(thrown -> assertThat(everything(thrown)).doesNotContain(secret));
      server.restart(); // without persistence: empty, but the same session works again
      session.cachePeer(PeerInfo.User.of(2, 2));
      assertThat(session.peer(PeerId.user(2))).contains(PeerInfo.User.of(2, 2));
      session.close();
    }
  }

  @Test
  @DisplayName("a server that is not there fails open() with the host and port")
  void nothingListening() {
    int port;
    try (RedisServerProcess server = RedisServerProcess.start()) {
      port = server.port();
    }
    assertThatThrownBy(() -> Sessions.open("redis://127.0.0.1:" + port + "/0?timeout=500"))
        .isInstanceOf(SessionStorageException.class)
        .hasMessageContaining("Redis at 127.0.0.1:" + port)
        .hasMessageContaining("running and reachable");
  }

  /** The exception's messages and stack trace, causes included, as a log would show them. */
  private static String everything(Throwable thrown) {
    StringWriter out = new StringWriter();
    thrown.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
