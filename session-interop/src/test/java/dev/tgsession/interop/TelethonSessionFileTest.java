package dev.tgsession.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.AuthKey;
import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.Sessions;
import dev.tgsession.UpdatesState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads the Telethon files that {@code src/test/resources/telethon/generate.py} wrote with the real
 * Telethon 1.25.1, and compares every value with the manifest the script wrote beside each file.
 */
@DisplayName("TelethonSessionFile")
class TelethonSessionFileTest {

  @TempDir Path dir;

  /** What the generator's manifest says an exact import gives. */
  record Manifest(
      int home,
      Map<Integer, String[]> dcs,
      Map<Long, String[]> peers,
      int peerCount,
      UpdatesState state) {

    static Manifest of(String fixture) throws IOException {
      int home = 0;
      Map<Integer, String[]> dcs = new TreeMap<>();
      Map<Long, String[]> peers = new TreeMap<>();
      int count = -1;
      int[] state = new int[4];
      List<ChannelState> channels = new ArrayList<>();
      for (String line : Files.readAllLines(resource(fixture + ".csv"))) {
        String[] f = line.split(",", -1);
        switch (f[0]) {
          case "home" -> home = Integer.parseInt(f[1]);
          case "dc" -> dcs.put(Integer.parseInt(f[1]), f);
          case "peer" -> peers.put(Long.parseLong(f[1]), f);
          case "peers" -> count = Integer.parseInt(f[1]);
          case "state" -> {
            for (int i = 0; i < 4; i++) {
              state[i] = Integer.parseInt(f[i + 1]);
            }
          }
          case "channel" ->
              channels.add(new ChannelState(Long.parseLong(f[1]), Integer.parseInt(f[2])));
          default -> throw new AssertionError("unknown manifest line " + line);
        }
      }
      return new Manifest(
          home,
          dcs,
          peers,
          count,
          new UpdatesState(state[0], state[1], state[2], state[3], channels));
    }
  }

  static Path resource(String name) {
    try {
      return Path.of(TelethonSessionFileTest.class.getResource("/telethon/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Compares everything, then reports every difference at once. */
  static void assertMatchesManifest(SessionData data, Manifest manifest) throws IOException {
    List<String> wrong = new ArrayList<>();
    check(wrong, "home DC", data.homeDcId(), manifest.home());
    for (String[] dc : manifest.dcs().values()) {
      int id = Integer.parseInt(dc[1]);
      DcOption option = data.dcOptions().get(id);
      if (option == null) {
        wrong.add("DC " + id + " missing");
        continue;
      }
      InetAddress address = InetAddress.getByName(dc[2]);
      DcOption known = KnownDcs.get(id).orElseThrow();
      boolean v6 = dc[2].contains(":");
      InetSocketAddress given = v6 ? option.ipv6() : option.ipv4();
      check(wrong, "DC " + id + " address", given.getAddress(), address);
      check(wrong, "DC " + id + " port", given.getPort(), Integer.parseInt(dc[3]));
      check(
          wrong,
          "DC " + id + " other family from KnownDcs",
          v6 ? option.ipv4() : option.ipv6(),
          v6 ? known.ipv4() : known.ipv6());
      AuthKey key = option.authKey();
      check(
          wrong,
          "DC " + id + " auth key SHA-256",
          key == null ? "none" : sha256(key.bytes()),
          dc[4]);
    }
    check(wrong, "peer count", data.peers().size(), manifest.peerCount());
    for (String[] expected : manifest.peers().values()) {
      PeerId id = new PeerId(Long.parseLong(expected[1]));
      PeerInfo peer = data.peers().get(id);
      if (peer == null) {
        wrong.add("peer " + id + " missing");
        continue;
      }
      String kind =
          peer instanceof PeerInfo.User
              ? "user"
              : peer instanceof PeerInfo.Chat ? "chat" : "channel";
      check(wrong, "kind of " + id, kind, expected[2]);
      check(wrong, "hash of " + id, peer.authOrAmbient().accessHash(), Long.parseLong(expected[3]));
      List<String> usernames = peer.usernames() == null ? List.of() : peer.usernames();
      check(
          wrong,
          "usernames of " + id,
          usernames,
          expected[4].isEmpty() ? List.of() : List.of(expected[4]));
      String phone = peer instanceof PeerInfo.User user ? user.phone() : null;
      check(wrong, "phone of " + id, phone == null ? "" : phone, expected[5]);
      if (peer instanceof PeerInfo.User user) {
        check(
            wrong,
            "bot and self flags of " + id + " (Telethon has none)",
            Arrays.asList(user.bot(), user.self()),
            Arrays.asList(null, null));
      }
      if (peer instanceof PeerInfo.Channel channel) {
        check(wrong, "kind of channel " + id, channel.kind(), null);
      }
    }
    check(wrong, "updates state", data.updatesState(), manifest.state());
    assertThat(wrong).as("differences from the manifest").isEmpty();
  }

  static void check(List<String> wrong, String what, Object actual, Object expected) {
    if (!java.util.Objects.equals(actual, expected)) {
      wrong.add(what + ": expected " + expected + ", found " + actual);
    }
  }

  @ParameterizedTest(name = "{0}.session imports exactly as its manifest says")
  @ValueSource(strings = {"small", "large", "fresh"})
  void importsFixture(String fixture) throws IOException {
    SessionData data = TelethonSessionFile.read(resource(fixture + ".session"));

    assertMatchesManifest(data, Manifest.of(fixture));
  }

  @Test
  @DisplayName("the large fixture has thousands of entities, all imported")
  void largeFixtureIsLarge() throws IOException {
    SessionData data = TelethonSessionFile.read(resource("large.session"));

    assertThat(data.peers()).hasSizeGreaterThan(5000);
    assertThat(data.updatesState().channels()).hasSize(1000);
    Map<String, Long> kinds =
        data.peers().keySet().stream()
            .collect(Collectors.groupingBy(id -> id.kind().name(), Collectors.counting()));
    assertThat(kinds).containsOnlyKeys("USER", "CHAT", "CHANNEL");
  }

  @Test
  @DisplayName("a username or phone seen on two entities goes to the most recently seen one")
  void latestSightingKeepsUsernameAndPhone() {
    SessionData data = TelethonSessionFile.read(resource("large.session"));

    PeerInfo.User newer = (PeerInfo.User) data.peers().get(PeerId.user(9_000_001));
    assertThat(newer.usernames()).containsExactly("user_3");
    assertThat(newer.phone()).isEqualTo("1555000006");
    PeerInfo.User older = (PeerInfo.User) data.peers().get(PeerId.user(100_000 + 3 * 7919));
    assertThat(older.usernames()).isEmpty();
    PeerInfo.User phoneLoser = (PeerInfo.User) data.peers().get(PeerId.user(100_000 + 6 * 7919));
    assertThat(phoneLoser.phone()).isNull();
  }

  @Test
  @DisplayName("the imported data copies into an sqlite: session and reads back the same")
  void importsIntoSqliteSession() {
    SessionData data = TelethonSessionFile.read(resource("small.session"));
    Path target = dir.resolve("imported.session");

    try (Session session = Sessions.open("sqlite:" + target)) {
      TestFiles.load(session, data);
    }
    try (Session session = Sessions.open("sqlite:" + target)) {
      assertThat(session.snapshot()).isEqualTo(data);
    }
  }

  @Test
  @DisplayName("reading leaves the Telethon file byte-for-byte untouched")
  void readLeavesFileUntouched() throws IOException {
    Path copy = dir.resolve("small.session");
    Files.copy(resource("small.session"), copy);
    byte[] before = Files.readAllBytes(copy);

    TelethonSessionFile.read(copy);

    assertThat(Files.readAllBytes(copy)).isEqualTo(before);
    assertThat(Files.list(dir)).containsExactly(copy);
  }

  @Test
  @DisplayName("opening a Telethon file as sqlite: is refused with a hint to import it")
  void sqliteSchemeRefusesTelethonFile() throws IOException {
    Path copy = dir.resolve("small.session");
    Files.copy(resource("small.session"), copy);
    String before = sha256(Files.readAllBytes(copy));

    assertThatThrownBy(() -> Sessions.open("sqlite:" + copy))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining("Telethon")
        .hasMessageContaining("tgsession import telethon-file " + copy);
    assertThat(sha256(Files.readAllBytes(copy))).isEqualTo(before);
  }

  @Test
  @DisplayName("a grammers/tgsession file is not a Telethon file")
  void refusesGrammersFile() {
    Path file = dir.resolve("ours.session");
    Sessions.open("sqlite:" + file).close();

    assertThatThrownBy(() -> TelethonSessionFile.read(file))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining("grammers/tgsession file");
  }

  @Test
  @DisplayName("a file that is not SQLite is refused")
  void refusesNonSqlite() throws IOException {
    Path file = Files.writeString(dir.resolve("notes.session"), "hello, this is text\n");

    assertThatThrownBy(() -> TelethonSessionFile.read(file))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining("not SQLite");
  }
}
