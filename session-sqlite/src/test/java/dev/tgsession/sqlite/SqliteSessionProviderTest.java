package dev.tgsession.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.spi.Capability;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("the sqlite: provider")
class SqliteSessionProviderTest {

  @TempDir Path dir;

  @Test
  @DisplayName("is registered for scheme sqlite with DURABLE and SHARED")
  void registered() {
    assertThat(Sessions.schemes()).contains("sqlite");
    assertThat(Sessions.capabilities("sqlite"))
        .containsExactlyInAnyOrder(
            Capability.DURABLE,
            Capability.SHARED,
            Capability.LEASE,
            Capability.ATOMIC_BATCH,
            Capability.ENCRYPTION,
            Capability.DIRECTORY);
  }

  @Test
  @DisplayName("sqlite:/absolute/path and sqlite:///absolute/path name the same file")
  void absolutePaths() {
    Path file = dir.resolve("abs.session");
    try (Session session = Sessions.open("sqlite:" + file)) {
      session.cachePeer(PeerInfo.User.of(5, 55));
    }

    try (Session session = Sessions.open("sqlite://" + file)) {
      assertThat(session.peer(PeerId.user(5))).isPresent();
    }
  }

  @Test
  @DisplayName("sqlite:relative.session is relative to the working directory")
  void relativePath() throws IOException {
    String name = "target/relative-" + ProcessHandle.current().pid() + ".session";
    Path file = Path.of(name).toAbsolutePath();
    try {
      try (Session session = Sessions.open("sqlite:" + name)) {
        session.setHomeDcId(4);
      }
      assertThat(file).exists();
      try (Session session = Sessions.open("sqlite:" + file)) {
        assertThat(session.homeDcId()).isEqualTo(4);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  @DisplayName("busy-timeout sets SQLite's busy timeout")
  void busyTimeout() throws Exception {
    Path file = dir.resolve("busy.session");
    try (Session session = Sessions.open("sqlite:" + file + "?busy-timeout=1234")) {
      assertThat(session.peerCount()).isZero();
    }
    assertThatThrownBy(() -> Sessions.open("sqlite:" + file + "?busy-timeout=-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("busy-timeout");
    assertThatThrownBy(() -> Sessions.open("sqlite:" + file + "?busy-timeout=soon"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("busy-timeout");
  }

  @Test
  @DisplayName("an unknown option is rejected with the valid ones listed")
  void unknownOption() {
    assertThatThrownBy(() -> Sessions.open("sqlite:" + dir.resolve("x.session") + "?journal=off"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("journal")
        .hasMessageContaining("busy-timeout");
    assertThat(dir.resolve("x.session")).doesNotExist();
  }

  @Test
  @DisplayName("session= is rejected: a file holds one session")
  void sessionOptionRejected() {
    assertThatThrownBy(() -> Sessions.open("sqlite:" + dir.resolve("y.session") + "?session=bot"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one session")
        .hasMessageContaining("one file per session");
    assertThat(dir.resolve("y.session")).doesNotExist();
  }

  @Test
  @DisplayName("a host, an empty path or a missing directory are rejected clearly")
  void badPaths() {
    assertThatThrownBy(() -> Sessions.open("sqlite://host/file.session"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no host");
    assertThatThrownBy(() -> Sessions.open("sqlite:"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sqlite:FILE");
    assertThatThrownBy(() -> Sessions.open("sqlite:" + dir.resolve("missing/dir/z.session")))
        .isInstanceOf(dev.tgsession.SessionStorageException.class)
        .hasMessageContaining("directory");
  }

  @Test
  @DisplayName("a new file, its -wal and -shm are owner-only (0600)")
  void ownerOnlyPermissions() throws IOException {
    Assumptions.assumeTrue(
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "the file system has no POSIX permissions");
    Path file = dir.resolve("private.session");
    Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");

    try (Session session = Sessions.open("sqlite:" + file)) {
      session.cachePeer(PeerInfo.User.of(1, 2));
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files)
            .extracting(path -> path.getFileName().toString())
            .contains("private.session", "private.session-wal", "private.session-shm");
      }
      try (Stream<Path> files = Files.list(dir)) {
        files.forEach(
            path -> {
              try {
                assertThat(Files.getPosixFilePermissions(path)).as("%s", path).isEqualTo(ownerOnly);
              } catch (IOException e) {
                throw new AssertionError(e);
              }
            });
      }
    }
  }

  @Test
  @DisplayName("an existing file keeps its permissions")
  void existingPermissionsKept() throws IOException {
    Assumptions.assumeTrue(
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "the file system has no POSIX permissions");
    Path file = dir.resolve("shared.session");
    Sessions.open("sqlite:" + file).close();
    Set<PosixFilePermission> groupReadable = PosixFilePermissions.fromString("rw-r-----");
    Files.setPosixFilePermissions(file, groupReadable);

    Sessions.open("sqlite:" + file).close();

    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(groupReadable);
  }

  @Test
  @DisplayName("the file is in WAL mode with our schema version recorded")
  void walAndSchemaVersion() throws Exception {
    Path file = dir.resolve("wal.session");
    Sessions.open("sqlite:" + file).close();

    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement()) {
      try (ResultSet rows = statement.executeQuery("PRAGMA journal_mode")) {
        rows.next();
        assertThat(rows.getString(1)).isEqualTo("wal");
      }
      try (ResultSet rows = statement.executeQuery("SELECT version FROM tgsession_schema")) {
        rows.next();
        assertThat(rows.getInt(1)).isEqualTo(Schema.CURRENT_VERSION);
      }
    }
  }

  @Test
  @DisplayName("messages and toString name the file, and close is idempotent")
  void toStringAndClose() {
    Path file = dir.resolve("named.session");
    Session session = Sessions.open("sqlite:" + file);
    assertThat(session.toString()).contains(file.toString());
    session.close();
    session.close();
    assertThatThrownBy(session::peerCount)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.toString());
  }
}
