package dev.tgsession.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch takes the stored rows of peers it wrote before from what it remembers ({@link
 * StoredPeers}) only while nothing else changed them: each test writes the same peers twice (so
 * they are remembered), changes one of them in another way, then writes the batch again, whose
 * names and hashes must win.
 */
@DisplayName("a batch's remembered stored rows")
class StoredPeersTest {

  @TempDir Path dir;

  private static List<PeerInfo> users(long hashBase) {
    List<PeerInfo> users = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      users.add(
          new PeerInfo.User(
              i,
              new PeerAuth(hashBase + i),
              i % 20 == 0,
              null,
              List.of("name_" + i),
              i % 10 == 0 ? "1555000" + i : null));
    }
    return users;
  }

  private static PeerInfo renamed(long id, String name) {
    return new PeerInfo.User(id, new PeerAuth(4242), null, null, List.of(name), null);
  }

  private String uri(String name) {
    return "sqlite:" + dir.resolve(name);
  }

  private static void assertHoldsTheBatch(Session session, long hashBase) {
    assertThat(session.peerByUsername("name_7"))
        .contains(
            new PeerInfo.User(7, new PeerAuth(hashBase + 7), false, null, List.of("name_7"), null));
    assertThat(session.peerByUsername("name_10").map(PeerInfo::peerId)).contains(PeerId.user(10));
    assertThat(session.peerByPhone("155500010").map(PeerInfo::peerId)).contains(PeerId.user(10));
  }

  @Test
  @DisplayName("another instance's rename of a remembered peer is seen by the next batch")
  void anotherInstance() {
    String uri = uri("instances.session");
    try (Session ours = Sessions.open(uri);
        Session other = Sessions.open(uri)) {
      ours.cachePeers(users(1000));
      ours.cachePeers(users(2000));
      other.cachePeers(List.of(renamed(7, "renamed_7"), renamed(99, "name_10")));

      ours.cachePeers(users(3000));

      assertHoldsTheBatch(ours, 3000);
      assertHoldsTheBatch(other, 3000);
      assertThat(other.peerByUsername("renamed_7")).isEmpty();
    }
  }

  @Test
  @DisplayName("another process's rename of a remembered peer is seen by the next batch")
  void anotherProcess() throws Exception {
    String uri = uri("processes.session");
    try (Session ours = Sessions.open(uri)) {
      ours.cachePeers(users(1000));
      ours.cachePeers(users(2000));
      Process child =
          ChildJvm.of(Renamer.class, uri, "7", "renamed_7").redirectErrorStream(true).start();
      String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).as(output).isZero();

      ours.cachePeers(users(2000)); // the same hashes: only the names differ from the file

      assertHoldsTheBatch(ours, 2000);
      try (Session fresh = Sessions.open(uri)) {
        assertHoldsTheBatch(fresh, 2000);
        assertThat(fresh.peerByUsername("renamed_7")).isEmpty();
      }
    }
  }

  @Test
  @DisplayName("our own single write, claim, prune or clear is not hidden by a remembered row")
  void ownWrites() throws InterruptedException {
    try (Session session = Sessions.open(uri("own.session"))) {
      session.cachePeers(users(1000));
      session.cachePeers(users(1000));
      session.cachePeer(PeerInfo.User.of(7, 777)); // one statement, in autocommit
      session.cachePeers(users(1000));
      assertHoldsTheBatch(session, 1000);

      session.cachePeers(users(1000));
      session.cachePeers(List.of(renamed(99, "name_7"))); // takes name_7 from user 7
      session.cachePeers(users(1000));
      assertHoldsTheBatch(session, 1000);

      session.cachePeers(users(1000));
      Thread.sleep(5);
      assertThat(session.prunePeers(Instant.now())).isEqualTo(31);
      session.cachePeers(users(1000));
      assertHoldsTheBatch(session, 1000);

      session.cachePeers(users(1000));
      session.clear();
      session.cachePeers(users(1000));
      assertHoldsTheBatch(session, 1000);
      assertThat(session.peerCount()).isEqualTo(30);
    }
  }

  @Test
  @DisplayName("a batch of the same peers with new hashes is remembered and reads nothing back")
  void remembers() {
    try (SqliteSession session = (SqliteSession) Sessions.open(uri("remember.session"))) {
      session.cachePeers(users(1000));
      session.cachePeers(users(2000));
      assertThat(session.connections().storedPeerCount()).isEqualTo(30);
      assertHoldsTheBatch(session, 2000);
      session.setUpdateState(new dev.tgsession.UpdateState.Primary(1, 2, 3));
      assertThat(session.connections().storedPeerCount()).isEqualTo(30);
    }
  }

  @Test
  @DisplayName("it remembers at most peer-cache peers, and none with peer-cache=0")
  void boundedByThePeerCache() {
    try (SqliteSession session =
        (SqliteSession) Sessions.open(uri("bounded.session") + "?peer-cache=12")) {
      session.cachePeers(users(1000));
      session.cachePeers(users(2000));
      assertThat(session.connections().storedPeerCount()).isEqualTo(12);
      session.cachePeers(users(3000));
      assertHoldsTheBatch(session, 3000);
    }
    try (SqliteSession session =
        (SqliteSession) Sessions.open(uri("off.session") + "?peer-cache=0")) {
      session.cachePeers(users(1000));
      session.cachePeers(users(2000));
      assertThat(session.connections().storedPeerCount()).isZero();
      assertHoldsTheBatch(session, 2000);
    }
  }

  /** {@code Renamer URI ID NAME}: caches user ID with the one username NAME, in a second JVM. */
  static final class Renamer {
    private Renamer() {}

    public static void main(String[] args) {
      try (Session session = Sessions.open(args[0])) {
        session.cachePeers(List.of(renamed(Long.parseLong(args[1]), args[2])));
      }
    }
  }
}
