package dev.tgsession;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("every null check names its argument")
class NullArgumentsTest {

  @Test
  @DisplayName("value types name the null component")
  void valueTypes() {
    assertThatThrownBy(
            () -> new UpdatesState(0, 0, 0, 0, Arrays.asList(new ChannelState(1, 1), null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("channels")
        .hasMessageContaining("index 1");
    assertThatThrownBy(() -> new UpdatesState(0, 0, 0, 0, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("channels");
    assertThatThrownBy(() -> AuthKey.of(null)).hasMessage("bytes");
    assertThatThrownBy(() -> new SessionData(2, null, Map.of(), UpdatesState.empty()))
        .hasMessage("dcOptions");
    assertThatThrownBy(() -> new SessionData(2, Map.of(), null, UpdatesState.empty()))
        .hasMessage("peers");
    assertThatThrownBy(() -> new SessionData(2, Map.of(), Map.of(), null))
        .hasMessage("updatesState");
    Map<PeerId, PeerInfo> peers = new HashMap<>();
    peers.put(PeerId.user(1), null);
    assertThatThrownBy(() -> new SessionData(2, Map.of(), peers, UpdatesState.empty()))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("peers");
    assertThatThrownBy(() -> new PeerInfo.User(1, null, null, null, Arrays.asList("a", null), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("usernames");
  }

  @Test
  @DisplayName("Sessions names the null argument")
  void sessions() {
    assertThatThrownBy(() -> Sessions.open((URI) null)).hasMessage("uri");
    assertThatThrownBy(() -> Sessions.open((String) null)).hasMessage("uri");
    assertThatThrownBy(() -> Sessions.provider(null)).hasMessage("scheme");
    try (Session session = Sessions.open("memory:")) {
      assertThatThrownBy(() -> Sessions.copy(session, null)).hasMessage("to");
      assertThatThrownBy(() -> session.cachePeers(List.of(PeerInfo.User.of(1, 1), null)))
          .isInstanceOf(NullPointerException.class);
    }
  }
}
