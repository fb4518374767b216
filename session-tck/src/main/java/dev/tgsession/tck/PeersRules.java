package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.ChannelKind;
import dev.tgsession.ChannelState;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The kit's group "peers and merging" (rule 3). */
abstract class PeersRules extends TckGroup {

  PeersRules(SessionTck kit) {
    super(kit);
  }

  @Test
  @DisplayName("a user round-trips with every component")
  void userRoundTrip() {
    Session session = open();
    PeerInfo.User user =
        new PeerInfo.User(
            123456789L,
            new PeerAuth(-8_765_432_123L),
            Boolean.TRUE,
            Boolean.FALSE,
            List.of("somebot", "other_name"),
            "4915112345678");
    session.cachePeer(user);
    assertThat(session.peer(PeerId.user(123456789L))).contains(user);
  }

  @Test
  @DisplayName("a chat round-trips")
  void chatRoundTrip() {
    Session session = open();
    session.cachePeer(new PeerInfo.Chat(4242));
    assertThat(session.peer(PeerId.chat(4242))).contains(new PeerInfo.Chat(4242));
  }

  @Test
  @DisplayName("a channel round-trips with every component and each kind")
  void channelRoundTrip() {
    Session session = open();
    List<PeerInfo.Channel> channels =
        List.of(
            new PeerInfo.Channel(1001, new PeerAuth(1), ChannelKind.BROADCAST, List.of("news")),
            new PeerInfo.Channel(1002, new PeerAuth(2), ChannelKind.MEGAGROUP, List.of()),
            new PeerInfo.Channel(1003, new PeerAuth(3), ChannelKind.GIGAGROUP, null),
            new PeerInfo.Channel(1004, null, null, null));
    session.cachePeers(channels);
    for (PeerInfo.Channel channel : channels) {
      assertThat(session.peer(channel.peerId())).contains(channel);
    }
  }

  @Test
  @DisplayName("a known access hash survives caching the user without one")
  void userHashSurvives() {
    Session session = open();
    session.cachePeer(user(77, 0x1234_5678_9ABCL));
    session.cachePeer(new PeerInfo.User(77, null, Boolean.TRUE, null, null, null));
    PeerInfo.User read = stored(session, 77);
    assertThat(read.auth()).isEqualTo(new PeerAuth(0x1234_5678_9ABCL));
    assertThat(read.bot()).isTrue();
  }

  @Test
  @DisplayName("a known access hash survives caching the channel without one")
  void channelHashSurvives() {
    Session session = open();
    session.cachePeer(channel(555, -99));
    session.cachePeer(new PeerInfo.Channel(555, null, ChannelKind.BROADCAST, null));
    assertThat(session.peer(PeerId.channel(555)))
        .contains(new PeerInfo.Channel(555, new PeerAuth(-99), ChannelKind.BROADCAST, null));
  }

  @Test
  @DisplayName("a null component keeps each stored value")
  void nullKeeps() {
    Session session = open();
    PeerInfo.User full = fullUser(88);
    session.cachePeer(full);
    session.cachePeer(new PeerInfo.User(88, null, null, null, null, null));
    assertThat(session.peer(PeerId.user(88))).contains(full);
  }

  @Test
  @DisplayName("a non-null component replaces the stored one")
  void nonNullReplaces() {
    Session session = open();
    session.cachePeer(fullUser(89));
    PeerInfo.User changed =
        new PeerInfo.User(
            89, new PeerAuth(-1), Boolean.TRUE, Boolean.FALSE, List.of("renamed"), "4400000089");
    session.cachePeer(changed);
    assertThat(session.peer(PeerId.user(89))).contains(changed);
  }

  @Test
  @DisplayName("the ambient hash 0 is a value, not 'unknown': it replaces a stored hash")
  void ambientIsAValue() {
    Session session = open();
    session.cachePeer(user(90, 1234));
    session.cachePeer(new PeerInfo.User(90, PeerAuth.AMBIENT, null, null, null, null));
    assertThat(stored(session, 90).auth()).isEqualTo(PeerAuth.AMBIENT);
  }

  @Test
  @DisplayName("unknown (null) stays distinct from false, zero and empty")
  void unknownStaysUnknown() {
    Session session = open();
    PeerInfo.User unknown = new PeerInfo.User(91, null, null, null, null, null);
    PeerInfo.User known = new PeerInfo.User(92, PeerAuth.AMBIENT, false, false, List.of(), null);
    session.cachePeers(List.of(unknown, known));
    assertThat(session.peer(PeerId.user(91))).contains(unknown);
    assertThat(session.peer(PeerId.user(92))).contains(known);
  }

  @Test
  @DisplayName("a user, a chat and a channel with the same bare id are three peers")
  void kindsAreSeparate() {
    Session session = open();
    session.cachePeers(List.of(user(5, 50), new PeerInfo.Chat(5), channel(5, 500)));
    assertThat(session.peerCount()).isEqualTo(3);
    assertThat(session.peer(PeerId.user(5))).contains(user(5, 50));
    assertThat(session.peer(PeerId.chat(5))).contains(new PeerInfo.Chat(5));
    assertThat(session.peer(PeerId.channel(5))).contains(channel(5, 500));
  }

  @Test
  @DisplayName("the extremes of every id range and of the hash round-trip")
  void extremes() {
    Session session = open();
    List<PeerInfo> peers =
        List.of(
            user(1, Long.MIN_VALUE),
            user(0xFF_FFFF_FFFFL, Long.MAX_VALUE),
            new PeerInfo.Chat(1),
            new PeerInfo.Chat(999_999_999_999L),
            channel(1, -1),
            channel(997_852_516_352L, 1),
            channel(1_002_147_483_649L, 2),
            channel(3_000_000_000_000L, 3));
    session.cachePeers(peers);
    for (PeerInfo peer : peers) {
      assertThat(session.peer(peer.peerId())).as("%s", peer.peerId()).contains(peer);
    }
    assertThat(session.peerCount()).isEqualTo(peers.size());
  }

  @Test
  @DisplayName("peers() streams exactly the cached peers and peerCount() counts them")
  void streamAndCount() {
    Session session = open();
    List<PeerInfo> peers = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      peers.add(fullUser(i));
      peers.add(new PeerInfo.Chat(i));
      peers.add(channel(i, i));
    }
    session.cachePeers(peers);
    Map<PeerId, PeerInfo> expected = new LinkedHashMap<>();
    peers.forEach(peer -> expected.put(peer.peerId(), peer));
    assertThat(all(session)).isEqualTo(expected);
    assertThat(session.peerCount()).isEqualTo(150);
  }

  @Test
  @DisplayName("caching a peer again does not add a peer")
  void recacheDoesNotCount() {
    Session session = open();
    session.cachePeer(user(7, 1));
    session.cachePeer(user(7, 2));
    session.cachePeer(user(7, 2));
    assertThat(session.peerCount()).isEqualTo(1);
    assertThat(stored(session, 7).auth()).isEqualTo(new PeerAuth(2));
  }

  @Test
  @DisplayName("an uncached peer is empty, even next to cached ones")
  void missIsEmpty() {
    Session session = open();
    session.cachePeer(user(10, 1));
    assertThat(session.peer(PeerId.user(11))).isEmpty();
    assertThat(session.peer(PeerId.chat(10))).isEmpty();
    assertThat(session.peer(PeerId.channel(10))).isEmpty();
  }

  @Test
  @DisplayName("a snapshot holds every peer, DC option and the updates state")
  void snapshotHoldsEverything() {
    Session session = open();
    session.setHomeDcId(4);
    session.setDcOption(dc(4, 4));
    session.cachePeers(List.of(fullUser(1), new PeerInfo.Chat(2), channel(3, 3)));
    session.setUpdateState(
        new UpdateState.All(new UpdatesState(1, 2, 3, 4, List.of(new ChannelState(3, 9)))));
    SessionData data = session.snapshot();
    assertThat(data.homeDcId()).isEqualTo(4);
    assertThat(data.dcOptions())
        .containsEntry(4, dc(4, 4))
        .containsEntry(1, KnownDcs.get(1).orElseThrow());
    assertThat(data.peers()).hasSize(3).containsEntry(PeerId.user(1), fullUser(1));
    assertThat(data.updatesState().channels()).containsExactly(new ChannelState(3, 9));
  }
}
