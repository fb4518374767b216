package dev.tgsession.sqlite;

import static dev.tgsession.sqlite.IncompatibleFileTest.sql;
import static dev.tgsession.sqlite.TestData.checksum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged files are refused with {@link IncompatibleSessionException} naming the table, the row and
 * the value, and are left byte for byte as they were: not converted to WAL, not migrated, no side
 * files.
 */
@DisplayName("damaged files")
class DamagedFileTest {

  @TempDir Path dir;

  /** A session file of ours, closed (WAL checkpointed, no side files), with some of everything. */
  Path session(String name) {
    Path file = dir.resolve(name);
    try (Session session = Sessions.open("sqlite:" + file)) {
      List<PeerInfo> peers = new ArrayList<>();
      for (int i = 1; i <= 300; i++) {
        peers.add(
            new PeerInfo.User(i, new PeerAuth(i * 7L), i % 20 == 0, null, List.of("u" + i), null));
      }
      session.cachePeers(peers);
      session.setHomeDcId(4);
      session.setUpdateState(new UpdateState.All(new UpdatesState(1, 2, 3, 4, List.of())));
    }
    return file;
  }

  /** Opens expecting a refusal; the file and the directory must not change. */
  void assertRefused(Path file, String... messageParts) throws IOException {
    String before = checksum(file);
    List<Path> filesBefore = files();

    assertThatThrownBy(() -> Sessions.open("sqlite:" + file))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContainingAll(messageParts)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(400));

    assertThat(checksum(file)).as("the file's SHA-256").isEqualTo(before);
    assertThat(files())
        .as("files in the directory (no -wal, -shm, -journal)")
        .isEqualTo(filesBefore);
  }

  List<Path> files() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  @Nested
  @DisplayName("a grammers/tgsession file")
  class Grammers {

    @Test
    @DisplayName("peer_info.hash that is not an integer")
    void hashNotAnInteger() throws Exception {
      Path file = session("hash.session");
      sql(file, "UPDATE peer_info SET hash = 'abc' WHERE peer_id = 17");

      assertRefused(file, "peer_info", "peer_id = 17", "hash = 'abc'");
    }

    @Test
    @DisplayName("a subtype out of range")
    void subtypeOutOfRange() throws Exception {
      Path file = session("subtype.session");
      sql(file, "UPDATE peer_info SET subtype = 999 WHERE peer_id = 3");

      assertRefused(file, "peer_info", "peer_id = 3", "subtype = 999");
    }

    @Test
    @DisplayName("a garbage tgsession_peer.usernames blob")
    void garbageUsernames() throws Exception {
      Path file = session("names.session");
      sql(file, "UPDATE tgsession_peer SET usernames = X'DEADBEEF' WHERE peer_id = 5");

      assertRefused(file, "tgsession_peer", "peer_id = 5", "usernames = X'DEADBEEF'");
    }

    @Test
    @DisplayName("dc_home.dc_id 0")
    void homeDcZero() throws Exception {
      Path file = session("home.session");
      sql(file, "UPDATE dc_home SET dc_id = 0");

      assertRefused(file, "dc_home", "dc_id = 0");
    }

    @Test
    @DisplayName("two update_state rows")
    void twoUpdateStateRows() throws Exception {
      Path file = session("state.session");
      sql(file, "INSERT INTO update_state VALUES (5, 6, 7, 8)");

      assertRefused(file, "update_state", "found 2");
    }

    @Test
    @DisplayName("update_state.pts -1")
    void negativePts() throws Exception {
      Path file = session("pts.session");
      sql(file, "UPDATE update_state SET pts = -1");

      assertRefused(file, "update_state", "pts = -1");
    }

    @Test
    @DisplayName("a file whose integrity check fails (a damaged b-tree page)")
    void integrityCheckFails() throws Exception {
      Path file = session("corrupt.session");
      long root;
      int pageSize;
      try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement statement = connection.createStatement()) {
        try (ResultSet rows =
            statement.executeQuery(
                "SELECT rootpage FROM sqlite_master WHERE name = 'tgsession_username'")) {
          root = rows.getLong(1);
        }
        try (ResultSet rows = statement.executeQuery("PRAGMA page_size")) {
          pageSize = rows.getInt(1);
        }
      }
      try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
        raw.seek((root - 1) * pageSize);
        raw.write(new byte[] {0x07}); // not a b-tree page type
      }

      assertRefused(file, "damaged");
    }

    @Test
    @DisplayName("an empty database with user_version 5 is not taken over")
    void emptyWithUserVersion() throws Exception {
      Path file = dir.resolve("foreign.db");
      sql(file, "PRAGMA user_version = 5");

      assertRefused(file, "user_version 5");
    }

    @Test
    @DisplayName("a database holding only a view is not a new database")
    void onlyAView() throws Exception {
      Path file = dir.resolve("view.db");
      sql(file, "CREATE VIEW answer AS SELECT 42");

      assertRefused(file, "not a session");
    }
  }

  @Nested
  @DisplayName("a damaged value found after open")
  class AfterOpen {

    @Test
    @DisplayName("is refused when read, and the next read works on a fresh connection")
    void readerDropped() throws Exception {
      Path file = session("late.session");
      try (Session session = Sessions.open("sqlite:" + file + "?peer-cache=0")) {
        sql(file, "UPDATE peer_info SET hash = 'abc' WHERE peer_id = 9");

        assertThatThrownBy(() -> session.peer(PeerInfo.User.of(9, 1).peerId()))
            .isInstanceOf(IncompatibleSessionException.class)
            .hasMessageContainingAll("peer_id 9", "peer_info.hash = 'abc'");
        assertThat(session.peer(PeerInfo.User.of(10, 1).peerId())).isPresent();
      }
    }
  }
}
