package dev.tgsession.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
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

  @Test
  @DisplayName(
      "holds no descriptor of its own: the -shm file is open once, by SQLite, while the"
          + " peer cache follows another instance's commits")
  void mappingHoldsNoDescriptor() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self/fd (Linux)");
    Path file = dir.resolve("alone.session");
    try (Session a = Sessions.open("sqlite:" + file)) {
      a.cachePeer(PeerInfo.User.of(7, 70));
      assertThat(a.peer(PeerInfo.User.of(7, 70).peerId())).isPresent();
      Path shm = file.resolveSibling("alone.session-shm").toRealPath();
      assertThat(descriptorsOf(shm)).as("descriptors on the -shm file").isEqualTo(1);
      try (WalIndex.FileUse use = WalIndex.use(file)) {
        assertThat(use.index()).as("mapped before SQLite opened the file").isNotNull();
      }
      try (Session b = Sessions.open("sqlite:" + file)) {
        b.cachePeer(PeerInfo.User.of(7, 71));
      }
      assertThat(a.peer(PeerInfo.User.of(7, 70).peerId()))
          .as("A's cached peer after B's commit")
          .hasValue(PeerInfo.User.of(7, 71));
      assertThat(descriptorsOf(shm)).as("descriptors on the -shm file").isEqualTo(1);
    }
  }

  private static long descriptorsOf(Path target) throws IOException {
    long count = 0;
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          if (Files.readSymbolicLink(fd).equals(target)) {
            count++;
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    return count;
  }
}
