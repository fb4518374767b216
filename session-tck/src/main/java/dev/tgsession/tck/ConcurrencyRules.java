package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.UpdateState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The kit's group "concurrency" (rule 10). */
abstract class ConcurrencyRules extends TckGroup {

  ConcurrencyRules(SessionTck kit) {
    super(kit);
  }

  private static final int THREADS = 8;

  private void runAll(List<Runnable> tasks) throws Exception {
    runAll(tasks, Executors.newFixedThreadPool(tasks.size()));
  }

  // Virtual threads exist from JDK 21; the kit is built for 17, so they are looked up by name.
  private static ExecutorService virtualThreads() {
    try {
      return (ExecutorService)
          Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException e) {
      Assumptions.abort(
          "virtual threads need JDK 21 or later; this is " + Runtime.version().feature());
      throw new AssertionError(e);
    }
  }

  private void runAll(List<Runnable> tasks, ExecutorService pool) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Runnable task : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  task.run();
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  @DisplayName("8 threads mixing every operation on one instance lose nothing and throw nothing")
  void mixedOperations() throws Exception {
    mixed(Executors.newFixedThreadPool(THREADS));
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  @DisplayName(
      "8 virtual threads mixing every operation on one instance lose nothing and throw nothing")
  void mixedOperationsOnVirtualThreads() throws Exception {
    mixed(virtualThreads());
  }

  private void mixed(ExecutorService pool) throws Exception {
    Session session = open();
    int perThread = 150;
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    List<Runnable> tasks = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      tasks.add(
          () -> {
            try {
              long base = 1_000_000L * (thread + 1);
              for (int i = 0; i < perThread; i++) {
                long id = base + i;
                if (i % 3 == 0) {
                  session.cachePeers(
                      List.of(
                          user(id, id),
                          new PeerInfo.Chat(id),
                          named(base + 500_000 + i, "n" + id)));
                } else {
                  session.cachePeer(user(id, id));
                }
                session.setUpdateState(new UpdateState.Channel(thread + 1, i + 1));
                session.peer(PeerId.user(base + i / 2)).orElseThrow();
                session.peerByUsername("n" + (base + i - i % 3));
                session.dcOption(2);
                session.homeDcId();
                if (i % 25 == 0) {
                  session.updatesState();
                  session.peerCount();
                  session.setDcOption(dc(100 + thread, i));
                }
              }
            } catch (Throwable e) {
              errors.add(e);
            }
          });
    }
    runAll(tasks, pool);
    assertThat(errors).as("what the threads threw").isEmpty();
    for (int t = 0; t < THREADS; t++) {
      long base = 1_000_000L * (t + 1);
      for (int i = 0; i < perThread; i++) {
        long id = base + i;
        assertThat(stored(session, id).auth()).isEqualTo(new PeerAuth(id));
        if (i % 3 == 0) {
          assertThat(session.peer(PeerId.chat(id))).isPresent();
          assertThat(session.peerByUsername("n" + id).orElseThrow().peerId())
              .isEqualTo(PeerId.user(base + 500_000 + i));
        }
      }
      assertThat(session.dcOption(100 + t).orElseThrow().authKey())
          .isEqualTo(key((perThread - 1) / 25 * 25));
    }
    long users = (long) THREADS * perThread;
    long extras = (long) THREADS * ((perThread + 2) / 3) * 2;
    assertThat(session.peerCount()).isEqualTo(users + extras);
    assertThat(session.updatesState().channels())
        .hasSize(THREADS)
        .allSatisfy(channel -> assertThat(channel.pts()).isEqualTo(perThread));
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  @DisplayName("concurrent caches of one peer with and without its hash never lose the hash")
  void concurrentMergesKeepHash() throws Exception {
    Session session = open();
    session.cachePeer(user(42, 4242));
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    List<Runnable> tasks = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      tasks.add(
          () -> {
            try {
              for (int i = 0; i < 100; i++) {
                session.cachePeer(new PeerInfo.User(42, null, thread % 2 == 0, null, null, null));
                session.cachePeer(user(43 + thread, thread));
                assertThat(stored(session, 42).auth()).isEqualTo(new PeerAuth(4242));
              }
            } catch (Throwable e) {
              errors.add(e);
            }
          });
    }
    runAll(tasks);
    assertThat(errors).isEmpty();
    assertThat(stored(session, 42).auth()).isEqualTo(new PeerAuth(4242));
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  @DisplayName("concurrent claims of one username leave exactly one owner")
  void concurrentClaims() throws Exception {
    Session session = open();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    List<Runnable> tasks = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      long id = 10 + t;
      tasks.add(
          () -> {
            try {
              for (int i = 0; i < 50; i++) {
                session.cachePeer(named(id, "contested", "own" + id));
              }
            } catch (Throwable e) {
              errors.add(e);
            }
          });
    }
    runAll(tasks);
    assertThat(errors).isEmpty();
    PeerId owner = session.peerByUsername("contested").orElseThrow().peerId();
    for (int t = 0; t < THREADS; t++) {
      PeerInfo.User user = stored(session, 10 + t);
      if (user.peerId().equals(owner)) {
        assertThat(user.usernames()).containsExactlyInAnyOrder("contested", "own" + (10 + t));
      } else {
        assertThat(user.usernames()).containsExactly("own" + (10 + t));
      }
    }
  }
}
