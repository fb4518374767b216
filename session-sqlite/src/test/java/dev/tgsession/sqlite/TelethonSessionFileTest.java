package dev.tgsession.sqlite;

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
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
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

  static void assertMatchesManifest(SessionData data, Manifest manifest) throws IOException {
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(data.homeDcId()).as("home DC").isEqualTo(manifest.home());
    for (String[] dc : manifest.dcs().values()) {
      int id = Integer.parseInt(dc[1]);
      DcOption option = data.dcOptions().get(id);
      soft.assertThat(option).as("DC %d", id).isNotNull();
      if (option == null) {
        continue;
      }
      InetAddress address = InetAddress.getByName(dc[2]);
      DcOption known = KnownDcs.get(id).orElseThrow();
      if (dc[2].contains(":")) {
        soft.assertThat(option.ipv6().getAddress()).as("DC %d IPv6", id).isEqualTo(address);
        soft.assertThat(option.ipv6().getPort()).as("DC %d port", id).isEqualTo(443);
        soft.assertThat(option.ipv4()).as("DC %d IPv4 from KnownDcs", id).isEqualTo(known.ipv4());
      } else {
        soft.assertThat(option.ipv4().getAddress()).as("DC %d IPv4", id).isEqualTo(address);
        soft.assertThat(option.ipv4().getPort()).as("DC %d port", id).isEqualTo(443);
        soft.assertThat(option.ipv6()).as("DC %d IPv6 from KnownDcs", id).isEqualTo(known.ipv6());
      }
      AuthKey key = option.authKey();
      soft.assertThat(key == null ? "none" : sha256(key.bytes()))
          .as("DC %d auth key SHA-256", id)
          .isEqualTo(dc[4]);
    }
    soft.assertThat(data.peers()).as("peer count").hasSize(manifest.peerCount());
    for (String[] expected : manifest.peers().values()) {
      PeerId id = new PeerId(Long.parseLong(expected[1]));
      PeerInfo peer = data.peers().get(id);
      soft.assertThat(peer).as("peer %s", id).isNotNull();
      if (peer == null) {
        continue;
      }
      String kind =
          peer instanceof PeerInfo.User
              ? "user"
              : peer instanceof PeerInfo.Chat ? "chat" : "channel";
      soft.assertThat(kind).as("kind of %s", id).isEqualTo(expected[2]);
      soft.assertThat(peer.authOrAmbient().accessHash())
          .as("hash of %s", id)
          .isEqualTo(Long.parseLong(expected[3]));
      List<String> usernames = peer.usernames() == null ? List.of() : peer.usernames();
      soft.assertThat(usernames)
          .as("usernames of %s", id)
          .isEqualTo(expected[4].isEmpty() ? List.of() : List.of(expected[4]));
      String phone = peer instanceof PeerInfo.User user ? user.phone() : null;
      soft.assertThat(phone == null ? "" : phone).as("phone of %s", id).isEqualTo(expected[5]);
      if (peer instanceof PeerInfo.User user) {
        soft.assertThat(user.bot()).as("bot flag of %s (Telethon does not keep it)", id).isNull();
        soft.assertThat(user.self()).as("self flag of %s", id).isNull();
      }
      if (peer instanceof PeerInfo.Channel channel) {
        soft.assertThat(channel.kind()).as("kind of channel %s", id).isNull();
      }
    }
    soft.assertThat(data.updatesState()).as("updates state").isEqualTo(manifest.state());
    soft.assertAll();
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
      TestData.load(session, data);
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
