package dev.tgsession.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several writers on one file with the default settings: no "database is locked", and every
 * acknowledged write visible afterwards.
 */
@DisplayName("concurrent writers on one file")
class ConcurrencyTest {

  private static final int ROUNDS = 200;

  @TempDir Path dir;

  static void assertAllVisible(Session session, int worker, int written) {
    for (int i = 0; i < written; i++) {
      PeerInfo.User expected = SessionWorker.user(worker, i);
      assertThat(session.peer(expected.peerId()))
          .as("user %d of worker %d", i, worker)
          .contains(expected);
      assertThat(session.peerByUsername("w" + worker + "_" + i))
          .map(PeerInfo::peerId)
          .contains(expected.peerId());
    }
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  @DisplayName("two JVMs and two instances in this one, all creating and writing one new file")
  void twoJvmsAndTwoInstances() throws Exception {
    Path file = dir.resolve("shared.session");
    String uri = "sqlite:" + file;
    Process child =
        ChildJvm.of(SessionWorker.class, uri, "2", Integer.toString(ROUNDS))
            .redirectErrorStream(true)
            .start();
    List<String> childOutput = new ArrayList<>();
    CompletableFuture<Void> childReader =
        CompletableFuture.runAsync(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  synchronized (childOutput) {
                    childOutput.add(line);
                  }
                }
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      // start writing here once the other JVM has opened the file, so the writers overlap
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      while (System.nanoTime() < deadline && child.isAlive()) {
        synchronized (childOutput) {
          if (childOutput.contains("READY")) {
            break;
          }
        }
        Thread.sleep(10);
      }
      Future<Integer> first =
          threads.submit(
              () -> {
                try (Session session = Sessions.open(uri)) {
                  return SessionWorker.run(session, 1, ROUNDS);
                }
              });
      Future<Integer> third =
          threads.submit(
              () -> {
                try (Session session = Sessions.open(uri)) {
                  return SessionWorker.run(session, 3, ROUNDS);
                }
              });
      int writtenByFirst = first.get(3, TimeUnit.MINUTES);
      int writtenByThird = third.get(3, TimeUnit.MINUTES);
      assertThat(child.waitFor(3, TimeUnit.MINUTES)).as("the second JVM finished").isTrue();
      childReader.get(10, TimeUnit.SECONDS);
      assertThat(child.exitValue()).as("second JVM exit code, output: %s", childOutput).isZero();
      String done =
          childOutput.stream().filter(l -> l.startsWith("DONE ")).findFirst().orElseThrow();
      int writtenByChild = Integer.parseInt(done.substring(5));

      try (Session session = Sessions.open(uri)) {
        assertAllVisible(session, 1, writtenByFirst);
        assertAllVisible(session, 2, writtenByChild);
        assertAllVisible(session, 3, writtenByThird);
        assertThat(session.peerCount())
            .isEqualTo(writtenByFirst + writtenByChild + writtenByThird + 1L);
        assertThat(session.peer(PeerId.user(SessionWorker.SHARED_PEER))).isPresent();
        assertThat(session.updatesState().channels()).hasSize(60);
      }
    } finally {
      threads.shutdownNow();
      child.destroyForcibly();
    }
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  @DisplayName("one instance shared by eight threads loses nothing")
  void oneInstanceManyThreads() throws Exception {
    Path file = dir.resolve("threads.session");
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try (Session session = Sessions.open("sqlite:" + file)) {
      List<Future<Integer>> workers = new ArrayList<>();
      for (int worker = 1; worker <= 8; worker++) {
        int id = worker;
        workers.add(threads.submit(() -> SessionWorker.run(session, id, ROUNDS / 4)));
      }
      long total = 0;
      for (int worker = 1; worker <= 8; worker++) {
        int written = workers.get(worker - 1).get(90, TimeUnit.SECONDS);
        assertAllVisible(session, worker, written);
        total += written;
      }
      assertThat(session.peerCount()).isEqualTo(total + 1);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  @DisplayName("a write waits for another process's write transaction within busy-timeout")
  void waitsForWriterWithinBusyTimeout() throws Exception {
    Path file = dir.resolve("busy.session");
    Sessions.open("sqlite:" + file).close();
    try (Session session = Sessions.open("sqlite:" + file);
        java.sql.Connection other = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
        java.sql.Statement statement = other.createStatement()) {
      statement.execute("BEGIN IMMEDIATE");
      statement.execute("INSERT INTO channel_state VALUES (5, 50)");
      CompletableFuture<Void> release =
          CompletableFuture.runAsync(
              () -> {
                try {
                  Thread.sleep(300);
                  statement.execute("COMMIT");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });

      session.cachePeers(List.of(PeerInfo.User.of(1, 1), PeerInfo.User.of(2, 2)));
      session.setUpdateState(new dev.tgsession.UpdateState.Channel(6, 60));

      release.get(30, TimeUnit.SECONDS);
      assertThat(session.peerCount()).isEqualTo(2);
      assertThat(session.updatesState().channels())
          .containsExactly(
              new dev.tgsession.ChannelState(5, 50), new dev.tgsession.ChannelState(6, 60));
    }
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  @DisplayName("past busy-timeout a write fails with SessionLockedException and changes nothing")
  void lockedPastBusyTimeout() throws Exception {
    Path file = dir.resolve("locked.session");
    try (Session session = Sessions.open("sqlite:" + file + "?busy-timeout=50");
        java.sql.Connection other = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
        java.sql.Statement statement = other.createStatement()) {
      statement.execute("BEGIN IMMEDIATE");
      try {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> session.cachePeers(List.of(PeerInfo.User.of(1, 1), PeerInfo.User.of(2, 2))))
            .isInstanceOf(dev.tgsession.SessionLockedException.class)
            .hasMessageContaining("busy-timeout=50");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> session.setUpdateState(new dev.tgsession.UpdateState.Primary(1, 2, 3)))
            .isInstanceOf(dev.tgsession.SessionLockedException.class);
      } finally {
        statement.execute("ROLLBACK");
      }
      assertThat(session.peerCount()).isZero();
      session.cachePeer(PeerInfo.User.of(3, 3));
      assertThat(session.peerCount()).isOne();
    }
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  @DisplayName("instances opening one new file at the same moment all open it and migrate it once")
  void concurrentCreation() throws Exception {
    // The race (all converting a new file to WAL at once) is lost by a few percent of rounds when
    // it is not handled, so enough rounds make a regression all but certain to show. The other
    // race (an unlocked inspection reading a file torn by a creator's checkpoint) is rarer: under
    // load, -Drounds=1200 showed it on the code before readSettled, where 150 rounds seldom do.
    int rounds = Integer.getInteger("rounds", 150);
    int openers = 4;
    ExecutorService threads = Executors.newFixedThreadPool(openers);
    try {
      for (int round = 0; round < rounds; round++) {
        Path file = dir.resolve("new-" + round + ".session");
        createAtOnce(file, openers, threads);
        try (java.sql.Connection raw = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
            java.sql.Statement statement = raw.createStatement();
            java.sql.ResultSet rows =
                statement.executeQuery("SELECT version FROM tgsession_schema")) {
          assertThat(rows.next()).isTrue();
          assertThat(rows.getInt(1)).isEqualTo(Schema.CURRENT_VERSION);
          assertThat(rows.next()).as("one schema row in round %d", round).isFalse();
        }
        try (Session session = Sessions.open("sqlite:" + file)) {
          assertThat(session.peerCount()).as("peers in round %d", round).isEqualTo(openers);
        }
      }
    } finally {
      threads.shutdownNow();
    }
  }

  private static void createAtOnce(Path file, int openers, ExecutorService threads)
      throws Exception {
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(openers);
    List<Future<Long>> opened = new ArrayList<>();
    for (int i = 1; i <= openers; i++) {
      long id = i;
      opened.add(
          threads.submit(
              () -> {
                start.await(30, TimeUnit.SECONDS);
                try (Session session = Sessions.open("sqlite:" + file)) {
                  session.cachePeer(PeerInfo.User.of(id, id));
                  return session.peerCount();
                }
              }));
    }
    for (Future<Long> count : opened) {
      assertThat(count.get(50, TimeUnit.SECONDS)).isPositive();
    }
  }
}
