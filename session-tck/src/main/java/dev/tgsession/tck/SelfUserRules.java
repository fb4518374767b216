package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The kit's group "the self user" (rule 4). */
abstract class SelfUserRules extends TckGroup {

  SelfUserRules(SessionTck kit) {
    super(kit);
  }

  @Test
  @DisplayName("caching a user with self = TRUE makes peer(selfUser()) return it")
  void selfIsFound() {
    Session session = open();
    session.cachePeer(self(1000, 1));
    assertThat(session.peer(PeerId.selfUser())).contains(self(1000, 1));
    assertThat(session.peer(PeerId.user(1000))).contains(self(1000, 1));
  }

  @Test
  @DisplayName("a newer self user takes the flag from the older")
  void newerSelfWins() {
    Session session = open();
    session.cachePeer(self(1000, 1));
    session.cachePeer(self(2000, 2));
    assertThat(session.peer(PeerId.selfUser())).contains(self(2000, 2));
    assertThat(stored(session, 1000).self()).isFalse();
    assertThat(all(session).values())
        .filteredOn(peer -> peer instanceof PeerInfo.User u && u.isSelf())
        .hasSize(1);
  }

  @Test
  @DisplayName("caching the self user without the flag keeps it the self user")
  void nullFlagKeepsSelf() {
    Session session = open();
    session.cachePeer(self(1000, 1));
    session.cachePeer(new PeerInfo.User(1000, null, null, null, List.of("me"), null));
    PeerInfo.User read = (PeerInfo.User) session.peer(PeerId.selfUser()).orElseThrow();
    assertThat(read.id()).isEqualTo(1000);
    assertThat(read.usernames()).containsExactly("me");
    assertThat(read.auth()).isEqualTo(new PeerAuth(1));
  }

  @Test
  @DisplayName("caching the self user with self = FALSE leaves no self user")
  void falseFlagUnsets() {
    Session session = open();
    session.cachePeer(self(1000, 1));
    session.cachePeer(new PeerInfo.User(1000, null, null, Boolean.FALSE, null, null));
    assertThat(session.peer(PeerId.selfUser())).isEmpty();
    assertThat(stored(session, 1000).self()).isFalse();
  }

  @Test
  @DisplayName("other users cached later do not disturb the self user")
  void othersDoNotDisturb() {
    Session session = open();
    session.cachePeer(self(1000, 1));
    session.cachePeers(List.of(user(1, 1), fullUser(2), channel(3, 3)));
    assertThat(session.peer(PeerId.selfUser())).contains(self(1000, 1));
  }

  @Test
  @DisplayName("the self user of a batch is its last user with self = TRUE")
  void selfInBatch() {
    Session session = open();
    session.cachePeers(List.of(self(1, 1), self(2, 2), user(3, 3)));
    assertThat(session.peer(PeerId.selfUser())).contains(self(2, 2));
    assertThat(stored(session, 1).self()).isFalse();
  }
}
