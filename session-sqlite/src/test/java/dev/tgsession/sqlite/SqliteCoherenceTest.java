package dev.tgsession.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With the default options, instance A serves a peer from its cache only while no other connection
 * changed the file: what B wrote, A reads as soon as B's call returned, even a peer A had cached.
 */
@DisplayName("the peer cache stays coherent with other instances and processes")
class SqliteCoherenceTest {

  @TempDir Path dir;

  private String uri(String options) {
    return "sqlite:" + dir.resolve("shared.session") + options;
  }

  private static PeerInfo.User user5(long hash, Boolean bot, Boolean self, List<String> names) {
    return new PeerInfo.User(5, new PeerAuth(hash), bot, self, names, null);
  }

  @ParameterizedTest(name = "options ''{0}''")
  @ValueSource(strings = {"", "?peer-cache=0", "?peer-cache=10&peer-cache-ttl=86400"})
  @DisplayName("A reads the access hash B wrote after A had cached the peer")
  void accessHash(String options) {
    try (Session a = Sessions.open(uri(options));
        Session b = Sessions.open(uri(options))) {
      b.cachePeer(user5(1000, false, null, List.of("x_5")));
      assertThat(a.peer(PeerId.user(5))).map(PeerInfo::auth).contains(new PeerAuth(1000));
      assertThat(a.peer(PeerId.user(5))).map(PeerInfo::auth).contains(new PeerAuth(1000));

      b.cachePeer(new PeerInfo.User(5, new PeerAuth(2000), null, null, null, null));

      assertThat(a.peer(PeerId.user(5)))
          .as("A's read right after B's write")
          .contains(user5(2000, false, null, List.of("x_5")));
    }
  }

  @Test
  @DisplayName("A reads a bot flag B merged, a self user B moved, a username that changed owner")
  void mergedFlagsAndClaims() {
    try (Session a = Sessions.open(uri(""));
        Session b = Sessions.open(uri(""))) {
      b.cachePeer(user5(1000, null, true, List.of("x_5")));
      b.cachePeer(new PeerInfo.User(6, new PeerAuth(6), null, null, List.of("y_6"), null));
      assertThat(a.peer(PeerId.user(5))).isPresent();
      assertThat(a.peer(PeerId.user(6))).isPresent();

      b.cachePeer(new PeerInfo.User(5, null, true, null, null, null));
      assertThat(a.peer(PeerId.user(5))).map(p -> ((PeerInfo.User) p).bot()).contains(true);

      b.cachePeer(new PeerInfo.User(6, null, null, true, List.of("y_6", "x_5"), null));
      assertThat(a.peer(PeerId.user(5)))
          .as("the old self user, which lost the flag and its username")
          .contains(user5(1000, true, false, List.of()));
      assertThat(a.peer(PeerId.selfUser())).map(PeerInfo::peerId).contains(PeerId.user(6));
      assertThat(a.peerByUsername("x_5")).map(PeerInfo::peerId).contains(PeerId.user(6));
    }
  }

  @Test
  @DisplayName("A sees B's clear(), and A's own writes keep A's cache warm")
  void clearAndOwnWrites() {
    try (Session a = Sessions.open(uri(""));
        Session b = Sessions.open(uri(""))) {
      a.cachePeer(user5(1000, null, null, null));
      assertThat(a.peer(PeerId.user(5))).isPresent();
      a.cachePeer(user5(3000, null, null, null));
      assertThat(a.peer(PeerId.user(5))).map(PeerInfo::auth).contains(new PeerAuth(3000));

      b.clear();

      assertThat(a.peer(PeerId.user(5))).isEmpty();
      assertThat(a.peerCount()).isZero();
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  @DisplayName("A reads what another JVM wrote after A had cached the peer")
  void anotherProcess() throws Exception {
    try (Session a = Sessions.open(uri(""))) {
      a.cachePeer(user5(1000, null, null, List.of("x_5")));
      assertThat(a.peer(PeerId.user(5))).map(PeerInfo::auth).contains(new PeerAuth(1000));
      assertThat(a.peer(PeerId.user(5))).map(PeerInfo::auth).contains(new PeerAuth(1000));

      runWriter(uri(""), 2000);

      assertThat(a.peer(PeerId.user(5))).contains(user5(2000, null, null, List.of("x_5")));
      assertThat(a.peer(PeerId.user(7))).map(PeerInfo::auth).contains(new PeerAuth(7));
    }
  }

  private static void runWriter(String uri, long hash) throws Exception {
    Process child =
        ChildJvm.of(PeerWriter.class, uri, Long.toString(hash)).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(output).isZero();
  }

  /** {@code PeerWriter URI HASH}: caches user 5 with that hash and user 7, in a second JVM. */
  static final class PeerWriter {
    private PeerWriter() {}

    public static void main(String[] args) {
      try (Session session = Sessions.open(args[0])) {
        session.cachePeer(
            new PeerInfo.User(5, new PeerAuth(Long.parseLong(args[1])), null, null, null, null));
        session.cachePeer(PeerInfo.User.of(7, 7));
        Optional<PeerInfo> back = session.peer(PeerId.user(5));
        System.out.println("WROTE " + back.map(PeerInfo::auth).orElse(null));
      }
    }
  }
}
