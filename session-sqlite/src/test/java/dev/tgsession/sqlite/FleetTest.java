package dev.tgsession.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet in one JVM (issue 21): what 2,000 open session files cost in descriptors and threads,
 * counted in /proc/self/fd (Linux), and that all of it comes back after close.
 */
@DisplayName("a fleet of session files in one JVM")
class FleetTest {

  private static final int SESSIONS = 2000;

  @TempDir Path dir;

  @Test
  @DisplayName("2,000 open files hold at most 3 descriptors each, none after close")
  void descriptorsPerFile() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self/fd (Linux)");
    // the database, its WAL and its -shm (SQLite's one connection); the WAL index mapping holds
    // none
    fleet("", SESSIONS, 3);
  }

  @Test
  @DisplayName("without a peer cache, an open file holds at most 3 descriptors, none after close")
  void descriptorsWithoutPeerCache() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self/fd (Linux)");
    fleet("?peer-cache=0", 300, 3);
  }

  private void fleet(String options, int count, int perFile) throws IOException {
    Path fleet = Files.createDirectories(dir.resolve("fleet" + options.length()));
    long descriptorsBefore = descriptors();
    int threadsBefore = Thread.activeCount();
    List<Session> sessions = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        Session session = Sessions.open("sqlite:" + fleet.resolve("s" + i + ".session") + options);
        sessions.add(session);
        // each used once: a write, a cache hit, a miss, a count
        session.cachePeer(PeerInfo.User.of(i + 1, i));
        session.peer(PeerId.user(i + 1));
        session.peer(PeerId.user(i + 2));
        session.setUpdateState(new UpdateState.Secondary(i));
        session.peerCount();
      }
      long open = descriptors() - descriptorsBefore;
      assertThat(open)
          .as("descriptors for %d open files (%s)", count, options)
          // a few for the JVM's own use meanwhile (a jar, a native library)
          .isLessThanOrEqualTo((long) perFile * count + 8);
      assertThat(Thread.activeCount() - threadsBefore)
          .as("threads do not grow with the sessions")
          .isLessThan(8);
    } finally {
      sessions.forEach(Session::close);
    }
    assertThat(descriptors() - descriptorsBefore)
        .as("descriptors after close")
        .isLessThanOrEqualTo(8);
    assertThat(WalIndex.filesInUse()).as("files with a WAL index mapping").isZero();
    assertThat(openFilesUnder(fleet)).as("descriptors still on the fleet's files").isEmpty();
  }

  private static long descriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static List<String> openFilesUnder(Path directory) throws IOException {
    List<String> open = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith(directory.toRealPath().toString())) {
            open.add(target);
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    return open;
  }
}
