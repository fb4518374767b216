package dev.tgsession.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("the WAL index header")
class WalIndexTest {

  @TempDir Path dir;

  @Test
  @DisplayName("is mapped for an open session and changes with every commit of any connection")
  void changesWithEveryCommit() {
    Path file = dir.resolve("index.session");
    try (Session a = Sessions.open("sqlite:" + file);
        Session b = Sessions.open("sqlite:" + file);
        WalIndex.FileUse use = WalIndex.use(file)) {
      WalIndex index = use.index();
      assertThat(index).as("the -shm file mapped (a POSIX file system)").isNotNull();
      WalIndex.Stamp before = index.read();
      a.peer(PeerInfo.User.of(1, 1).peerId());
      assertThat(index.unchangedSince(before)).as("after a read").isTrue();

      b.cachePeer(PeerInfo.User.of(1, 1));
      assertThat(index.unchangedSince(before)).as("after B's commit").isFalse();
      WalIndex.Stamp afterB = index.read();

      a.cachePeer(PeerInfo.User.of(2, 2));
      assertThat(index.unchangedSince(afterB)).as("after A's commit").isFalse();
    }
  }
}
