package dev.tgsession.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rule 9 with default options: what instance B wrote, instance A reads as soon as B's call
 * returned, even a peer A had read before. A has no peer cache by default here (no cache in A can
 * hear of B's write before B's call returns), so every read goes to the store; with {@code
 * peer-cache=N} A may serve its old copy for up to {@code peer-cache-ttl}, as docs/mongodb.md says.
 */
@DisplayName("two instances of one mongodb: URI, default options")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MongoCoherenceTest {

  private final List<Session> opened = new ArrayList<>();

  @AfterEach
  void closeSessions() {
    if (!opened.isEmpty()) {
      opened.get(0).clear();
    }
    opened.forEach(Session::close);
  }

  private Session open(String uri) {
    Session session = Sessions.open(uri);
    opened.add(session);
    return session;
  }

  private static String uri(String options) {
    return MongoTestServer.sessionUri("coherence-" + System.nanoTime(), options);
  }

  private static PeerInfo.User user(
      long id, Long hash, Boolean bot, Boolean self, List<String> usernames) {
    return new PeerInfo.User(
        id, hash == null ? null : new PeerAuth(hash), bot, self, usernames, null);
  }

  private static PeerInfo.User read(Session session, long id) {
    return (PeerInfo.User) session.peer(PeerId.user(id)).orElseThrow();
  }

  @Test
  @DisplayName(
      "A reads, B writes, A reads B's write at once: a hash, a merged bot flag, a moved self user,"
          + " a username that changed owner, and clear()")
  void readsSeeTheOtherInstancesWrites() {
    String uri = uri("");
    Session a = open(uri);
    Session b = open(uri);

    b.cachePeer(user(5, 1000L, null, null, List.of("x_5")));
    assertThat(read(a, 5).auth()).isEqualTo(new PeerAuth(1000));
    b.cachePeer(user(5, 2000L, null, null, null));
    assertThat(read(a, 5).auth()).as("the new hash").isEqualTo(new PeerAuth(2000));
    assertThat(read(a, 5).usernames()).as("merged: the name kept").containsExactly("x_5");

    b.cachePeer(user(6, 60L, null, null, null));
    assertThat(read(a, 6).bot()).isNull();
    b.cachePeer(user(6, null, true, null, null));
    assertThat(read(a, 6).bot()).as("the merged bot flag").isTrue();
    assertThat(read(a, 6).auth()).isEqualTo(new PeerAuth(60));

    b.cachePeer(user(7, 70L, null, true, null));
    assertThat(a.peer(PeerId.selfUser())).map(PeerInfo::peerId).contains(PeerId.user(7));
    assertThat(read(a, 7).self()).isTrue();
    b.cachePeer(user(8, 80L, null, true, null));
    assertThat(a.peer(PeerId.selfUser())).map(PeerInfo::peerId).contains(PeerId.user(8));
    assertThat(read(a, 7).self()).as("the old self user, read again").isFalse();

    b.cachePeer(user(9, 90L, null, null, List.of("name_9")));
    assertThat(read(a, 9).usernames()).containsExactly("name_9");
    b.cachePeer(user(10, 100L, null, null, List.of("name_9")));
    assertThat(read(a, 9).usernames()).as("the old owner's names").isEmpty();
    assertThat(a.peerByUsername("name_9")).map(PeerInfo::peerId).contains(PeerId.user(10));

    assertThat(a.peerCount()).isEqualTo(6);
    b.clear();
    for (long id = 5; id <= 10; id++) {
      assertThat(a.peer(PeerId.user(id))).as("user %d after B's clear()", id).isEmpty();
    }
    assertThat(a.peer(PeerId.selfUser())).isEmpty();
    assertThat(a.peerCount()).isZero();
  }

  @Test
  @DisplayName(
      "with peer-cache=N, A serves the copy it read until it expires (the documented cost of"
          + " turning the cache on), and its own writes invalidate it")
  void explicitCacheMayServeStalePeers() {
    String uri = uri("peer-cache=100&peer-cache-ttl=3600");
    Session a = open(uri);
    Session b = open(uri);
    b.cachePeer(user(5, 1000L, null, null, null));
    assertThat(read(a, 5).auth()).isEqualTo(new PeerAuth(1000));
    b.cachePeer(user(5, 2000L, null, null, null));
    assertThat(read(a, 5).auth()).as("A's cached copy").isEqualTo(new PeerAuth(1000));
    a.cachePeer(user(5, null, true, null, null));
    assertThat(read(a, 5).auth()).as("after A's own write").isEqualTo(new PeerAuth(2000));
    assertThat(read(a, 5).bot()).isTrue();
  }
}
