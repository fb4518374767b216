package dev.tgsession.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rule 9 with a peer cache in the way: instance A reads (and caches) a peer, instance B changes it,
 * A must not serve its old copy.
 */
@DisplayName("PostgreSQL: the peer cache tells the truth (SHARED)")
class CoherenceTest {

  private final List<Session> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(Session::close);
  }

  private Session open(String uri) {
    Session session = Sessions.open(uri);
    opened.add(session);
    return session;
  }

  private static PeerInfo.User user5(long hash) {
    return new PeerInfo.User(5, new PeerAuth(hash), false, null, List.of("x_5"), null);
  }

  /**
   * Instances of one session in one JVM share a pool: B's write invalidates A's cache before B's
   * call returns, so A reads the new value at once. Run with the default options (cache off) and
   * with the cache on.
   */
  @Nested
  @DisplayName("two instances in one process, A reads right after B's call returns")
  class SameProcess {

    @ParameterizedTest(name = "options: {0}")
    @ValueSource(strings = {"peer-cache=0", "peer-cache=1000", "pool-size=2"})
    @DisplayName("a new access hash")
    void accessHash(String options) {
      String uri = PostgresTestServer.uri("coherent-hash-" + options.hashCode(), options);
      Session a = open(uri);
      Session b = open(uri);
      b.cachePeer(user5(1000));
      assertThat(a.peer(PeerId.user(5)).orElseThrow().auth()).isEqualTo(new PeerAuth(1000));
      assertThat(a.peer(PeerId.user(5)).orElseThrow().auth()).isEqualTo(new PeerAuth(1000));
      b.cachePeer(new PeerInfo.User(5, new PeerAuth(2000), null, null, null, null));
      assertThat(a.peer(PeerId.user(5))).contains(user5(2000));
    }

    @ParameterizedTest(name = "options: {0}")
    @ValueSource(strings = {"peer-cache=0", "peer-cache=1000"})
    @DisplayName("a merged bot flag, a moved self user, a username that changed owner, clear()")
    void flagsSelfUsernamesClear(String options) {
      String uri = PostgresTestServer.uri("coherent-rest-" + options.hashCode(), options);
      Session a = open(uri);
      Session b = open(uri);
      b.cachePeer(user5(1000));
      b.cachePeer(new PeerInfo.User(6, new PeerAuth(6), false, true, List.of("six"), null));
      a.peer(PeerId.user(5));
      a.peer(PeerId.user(6));

      b.cachePeer(new PeerInfo.User(5, null, true, null, null, null));
      assertThat(a.peer(PeerId.user(5)).orElseThrow())
          .isEqualTo(new PeerInfo.User(5, new PeerAuth(1000), true, null, List.of("x_5"), null));

      a.peer(PeerId.user(6));
      b.cachePeer(new PeerInfo.User(7, new PeerAuth(7), false, true, List.of("six"), null));
      PeerInfo.User six = (PeerInfo.User) a.peer(PeerId.user(6)).orElseThrow();
      assertThat(six.self()).isFalse();
      assertThat(six.usernames()).isEmpty();
      assertThat(a.peer(PeerId.selfUser()).orElseThrow().peerId()).isEqualTo(PeerId.user(7));
      assertThat(a.peerByUsername("six").orElseThrow().peerId()).isEqualTo(PeerId.user(7));

      a.peer(PeerId.user(5));
      b.clear();
      assertThat(a.peer(PeerId.user(5))).isEmpty();
      assertThat(a.peerCount()).isZero();
    }

    @Test
    @DisplayName("the cache is off by default: a default URI gets no cache")
    void offByDefault() {
      PostgresSession session = (PostgresSession) open(PostgresTestServer.uri("cache-default"));
      assertThat(session.cache()).isNull();
      PostgresSession cached =
          (PostgresSession) open(PostgresTestServer.uri("cache-on", "peer-cache=10"));
      assertThat(cached.cache()).isNotNull();
    }
  }

  /**
   * Instances on different pools stand for different processes (here: a different ApplicationName
   * makes a different target): A hears of B's write only through NOTIFY.
   */
  @Nested
  @DisplayName("two processes: A hears of B's writes through LISTEN/NOTIFY")
  class OtherProcess {

    @Test
    @DisplayName("A's cached copy is dropped once B's notification arrives, within seconds")
    void notifiedInvalidation() throws InterruptedException {
      String name = "coherent-remote";
      PostgresSession a = (PostgresSession) open(PostgresTestServer.uri(name, "peer-cache=1000"));
      Session b = open(PostgresTestServer.uri(name, "ApplicationName=tgsession-other"));
      assertThat(a.pool()).isNotSameAs(((PostgresSession) b).pool());
      awaitListening(a);

      b.cachePeer(user5(1000));
      readUntilCached(a, PeerId.user(5));
      assertThat(a.peer(PeerId.user(5)).orElseThrow().auth()).isEqualTo(new PeerAuth(1000));

      b.cachePeer(new PeerInfo.User(5, new PeerAuth(2000), null, null, null, null));
      assertThat(eventually(() -> a.peer(PeerId.user(5)).orElseThrow().auth(), new PeerAuth(2000)))
          .isEqualTo(new PeerAuth(2000));

      a.peer(PeerId.user(5));
      b.clear();
      assertThat(eventually(() -> a.peer(PeerId.user(5)), Optional.empty())).isEmpty();
    }

    @Test
    @DisplayName("while the LISTEN connection is down nothing is served from the cache")
    void listenerLost() throws Exception {
      String name = "coherent-listener";
      PostgresSession a = (PostgresSession) open(PostgresTestServer.uri(name, "peer-cache=1000"));
      Session b = open(PostgresTestServer.uri(name, "ApplicationName=tgsession-other"));
      awaitListening(a);
      b.cachePeer(user5(1000));
      readUntilCached(a, PeerId.user(5));

      int pid = a.pool().notifications().backendPid();
      try (var connection = PostgresTestServer.connect();
          var statement = connection.prepareStatement("SELECT pg_terminate_backend(?)")) {
        statement.setInt(1, pid);
        statement.execute();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      // -1 also while the dead connection is still being noticed: wait for the new one's pid.
      int now = a.pool().notifications().backendPid();
      while ((now == pid || now == -1) && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(20);
        now = a.pool().notifications().backendPid();
      }
      awaitListening(a);
      assertThat(a.pool().notifications().backendPid()).isNotEqualTo(pid);
      assertThat(a.cache().get(PeerId.user(5))).as("emptied when the listener came back").isNull();
      b.cachePeer(new PeerInfo.User(5, new PeerAuth(2000), null, null, null, null));
      assertThat(eventually(() -> a.peer(PeerId.user(5)).orElseThrow().auth(), new PeerAuth(2000)))
          .isEqualTo(new PeerAuth(2000));
    }

    /**
     * Reads a peer until A caches it: a read that overlapped the arrival of a notification (B's own
     * write's, say) is rightly not cached.
     */
    private static void readUntilCached(PostgresSession session, PeerId id)
        throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      session.peer(id);
      while (session.cache().get(id) == null) {
        assertThat(System.nanoTime()).as("cached within 10 s").isLessThan(deadline);
        TimeUnit.MILLISECONDS.sleep(5);
        session.peer(id);
      }
    }

    private static void awaitListening(PostgresSession session) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!session.pool().notifications().listening()) {
        assertThat(System.nanoTime()).as("LISTEN within 10 s").isLessThan(deadline);
        TimeUnit.MILLISECONDS.sleep(10);
      }
    }

    /** Reads until it reads {@code expected}, for at most 10 s; returns the last value read. */
    private static <V> V eventually(Supplier<V> read, V expected) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      V current = read.get();
      while (!current.equals(expected) && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(5);
        current = read.get();
      }
      return current;
    }
  }
}
