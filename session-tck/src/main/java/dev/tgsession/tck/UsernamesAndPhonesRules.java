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

/** The kit's group "usernames and phones" (rule 5). */
abstract class UsernamesAndPhonesRules extends TckGroup {

  UsernamesAndPhonesRules(SessionTck kit) {
    super(kit);
  }

  @Test
  @DisplayName("usernames are stored lower-case")
  void storedLowerCase() {
    Session session = open();
    session.cachePeer(named(1, "Alice_Bot"));
    assertThat(stored(session, 1).usernames()).containsExactly("alice_bot");
  }

  @Test
  @DisplayName("lookup by username ignores case and a leading '@'")
  void lookupIgnoresCase() {
    Session session = open();
    session.cachePeer(named(1, "alice"));
    assertThat(session.peerByUsername("alice")).contains(named(1, "alice"));
    assertThat(session.peerByUsername("ALICE")).contains(named(1, "alice"));
    assertThat(session.peerByUsername("@Alice")).contains(named(1, "alice"));
  }

  @Test
  @DisplayName("every username of a peer finds it, a channel's too")
  void everyUsernameFinds() {
    Session session = open();
    session.cachePeer(named(1, "first", "second", "third"));
    session.cachePeer(new PeerInfo.Channel(9, new PeerAuth(9), null, List.of("chan", "chan2")));
    assertThat(session.peerByUsername("second").orElseThrow().peerId()).isEqualTo(PeerId.user(1));
    assertThat(session.peerByUsername("third").orElseThrow().peerId()).isEqualTo(PeerId.user(1));
    assertThat(session.peerByUsername("chan2").orElseThrow().peerId()).isEqualTo(PeerId.channel(9));
    assertThat(session.peerByUsername("fourth")).isEmpty();
  }

  @Test
  @DisplayName("a username belongs to the most recently cached peer that carries it")
  void newestOwnerWins() {
    Session session = open();
    session.cachePeer(named(1, "shared", "mine"));
    session.cachePeer(named(2, "shared"));
    assertThat(session.peerByUsername("shared").orElseThrow().peerId()).isEqualTo(PeerId.user(2));
    assertThat(stored(session, 1).usernames()).containsExactly("mine");
    assertThat(session.peerByUsername("mine").orElseThrow().peerId()).isEqualTo(PeerId.user(1));
  }

  @Test
  @DisplayName("a channel can take a username from a user, and back")
  void namesMoveAcrossKinds() {
    Session session = open();
    session.cachePeer(named(1, "handle"));
    session.cachePeer(new PeerInfo.Channel(2, new PeerAuth(2), null, List.of("handle")));
    assertThat(session.peerByUsername("handle").orElseThrow().peerId())
        .isEqualTo(PeerId.channel(2));
    assertThat(stored(session, 1).usernames()).isEmpty();
    session.cachePeer(named(1, "handle"));
    assertThat(session.peerByUsername("handle").orElseThrow().peerId()).isEqualTo(PeerId.user(1));
    assertThat(session.peer(PeerId.channel(2)).orElseThrow().usernames()).isEmpty();
  }

  @Test
  @DisplayName("a peer re-cached with a non-null list releases the names it lost")
  void lostNamesAreReleased() {
    Session session = open();
    session.cachePeer(named(1, "old", "kept"));
    session.cachePeer(named(1, "kept", "new"));
    assertThat(session.peerByUsername("old")).isEmpty();
    assertThat(session.peerByUsername("kept")).isPresent();
    assertThat(session.peerByUsername("new")).isPresent();
    session.cachePeer(named(1));
    assertThat(session.peerByUsername("kept")).isEmpty();
    assertThat(session.peerByUsername("new")).isEmpty();
  }

  @Test
  @DisplayName("a peer re-cached without usernames (null) keeps them")
  void nullListKeepsNames() {
    Session session = open();
    session.cachePeer(named(1, "keepme"));
    session.cachePeer(user(1, 5));
    assertThat(session.peerByUsername("keepme").orElseThrow().peerId()).isEqualTo(PeerId.user(1));
    assertThat(stored(session, 1).usernames()).containsExactly("keepme");
  }

  @Test
  @DisplayName("lookup by phone accepts the number with or without '+'")
  void phoneLookup() {
    Session session = open();
    session.cachePeer(withPhone(1, "+4915112345678"));
    assertThat(stored(session, 1).phone()).isEqualTo("4915112345678");
    assertThat(session.peerByPhone("4915112345678").orElseThrow().peerId())
        .isEqualTo(PeerId.user(1));
    assertThat(session.peerByPhone("+4915112345678").orElseThrow().peerId())
        .isEqualTo(PeerId.user(1));
    assertThat(session.peerByPhone("4915112345679")).isEmpty();
  }

  @Test
  @DisplayName("a phone number belongs to the most recently cached user that carries it")
  void newestPhoneOwnerWins() {
    Session session = open();
    session.cachePeer(withPhone(1, "15550001111"));
    session.cachePeer(withPhone(2, "15550001111"));
    assertThat(session.peerByPhone("15550001111").orElseThrow().peerId()).isEqualTo(PeerId.user(2));
    assertThat(stored(session, 1).phone()).isNull();
  }

  @Test
  @DisplayName("a user re-cached with another phone releases the old one")
  void oldPhoneReleased() {
    Session session = open();
    session.cachePeer(withPhone(1, "15550001111"));
    session.cachePeer(withPhone(1, "15550002222"));
    assertThat(session.peerByPhone("15550001111")).isEmpty();
    assertThat(session.peerByPhone("15550002222").orElseThrow().peerId()).isEqualTo(PeerId.user(1));
  }

  @Test
  @DisplayName("usernames and phone of one peer stay with it through unrelated merges")
  void unrelatedMergesKeepNames() {
    Session session = open();
    session.cachePeer(fullUser(3));
    session.cachePeer(new PeerInfo.User(3, new PeerAuth(99), true, null, null, null));
    assertThat(session.peerByUsername("user3").orElseThrow().peerId()).isEqualTo(PeerId.user(3));
    assertThat(session.peerByPhone(fullUser(3).phone()).orElseThrow().peerId())
        .isEqualTo(PeerId.user(3));
  }

  @Test
  @DisplayName("a username is matched exactly: '_' and '%' are not wildcards")
  void noWildcards() {
    Session session = open();
    session.cachePeers(List.of(named(1, "abxcd"), named(2, "abcde"), named(3, "a_b")));
    assertThat(session.peerByUsername("ab_cd"))
        .as("lookup of ab_cd (only abxcd is stored)")
        .isEmpty();
    assertThat(session.peerByUsername("abcd")).as("lookup of abcd, a prefix of abcde").isEmpty();
    assertThat(ownerOf(session, "a_b")).as("lookup of a_b").isEqualTo(PeerId.user(3));
    assertThat(session.peerByUsername("axb")).as("lookup of axb (only a_b is stored)").isEmpty();
    session.cachePeer(named(4, "ab_cd"));
    assertThat(ownerOf(session, "ab_cd"))
        .as("owner of ab_cd once cached")
        .isEqualTo(PeerId.user(4));
    assertThat(ownerOf(session, "abxcd"))
        .as("owner of abxcd, untouched by the claim of ab_cd")
        .isEqualTo(PeerId.user(1));
  }

  @Test
  @DisplayName("a phone number is matched exactly, not as a prefix or pattern")
  void phonesExact() {
    Session session = open();
    session.cachePeer(withPhone(1, "15550001111"));
    assertThat(session.peerByPhone("1555000111")).as("a prefix of the stored phone").isEmpty();
    assertThat(session.peerByPhone("155500011111")).as("a longer number").isEmpty();
  }
}
