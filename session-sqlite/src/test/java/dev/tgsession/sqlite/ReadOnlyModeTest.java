package dev.tgsession.sqlite;

import static dev.tgsession.sqlite.TestData.checksum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code mode=read-only}: the file must exist, and nothing is written, converted or created. */
@DisplayName("read-only opens")
class ReadOnlyModeTest {

  @TempDir Path dir;

  List<Path> files() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sqlite:", "sqlite://", "sqlite:///"})
  @DisplayName("a missing file is refused in every path form, and not created")
  void missingFile(String prefix) {
    Path file = dir.resolve("missing.session");
    String path = prefix.equals("sqlite:///") ? file.toString().substring(1) : file.toString();

    assertThatThrownBy(() -> Sessions.open(prefix + path + "?mode=read-only"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("existing session file")
        .hasMessageContaining(file.toString());
    assertThat(file).doesNotExist();
  }

  @Test
  @DisplayName("a session file of ours is read, left byte for byte as it was, with no side files")
  void ourFile() throws IOException {
    Path file = dir.resolve("ours.session");
    PeerInfo.User user = new PeerInfo.User(5, new PeerAuth(55), true, null, List.of("five"), "123");
    try (Session session = Sessions.open("sqlite:" + file)) {
      session.cachePeer(user);
      session.setHomeDcId(4);
    }
    String before = checksum(file);

    try (Session session = Sessions.open("sqlite:" + file + "?mode=read-only")) {
      assertThat(session.peer(PeerId.user(5))).contains(user);
      assertThat(session.peerByUsername("five")).contains(user);
      assertThat(session.homeDcId()).isEqualTo(4);
      assertThatThrownBy(() -> session.cachePeer(PeerInfo.User.of(6, 6)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("read-only");
      assertThat(files()).containsExactly(file);
    }
    assertThat(checksum(file)).isEqualTo(before);
    assertThat(files()).containsExactly(file);
  }

  @Test
  @DisplayName("a grammers file without our tables is read as grammers reads it, not migrated")
  void grammersFile() throws Exception {
    Path file = dir.resolve("grammers.session");
    IncompatibleFileTest.sql(file, GrammersFileTest.GRAMMERS_DDL.toArray(String[]::new));
    IncompatibleFileTest.sql(
        file,
        "PRAGMA user_version = 1",
        "INSERT INTO dc_home VALUES (3)",
        "INSERT INTO peer_info VALUES (1001, 5, 2)");
    String before = checksum(file);

    try (Session session = Sessions.open("sqlite:" + file + "?mode=read-only")) {
      assertThat(session.homeDcId()).isEqualTo(3);
      assertThat(session.peer(PeerId.user(1001)))
          .contains(new PeerInfo.User(1001, new PeerAuth(5), true, false, null, null));
      assertThat(session.peerCount()).isOne();
    }
    assertThat(checksum(file)).as("not migrated, not converted to WAL").isEqualTo(before);
    assertThat(files()).containsExactly(file);
  }

  @Test
  @DisplayName("an unknown mode is refused with the valid ones")
  void unknownMode() {
    assertThatThrownBy(() -> Sessions.open("sqlite:" + dir.resolve("x.session") + "?mode=ro"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("read-write", "read-only", "'ro'");
    assertThat(dir.resolve("x.session")).doesNotExist();
  }
}
