package dev.tgsession.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.SessionStore;
import dev.tgsession.SessionSummary;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.spi.EncryptionKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("a directory of session files (Sessions.store(\"sqlite:DIR/\"))")
class SqliteDirectoryTest {

  @TempDir Path dir;

  private SessionStore store() {
    return Sessions.store("sqlite:" + dir + "/");
  }

  private void write(String name, int peers) {
    try (Session session = Sessions.open("sqlite:" + dir.resolve(name + ".session"))) {
      for (int i = 1; i <= peers; i++) {
        session.cachePeer(PeerInfo.User.of(i, i));
      }
    }
  }

  private static List<String> names(Stream<SessionSummary> summaries) {
    try (summaries) {
      return summaries.map(SessionSummary::name).toList();
    }
  }

  @Test
  @DisplayName(
      "lists NAME.session files in name order (case-sensitive), by prefix, and nothing else")
  void listsInNameOrder() throws Exception {
    for (String name : List.of("bot-2", "Bot", "bot-10", "bot", "alice")) {
      write(name, 1);
    }
    Files.writeString(dir.resolve("notes.txt"), "not a session");
    Files.writeString(dir.resolve("text.session"), "not SQLite either");
    Files.writeString(dir.resolve("bad name.session"), "");
    Files.createDirectory(dir.resolve("folder.session"));
    try (SessionStore store = store()) {
      assertThat(names(store.list(""))).containsExactly("Bot", "alice", "bot", "bot-10", "bot-2");
      assertThat(names(store.list("bot-"))).containsExactly("bot-10", "bot-2");
      assertThat(names(store.list("B"))).containsExactly("Bot");
      assertThat(names(store.list("zzz"))).isEmpty();
    }
  }

  @Test
  @DisplayName("a summary is exact: home DC, self user, peers, last write, lease, fingerprint")
  void summariesAreExact() throws Exception {
    Path file = dir.resolve("full.session");
    try (Session session = Sessions.open("sqlite:" + file)) {
      session.setHomeDcId(4);
      session.cachePeer(new PeerInfo.User(77, null, false, true, null, null));
      session.cachePeer(PeerInfo.User.of(5, 5));
      session.setUpdateState(new UpdateState.Secondary(3));
    }
    write("empty", 0);
    try (SessionStore store = store()) {
      SessionSummary full = store.summary("full").orElseThrow();
      assertThat(full.homeDcId()).isEqualTo(4);
      assertThat(full.selfUserId()).isEqualTo(77L);
      assertThat(full.peerCount()).isEqualTo(2);
      assertThat(full.updatedAt()).isEqualTo(Files.getLastModifiedTime(file).toInstant());
      assertThat(full.lease()).isEmpty();
      assertThat(full.encryptionFingerprint()).isNull();

      SessionSummary empty = store.summary("empty").orElseThrow();
      assertThat(empty.homeDcId()).isEqualTo(2);
      assertThat(empty.selfUserId()).isNull();
      assertThat(empty.peerCount()).isZero();
      assertThat(store.summary("missing")).isEmpty();
    }
  }

  @Test
  @DisplayName("a summary names the holder of a lease and the fingerprint of the encryption key")
  void leaseAndFingerprint() throws Exception {
    byte[] bytes = new byte[EncryptionKey.LENGTH];
    new Random(7).nextBytes(bytes);
    Path keyFile = dir.resolve("key");
    Files.writeString(keyFile, HexFormat.of().formatHex(bytes));
    Path file = dir.resolve("sealed.session");
    try (Session session =
        Sessions.open(
            "sqlite:" + file + "?encryption-key=file:" + keyFile + "&lease=30&owner=me")) {
      String fingerprint = session.encryption().orElseThrow().fingerprint().orElseThrow();
      try (SessionStore store = store()) {
        SessionSummary summary = store.summary("sealed").orElseThrow();
        assertThat(summary.encryptionFingerprint()).isEqualTo(fingerprint);
        assertThat(summary.lease()).isPresent();
        assertThat(summary.lease().orElseThrow().owner()).isEqualTo("me");
      }
    }
  }

  @Test
  @DisplayName("reading summaries changes nothing: same bytes, same time, no side files")
  void summariesChangeNothing() throws Exception {
    write("quiet", 3);
    Path file = dir.resolve("quiet.session");
    String checksum = TestData.checksum(file);
    FileTime modified = Files.getLastModifiedTime(file);
    List<Path> before;
    try (Stream<Path> files = Files.list(dir)) {
      before = files.sorted().toList();
    }
    try (SessionStore store = store()) {
      assertThat(names(store.list(""))).containsExactly("quiet");
      assertThat(store.summary("quiet")).isPresent();
    }
    assertThat(TestData.checksum(file)).isEqualTo(checksum);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(modified);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.sorted().toList()).isEqualTo(before);
    }
  }

  @Test
  @DisplayName("open(name) opens DIR/name.session with the store's options")
  void opensByName() {
    try (SessionStore store = Sessions.store("sqlite:" + dir + "?peer-cache=0");
        Session session = store.open("fresh")) {
      session.cachePeer(PeerInfo.User.of(9, 9));
    }
    assertThat(Files.exists(dir.resolve("fresh.session"))).isTrue();
    try (SessionStore store = store()) {
      assertThat(store.summary("fresh").orElseThrow().peerCount()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("delete removes the file and its side files, and the session stays gone")
  void deleteRemovesEverything() throws Exception {
    write("gone", 2);
    write("kept", 2);
    Session open = Sessions.open("sqlite:" + dir.resolve("gone.session"));
    open.peerCount(); // -wal and -shm exist while it is open
    assertThat(Files.exists(dir.resolve("gone.session-wal"))).isTrue();
    try (SessionStore store = store()) {
      assertThat(store.delete("gone")).isTrue();
      assertThat(store.delete("gone")).isFalse();
      assertThat(names(store.list(""))).containsExactly("kept");
    } finally {
      open.close();
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(name -> name.startsWith("gone.session"));
    }
  }

  @Test
  @DisplayName("delete refuses a session another owner leases; forceDelete fences the holder")
  void deleteRespectsLeases() throws Exception {
    Path file = dir.resolve("held.session");
    try (Session holder = Sessions.open("sqlite:" + file + "?lease=30&owner=holder")) {
      holder.cachePeer(PeerInfo.User.of(1, 1));
      try (SessionStore store = store()) {
        assertThatThrownBy(() -> store.delete("held"))
            .isInstanceOf(SessionLeasedException.class)
            .hasMessageContaining("holder");
        assertThat(Files.exists(file)).isTrue();
        assertThat(holder.peer(PeerId.user(1))).isPresent();

        assertThat(store.forceDelete("held")).isTrue();
        assertThat(Files.exists(file)).isFalse();
      }
      assertThatThrownBy(() -> holder.cachePeer(PeerInfo.User.of(2, 2)))
          .isInstanceOf(SessionLeaseLostException.class);
    }
  }

  @Test
  @DisplayName("bad input: a file for a directory, a directory for a file, a bad name, session=")
  void badInput() throws Exception {
    write("file", 0);
    assertThatThrownBy(() -> Sessions.store("sqlite:" + dir.resolve("file.session")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("found a file");
    assertThatThrownBy(() -> Sessions.store("sqlite:" + dir.resolve("missing")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("found nothing");
    assertThat(Files.exists(dir.resolve("missing"))).isFalse();
    assertThatThrownBy(() -> Sessions.open("sqlite:" + dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("found a directory");
    assertThatThrownBy(() -> Sessions.store("sqlite:" + dir + "?session=a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("session=");
    assertThatThrownBy(() -> Sessions.open("sqlite:" + dir.resolve("x.session") + "?session=a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one session");
    assertThat(Files.exists(dir.resolve("x.session"))).isFalse();
    try (SessionStore store = store()) {
      for (String bad : List.of("", "../file", "a/b", ".hidden", "sp ace", "x".repeat(201))) {
        assertThatThrownBy(() -> store.open(bad))
            .as("'%s'", bad)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("expected a session name");
        assertThatThrownBy(() -> store.delete(bad)).isInstanceOf(IllegalArgumentException.class);
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsOnly("file.session");
    }
  }
}
