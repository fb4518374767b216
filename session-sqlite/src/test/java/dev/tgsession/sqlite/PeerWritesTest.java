package dev.tgsession.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("batches of stored peers")
class PeerWritesTest {

  @TempDir Path dir;

  private static List<PeerInfo> users(long hashBase) {
    List<PeerInfo> users = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
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

  @Test
  @DisplayName("re-caching peers that bring nothing new changes only when they were cached")
  void nothingNewRefreshesOnlyTheTime() throws Exception {
    Path file = dir.resolve("same.session");
    try (Session session = Sessions.open("sqlite:" + file)) {
      session.cachePeers(users(1000));
      PeerInfo before = session.peer(PeerId.user(7)).orElseThrow();
      Instant cachedBefore = session.peerCachedAt(PeerId.user(7)).orElseThrow();
      Thread.sleep(5);

      session.cachePeers(users(1000));

      assertThat(session.peerCachedAt(PeerId.user(7)).orElseThrow()).isAfter(cachedBefore);
      assertThat(session.peer(PeerId.user(7))).contains(before);
      assertThat(session.peerCount()).isEqualTo(50);
    }
  }

  @Test
  @DisplayName("a batch of new hashes keeps every stored name, phone and flag")
  void newHashesKeepTheRest() {
    try (Session session = Sessions.open("sqlite:" + dir.resolve("hashes.session"))) {
      session.cachePeers(users(1000));
      session.cachePeers(users(5000));

      assertThat(session.peer(PeerId.user(20)))
          .contains(
              new PeerInfo.User(
                  20, new PeerAuth(5020), true, null, List.of("name_20"), "155500020"));
      assertThat(session.peerByUsername("name_33"))
          .map(PeerInfo::auth)
          .contains(new PeerAuth(5033));
      assertThat(session.peerByPhone("155500040")).map(PeerInfo::peerId).contains(PeerId.user(40));
    }
  }
}
