package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.ChannelKind;
import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.Capability;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The kit's group "durability (DURABLE)" (rule 9: DURABLE). */
abstract class DurabilityRules extends TckGroup {

  DurabilityRules(SessionTck kit) {
    super(kit);
  }

  @BeforeEach
  void requireDurable() {
    assumeCapability(Capability.DURABLE);
  }

  @Test
  @DisplayName("everything survives close and reopen of the same URI")
  void survivesReopen() {
    Session first = open();
    first.setHomeDcId(5);
    first.setDcOption(dc(5, 55));
    first.setDcOption(dc(203, 3));
    first.cachePeers(List.of(self(1, 11), fullUser(2), new PeerInfo.Chat(3), channel(4, -4)));
    first.cachePeer(
        new PeerInfo.Channel(6, new PeerAuth(6), ChannelKind.BROADCAST, List.of("chan")));
    first.setUpdateState(
        new UpdateState.All(new UpdatesState(10, 20, 30, 40, List.of(new ChannelState(4, 44)))));
    first.setUpdateState(new UpdateState.Channel(6, 66));
    SessionData before = first.snapshot();
    first.close();

    Session second = open();
    assertThat(second.snapshot()).isEqualTo(before);
    assertThat(second.homeDcId()).isEqualTo(5);
    assertThat(second.dcOption(5)).contains(dc(5, 55));
    assertThat(second.dcOption(203)).contains(dc(203, 3));
    assertThat(second.peer(PeerId.selfUser())).contains(self(1, 11));
    assertThat(second.peerByUsername("user2").orElseThrow().peerId()).isEqualTo(PeerId.user(2));
    assertThat(second.peerByUsername("chan").orElseThrow().peerId()).isEqualTo(PeerId.channel(6));
    assertThat(second.peerByPhone(fullUser(2).phone())).contains(fullUser(2));
    assertThat(second.updatesState().channels())
        .containsExactly(new ChannelState(4, 44), new ChannelState(6, 66));
  }

  @Test
  @DisplayName("unknown (null) components survive a reopen as unknown")
  void nullsSurvive() {
    Session first = open();
    PeerInfo.User sparse = new PeerInfo.User(8, null, null, null, null, null);
    PeerInfo.Channel bare = new PeerInfo.Channel(8, null, null, null);
    first.cachePeers(List.of(sparse, bare));
    first.close();
    Session second = open();
    assertThat(second.peer(PeerId.user(8))).contains(sparse);
    assertThat(second.peer(PeerId.channel(8))).contains(bare);
  }

  @Test
  @DisplayName("merging still works after a reopen: a stored hash is not lost")
  void mergeAfterReopen() {
    Session first = open();
    first.cachePeer(fullUser(3));
    first.close();
    Session second = open();
    second.cachePeer(new PeerInfo.User(3, null, null, null, null, null));
    assertThat(second.peer(PeerId.user(3))).contains(fullUser(3));
  }

  @Test
  @DisplayName("clear() is durable")
  void clearIsDurable() {
    Session first = open();
    first.setDcOption(dc(2, 2));
    first.cachePeer(fullUser(1));
    first.clear();
    first.close();
    assertNewSession(open());
  }

  @Test
  @DisplayName("an IPv4-mapped IPv6 DC address (::ffff:a.b.c.d) survives close and reopen")
  void mappedIpv6Durable() throws Exception {
    java.net.InetAddress mapped =
        dev.tgsession.support.IpAddresses.fromBytes(
            new byte[] {
              0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 91, 108, 56, (byte) 200
            });
    DcOption option =
        new DcOption(
            7, address("91.108.56.200", 443), new java.net.InetSocketAddress(mapped, 443), key(7));
    try (Session session = Sessions.open(uri(sessionName()))) {
      remember(sessionName());
      session.setDcOption(option);
    }
    try (Session again = Sessions.open(uri(sessionName()))) {
      DcOption read =
          again.dcOption(7).orElseThrow(() -> new AssertionError("expected DC 7 after reopen"));
      assertThat(read.ipv6().getAddress().getAddress())
          .as("the bytes of DC 7's IPv6 address after reopen")
          .isEqualTo(mapped.getAddress());
      assertThat(read.ipv4()).as("DC 7's IPv4 address after reopen").isEqualTo(option.ipv4());
      assertThat(read.authKey()).as("DC 7's key after reopen").isEqualTo(option.authKey());
    }
  }
}
