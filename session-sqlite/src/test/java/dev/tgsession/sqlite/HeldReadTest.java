package dev.tgsession.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.spi.EncryptionKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lookups that follow each other closely run in one read transaction held open between them (see
 * {@link HeldRead}); what another instance or process commits meanwhile is read by the next lookup
 * all the same, and another instance's erasing write still empties the WAL.
 */
@DisplayName("a read transaction held between close lookups")
class HeldReadTest {

  /** Enough back-to-back lookups that the last ones run in a held transaction. */
  private static final int LOOKUPS = 200;

  @TempDir Path dir;

  private String uri() {
    return "sqlite:" + dir.resolve("shared.session");
  }

  private static PeerInfo.User user(long id, long hash, List<String> names, String phone) {
    return new PeerInfo.User(id, new PeerAuth(hash), null, null, names, phone);
  }

  private static void lookUp(Session session, String username, String phone) {
    for (int i = 0; i < LOOKUPS; i++) {
      assertThat(session.peerByUsername(username)).isPresent();
      assertThat(session.peerByPhone(phone)).isPresent();
    }
  }

  @Test
  @DisplayName("A's next lookup reads a username and a phone B moved while A was looking them up")
  void anotherInstance() {
    try (Session a = Sessions.open(uri());
        Session b = Sessions.open(uri())) {
      b.cachePeer(user(5, 1000, List.of("x_5"), "15550005"));
      lookUp(a, "x_5", "15550005");

      b.cachePeer(user(6, 6000, List.of("x_5"), "15550005"));

      assertThat(a.peerByUsername("x_5")).map(PeerInfo::peerId).contains(PeerId.user(6));
      assertThat(a.peerByPhone("15550005")).map(PeerInfo::peerId).contains(PeerId.user(6));
      assertThat(a.peer(PeerId.user(5)))
          .as("the old owner, read by id")
          .contains(user(5, 1000, List.of(), null));
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  @DisplayName("each of A's back-to-back lookups reads every hash B committed before it began")
  void concurrentWrites() throws Exception {
    try (Session a = Sessions.open(uri());
        Session b = Sessions.open(uri())) {
      b.cachePeer(user(5, 1, List.of("x_5"), "15550005"));
      AtomicLong committed = new AtomicLong(1);
      Thread writer =
          new Thread(
              () -> {
                for (long hash = 2; hash <= 300; hash++) {
                  b.cachePeer(new PeerInfo.User(5, new PeerAuth(hash), null, null, null, null));
                  committed.set(hash);
                }
              });
      writer.start();
      long reads = 0;
      while (writer.isAlive() || reads == 0) {
        long before = committed.get();
        long read = a.peerByUsername("x_5").orElseThrow().auth().accessHash();
        assertThat(read)
            .as("lookup %d, after hash %d was committed", reads, before)
            .isGreaterThanOrEqualTo(before);
        reads++;
      }
      writer.join();
      assertThat(a.peerByPhone("15550005")).map(PeerInfo::auth).contains(new PeerAuth(300));
    }
  }

  @Test
  @DisplayName("A's own write between lookups is read by the next one")
  void ownWrite() {
    try (Session a = Sessions.open(uri())) {
      a.cachePeer(user(5, 1000, List.of("x_5"), "15550005"));
      lookUp(a, "x_5", "15550005");

      a.cachePeer(user(5, 2000, List.of("y_5"), "15550005"));

      assertThat(a.peerByUsername("x_5")).isEmpty();
      assertThat(a.peerByUsername("y_5")).map(PeerInfo::auth).contains(new PeerAuth(2000));
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  @DisplayName("B encrypting the file while A looks up peers leaves no auth key in file or WAL")
  void erasingWriteOfAnother() throws Exception {
    Path file = dir.resolve("shared.session");
    EncryptionAtRestTest.writePlain(file);
    try (Session a = Sessions.open(uri())) {
      a.cachePeer(user(5, 1000, List.of("x_5"), "15550005"));
      AtomicBoolean done = new AtomicBoolean();
      Thread reader =
          new Thread(
              () -> {
                while (!done.get()) {
                  a.peerByUsername("x_5").orElseThrow();
                }
              });
      reader.start();
      try {
        lookUp(a, "x_5", "15550005");
        try (Session b = Sessions.open(EncryptionAtRestTest.uri(file, keyFile()))) {
          EncryptionAtRestTest.assertKeys(b);
          assertThat(EncryptionAtRestTest.findKey(file))
              .as("file and WAL after B's erasing write, A reading")
              .isNull();
        }
      } finally {
        done.set(true);
        reader.join();
      }
      assertThat(a.peerByUsername("x_5")).isPresent();
    }
  }

  private String keyFile() throws Exception {
    byte[] bytes = new byte[EncryptionKey.LENGTH];
    new Random(1).nextBytes(bytes);
    Path path = dir.resolve("key");
    Files.writeString(path, HexFormat.of().formatHex(bytes));
    return "file:" + path;
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  @DisplayName("A's next lookup reads what another JVM wrote while A was looking it up")
  void anotherProcess() throws Exception {
    try (Session a = Sessions.open(uri())) {
      a.cachePeer(user(5, 1000, List.of("x_5"), "15550005"));
      Path log = dir.resolve("writer.log");
      Process child =
          ChildJvm.of(SqliteCoherenceTest.PeerWriter.class, uri(), "2000")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      while (child.isAlive()) { // back to back until the child has committed and exited
        assertThat(a.peerByUsername("x_5")).isPresent();
      }
      assertThat(child.exitValue()).as(Files.readString(log, StandardCharsets.UTF_8)).isZero();

      assertThat(a.peerByUsername("x_5")).map(PeerInfo::auth).contains(new PeerAuth(2000));
      assertThat(a.peerByPhone("15550005")).map(PeerInfo::auth).contains(new PeerAuth(2000));
    }
  }
}
