package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.ChannelState;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.UpdateState;
import dev.tgsession.spi.Capability;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The kit's group "sharing between instances (SHARED)" (rule 9: SHARED). */
abstract class SharingRules extends TckGroup {

  SharingRules(SessionTck kit) {
    super(kit);
  }

  @BeforeEach
  void requireShared() {
    assumeCapability(Capability.SHARED);
  }

  @Test
  @DisplayName("two instances of one URI see each other's peers")
  void peersAreShared() {
    Session a = open();
    Session b = open();
    a.cachePeer(fullUser(1));
    assertThat(b.peer(PeerId.user(1))).contains(fullUser(1));
    b.cachePeer(named(2, "fromb"));
    assertThat(a.peerByUsername("fromb").orElseThrow().peerId()).isEqualTo(PeerId.user(2));
    assertThat(a.peerCount()).isEqualTo(2);
  }

  @Test
  @DisplayName("two instances of one URI see each other's updates state")
  void stateIsShared() {
    Session a = open();
    Session b = open();
    a.setUpdateState(new UpdateState.Primary(5, 6, 7));
    b.setUpdateState(new UpdateState.Channel(9, 99));
    assertThat(b.updatesState().pts()).isEqualTo(5);
    assertThat(a.updatesState().channels()).containsExactly(new ChannelState(9, 99));
  }

  @Test
  @DisplayName(
      "merges apply across instances: a hash one cached is kept when the other caches without")
  void mergeAcrossInstances() {
    Session a = open();
    Session b = open();
    a.cachePeer(user(3, 333));
    b.cachePeer(new PeerInfo.User(3, null, Boolean.TRUE, null, List.of("three"), null));
    assertThat(a.peer(PeerId.user(3)))
        .contains(new PeerInfo.User(3, new PeerAuth(333), true, null, List.of("three"), null));
  }

  @Test
  @DisplayName("a username taken through one instance is gone from the other's owner")
  void claimsAcrossInstances() {
    Session a = open();
    Session b = open();
    a.cachePeer(named(1, "moving"));
    b.cachePeer(named(2, "moving"));
    assertThat(a.peerByUsername("moving").orElseThrow().peerId()).isEqualTo(PeerId.user(2));
    assertThat(a.peer(PeerId.user(1)).orElseThrow().usernames()).isEmpty();
  }

  @Test
  @DisplayName("a session opened after another wrote DC options and home DC sees them")
  void dcsVisibleToNewInstances() {
    Session a = open();
    a.setHomeDcId(3);
    a.setDcOption(dc(3, 3));
    Session b = open();
    assertThat(b.homeDcId()).isEqualTo(3);
    assertThat(b.dcOption(3)).contains(dc(3, 3));
  }

  // ---- coherence: what A read before is not served once B changed it (rule 9, "Peer cache") ---

  @Test
  @DisplayName("A reads a peer, B caches a new access hash, A reads the new hash")
  void newHashSeenAfterRead() {
    Session a = open();
    Session b = open();
    b.cachePeer(new PeerInfo.User(5, new PeerAuth(1000), false, null, List.of("x_5"), null));
    assertThat(stored(a, 5).auth()).as("A's first read").isEqualTo(new PeerAuth(1000));
    b.cachePeer(new PeerInfo.User(5, new PeerAuth(2000), null, null, null, null));
    assertThat(stored(a, 5).auth())
        .as("A's read right after B cached hash 2000 (A had read 1000 before)")
        .isEqualTo(new PeerAuth(2000));
    assertThat(stored(a, 5).usernames()).as("the username B did not touch").containsExactly("x_5");
  }

  @Test
  @DisplayName("A reads a peer, B merges a bot flag into it, A reads the flag")
  void mergedFlagSeenAfterRead() {
    Session a = open();
    Session b = open();
    b.cachePeer(user(6, 600));
    assertThat(stored(a, 6).bot()).as("A's first read: bot unknown").isNull();
    b.cachePeer(new PeerInfo.User(6, null, Boolean.TRUE, null, null, null));
    PeerInfo.User seen = stored(a, 6);
    assertThat(seen.bot()).as("A's read right after B merged bot = TRUE").isTrue();
    assertThat(seen.auth()).as("the hash B did not touch").isEqualTo(new PeerAuth(600));
  }

  @Test
  @DisplayName("A reads the self user, B caches a newer one, A sees the move on both users")
  void selfMoveSeenAfterRead() {
    Session a = open();
    Session b = open();
    b.cachePeer(self(7, 70));
    assertThat(storedPeer(a, PeerId.selfUser()).peerId())
        .as("A's first self user")
        .isEqualTo(PeerId.user(7));
    assertThat(stored(a, 7).self()).as("A's read of user 7").isTrue();
    b.cachePeer(self(8, 80));
    assertThat(storedPeer(a, PeerId.selfUser()).peerId())
        .as("A's self user right after B cached user 8 as self")
        .isEqualTo(PeerId.user(8));
    assertThat(stored(a, 7).self())
        .as("A's read of user 7, which lost the self flag to user 8")
        .isFalse();
  }

  @Test
  @DisplayName("A reads a peer by id, B gives its username to another peer, A sees it released")
  void usernameMoveSeenAfterRead() {
    Session a = open();
    Session b = open();
    b.cachePeer(named(9, "moving_name"));
    assertThat(stored(a, 9).usernames())
        .as("A's first read of user 9")
        .containsExactly("moving_name");
    assertThat(ownerOf(a, "moving_name")).as("A's first lookup").isEqualTo(PeerId.user(9));
    b.cachePeer(named(10, "moving_name"));
    assertThat(ownerOf(a, "moving_name"))
        .as("A's lookup right after B gave the name to user 10")
        .isEqualTo(PeerId.user(10));
    assertThat(stored(a, 9).usernames()).as("A's read of user 9, which lost the name").isEmpty();
  }

  @Test
  @DisplayName("A reads peers, B clears the session, A finds none of them")
  void clearSeenAfterRead() {
    Session a = open();
    Session b = open();
    b.cachePeers(List.of(fullUser(11), self(12, 120)));
    assertThat(a.peer(PeerId.user(11))).as("A's first read of user 11").isPresent();
    assertThat(a.peer(PeerId.selfUser())).as("A's first read of the self user").isPresent();
    b.clear();
    assertThat(a.peer(PeerId.user(11))).as("A's read of user 11 right after B's clear()").isEmpty();
    assertThat(a.peer(PeerId.selfUser())).as("A's self user right after B's clear()").isEmpty();
    assertThat(a.peerByUsername("user11")).as("A's lookup right after B's clear()").isEmpty();
  }

  @Test
  @DisplayName("many rounds of A reading and B writing one peer: A always reads B's last write")
  void alternatingRounds() {
    Session a = open();
    Session b = open();
    for (int round = 1; round <= 50; round++) {
      b.cachePeer(user(13, round));
      assertThat(stored(a, 13).auth())
          .as("A's read in round %d, right after B cached hash %d", round, round)
          .isEqualTo(new PeerAuth(round));
    }
  }
}
