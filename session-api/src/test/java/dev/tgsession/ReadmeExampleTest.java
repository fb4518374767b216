package dev.tgsession;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's Java example, run as written. */
class ReadmeExampleTest {

  @Test
  @DisplayName("the README example caches peers and state in memory and reads them back")
  void readmeExample() {
    try (Session session = Sessions.open("memory:")) {
      session.cachePeer(
          new PeerInfo.User(
              777000L, new PeerAuth(0x1234_5678L), false, false, List.of("Telegram"), null));
      session.cachePeers(
          List.of(
              new PeerInfo.Channel(
                  1_234_567L, new PeerAuth(-42L), ChannelKind.MEGAGROUP, List.of("mygroup")),
              new PeerInfo.Chat(555L)));

      session.cachePeer(new PeerInfo.User(777000L, null, null, null, null, null));

      session.setUpdateState(
          new UpdateState.All(
              new UpdatesState(
                  120, 3, 1_700_000_000, 17, List.of(new ChannelState(1_234_567L, 90)))));
      session.setUpdateState(new UpdateState.Channel(1_234_567L, 91));

      PeerInfo telegram = session.peer(PeerId.user(777000L)).orElseThrow();
      PeerAuth hash = telegram.authOrAmbient();
      PeerInfo group = session.peerByUsername("@MyGroup").orElseThrow();
      UpdatesState state = session.updatesState();

      assertThat(hash).isEqualTo(new PeerAuth(0x1234_5678L));
      assertThat(telegram.usernames()).containsExactly("telegram");
      assertThat(group.peerId()).isEqualTo(PeerId.channel(1_234_567L));
      assertThat(state.pts()).isEqualTo(120);
      assertThat(state.channels()).containsExactly(new ChannelState(1_234_567L, 91));
    }
  }
}
