package dev.tgsession.sqlite;

import static dev.tgsession.sqlite.TestData.checksum;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.SessionStorageException;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random bytes and bit-flipped copies of real session files (fixed seeds): every refusal is a
 * documented exception with a one-line message of at most 300 characters, and leaves the file byte
 * for byte as it was with no side file; a file that opens reads back without any other exception.
 */
@DisplayName("fuzzed files")
class FileFuzzTest {

  private static final int ROUNDS = 60;

  @TempDir Path dir;

  private byte[] realSession() throws IOException {
    Path file = dir.resolve("real.session");
    try (Session session = Sessions.open("sqlite:" + file)) {
      List<PeerInfo> peers = new ArrayList<>();
      for (int i = 1; i <= 150; i++) {
        peers.add(
            new PeerInfo.User(
                i,
                new PeerAuth(i * 31L),
                i % 20 == 0,
                null,
                List.of("n" + i),
                i % 10 == 0 ? "1555" + i : null));
      }
      peers.add(new PeerInfo.Channel(7, new PeerAuth(70), null, List.of("chan")));
      peers.add(new PeerInfo.Chat(9));
      session.cachePeers(peers);
      session.setDcOption(
          TestData.dc(2, "149.154.167.51", "2001:67c:4e8:f002::a", 443, TestData.key(3)));
      session.setHomeDcId(2);
      session.setUpdateState(new UpdateState.All(new UpdatesState(5, 6, 7, 8, List.of())));
      session.setUpdateState(new UpdateState.Channel(7, 77));
    }
    byte[] bytes = Files.readAllBytes(file);
    Files.delete(file);
    return bytes;
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  /** Runs {@code use} on a file holding {@code bytes}; checks what a refusal must be. */
  private void check(String name, byte[] bytes, Consumer<Path> use) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, bytes);
    String before = checksum(file);
    List<Path> filesBefore = files();
    try {
      use.accept(file);
    } catch (IncompatibleSessionException | SessionStorageException e) {
      String message = e.getMessage();
      assertThat(message).as("message of %s", name).isNotNull().doesNotContain("\n", "\r");
      assertThat(message.length()).as("length of: %s", message).isLessThanOrEqualTo(300);
      assertThat(checksum(file)).as("%s after: %s", name, message).isEqualTo(before);
      assertThat(files()).as("side files after: %s", message).isEqualTo(filesBefore);
    }
    Files.delete(file);
    for (String side : new String[] {"-wal", "-shm", "-journal"}) {
      Files.deleteIfExists(dir.resolve(name + side));
    }
  }

  private static void openAndRead(Path file) {
    try (Session session = Sessions.open("sqlite:" + file)) {
      session.snapshot();
    }
  }

  @Test
  @DisplayName("random bytes, with and without SQLite's header, as sqlite: files")
  void randomBytes() throws IOException {
    Random random = new Random(20261130);
    byte[] header = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    for (int round = 0; round < ROUNDS; round++) {
      byte[] bytes = new byte[1 + random.nextInt(3 * 4096)];
      random.nextBytes(bytes);
      if (round % 2 == 0 && bytes.length > header.length) {
        System.arraycopy(header, 0, bytes, 0, header.length);
      }
      check("random-" + round + ".session", bytes, FileFuzzTest::openAndRead);
    }
  }

  @Test
  @DisplayName("bit-flipped copies of a session file of ours")
  void flippedSession() throws IOException {
    byte[] real = realSession();
    Random random = new Random(7);
    for (int round = 0; round < ROUNDS; round++) {
      check("flipped-" + round + ".session", flip(real, random), FileFuzzTest::openAndRead);
    }
  }

  private static byte[] flip(byte[] real, Random random) {
    byte[] bytes = real.clone();
    int flips = 1 + random.nextInt(16);
    for (int i = 0; i < flips; i++) {
      int bit = random.nextInt(bytes.length * 8);
      bytes[bit / 8] ^= (byte) (1 << (bit % 8));
    }
    return bytes;
  }

  @Test
  @DisplayName("the real files themselves are read")
  void realFilesRead() throws IOException {
    byte[] real = realSession();
    Path file = dir.resolve("ok.session");
    Files.write(file, real);
    try (Session session = Sessions.open("sqlite:" + file)) {
      SessionData data = session.snapshot();
      assertThat(data.peers()).hasSize(152);
    }
  }
}
