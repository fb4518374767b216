package dev.tgsession.interop;

import static dev.tgsession.interop.SessionFileFixtures.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tgsession.ChannelKind;
import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionData;
import dev.tgsession.TempAuthKey;
import dev.tgsession.UpdatesState;
import dev.tgsession.interop.PyrogramSessionFile.Layout;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Session files made by the real libraries (fixtures/interop/session_files.py) read as the library
 * itself reads them: the manifest records what Telethon 1.25.1, Pyrogram and Kurigram read back.
 */
@DisplayName("session files of other libraries")
class SessionFilesTest {

  @TempDir Path dir;

  static List<String> telethonFiles() {
    return SessionFileFixtures.telethonFiles();
  }

  /** The peer of {@code data} that a username or phone resolves to (as a library would). */
  static Optional<PeerInfo> byUsername(SessionData data, String username) {
    return data.peers().values().stream()
        .filter(p -> p.usernames() != null && p.usernames().contains(username))
        .findFirst();
  }

  static Optional<PeerInfo> byPhone(SessionData data, String phone) {
    return data.peers().values().stream()
        .filter(p -> p instanceof PeerInfo.User u && phone.equals(u.phone()))
        .findFirst();
  }

  /** Checks every lookup the library answered (by id, username, phone) gives the same peer. */
  static void assertResolvesAsLibrary(SessionData data, JsonNode resolved) {
    resolved
        .properties()
        .forEach(
            entry -> {
              String[] key = entry.getKey().split(":", 2);
              JsonNode answer = entry.getValue();
              Optional<PeerInfo> ours =
                  switch (key[0]) {
                    case "id" ->
                        Optional.ofNullable(data.peers().get(new PeerId(Long.parseLong(key[1]))));
                    case "username" -> byUsername(data, key[1]);
                    default -> byPhone(data, key[1].replace("+", ""));
                  };
              if (answer.isNull()) {
                assertThat(ours).as(entry.getKey()).isEmpty();
                return;
              }
              assertThat(ours).as(entry.getKey()).isPresent();
              PeerInfo peer = ours.get();
              String kind = answer.get(0).asText().toLowerCase();
              long id = answer.get(1).asLong();
              assertThat(peer.peerId().bareId()).as(entry.getKey()).isEqualTo(id);
              if (kind.contains("chat")) {
                assertThat(peer).isInstanceOf(PeerInfo.Chat.class);
              } else {
                assertThat(peer.authOrAmbient().accessHash())
                    .as("access hash of %s", entry.getKey())
                    .isEqualTo(answer.get(2).asLong());
                assertThat(peer)
                    .isInstanceOf(
                        kind.contains("user") ? PeerInfo.User.class : PeerInfo.Channel.class);
              }
            });
  }

  /** A peer with no usernames and one whose usernames are unknown read the same from a file. */
  static PeerInfo normalized(PeerInfo peer) {
    if (peer.usernames() == null || !peer.usernames().isEmpty()) {
      return peer;
    }
    return peer instanceof PeerInfo.User user
        ? user.withUsernames(null)
        : ((PeerInfo.Channel) peer).withUsernames(null);
  }

  static SessionData normalized(SessionData data) {
    Map<PeerId, PeerInfo> peers = new java.util.HashMap<>();
    data.peers().forEach((id, peer) -> peers.put(id, normalized(peer)));
    return new SessionData(data.homeDcId(), data.dcOptions(), peers, data.updatesState())
        .withExtras(
            data.mediaDcOptions(),
            data.tempAuthKeys(),
            data.mediaTempAuthKeys(),
            data.homeDcFamily());
  }

  @Nested
  @DisplayName("Telethon files")
  class Telethon {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tgsession.interop.SessionFilesTest#telethonFiles")
    @DisplayName("versions 1 to 7 read as Telethon 1.25.1 reads them after its own upgrade")
    void readsAsTelethon(String name) throws IOException {
      JsonNode read = SessionFileFixtures.manifest().get(name).get("read");
      Path file = SessionFileFixtures.copy(name, dir);
      String before = TestFiles.checksum(file);

      TelethonSessionFile.Contents contents = TelethonSessionFile.readContents(file);
      SessionData data = contents.session();

      assertThat(contents.version())
          .isEqualTo(SessionFileFixtures.manifest().get(name).get("version").asInt());
      assertThat(data.homeDcId()).isEqualTo(read.get("dc_id").asInt());
      DcOption home = data.dcOptions().get(data.homeDcId());
      String address = read.get("server_address").asText();
      assertThat(
              address.contains(":")
                  ? home.ipv6().getAddress().getHostAddress()
                  : home.ipv4().getAddress().getHostAddress())
          .isEqualTo(address.contains(":") ? "2001:67c:4e8:f002:0:0:0:a" : address);
      assertThat(address.contains(":") ? home.ipv6().getPort() : home.ipv4().getPort())
          .isEqualTo(read.get("port").asInt());
      assertThat(sha256(home.authKey().bytes())).isEqualTo(read.get("auth_key_sha256").asText());
      List<Long> ids = new ArrayList<>();
      read.get("entities").forEach(e -> ids.add(e.get(0).asLong()));
      assertThat(data.peers().keySet().stream().map(PeerId::botApiDialogId))
          .containsExactlyInAnyOrderElementsOf(ids);
      if (!ids.isEmpty()) {
        assertResolvesAsLibrary(data, read.get("resolved"));
      }
      assertThat(data.updatesState()).isEqualTo(state(read.get("update_state")));
      assertThat(contents.dropped().stream().anyMatch(d -> d.startsWith("takeout_id")))
          .isEqualTo(!read.get("takeout_id").isNull());
      assertThat(contents.dropped().stream().anyMatch(d -> d.contains("sent_files")))
          .isEqualTo(read.get("sent_files").asInt() > 0);
      assertThat(contents.dropped().stream().anyMatch(d -> d.contains("display names")))
          .isEqualTo(read.get("names").asInt() > 0);
      assertThat(TestFiles.checksum(file)).as("the file is only read").isEqualTo(before);
    }

    private static UpdatesState state(JsonNode rows) {
      int[] common = new int[4];
      List<ChannelState> channels = new ArrayList<>();
      for (JsonNode row : rows) {
        if (row.get(0).asLong() == 0) {
          for (int i = 0; i < 4; i++) {
            common[i] = row.get(i + 1).asInt();
          }
        } else {
          channels.add(new ChannelState(row.get(0).asLong(), row.get(1).asInt()));
        }
      }
      return new UpdatesState(common[0], common[1], common[2], common[3], channels);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"telethon-v8.session", "telethon-v8-tmp-key.session"})
    @DisplayName("version 8 (1.43's migration) reads with tmp_auth_key as the temporary key")
    void version8(String name) throws IOException {
      JsonNode stored = SessionFileFixtures.manifest().get(name).get("stored");
      Path file = SessionFileFixtures.copy(name, dir);

      TelethonSessionFile.Contents contents = TelethonSessionFile.readContents(file);
      TelethonSessionFile.Contents v7 =
          TelethonSessionFile.readContents(SessionFileFixtures.file("telethon-v7-ipv4.session"));

      assertThat(contents.version()).isEqualTo(8);
      SessionData data = contents.session();
      assertThat(data.withExtras(Map.of(), Map.of(), Map.of(), data.homeDcFamily()))
          .isEqualTo(v7.session());
      JsonNode tmp = stored.get("tmp_auth_key_sha256");
      if (tmp.isNull()) {
        assertThat(contents.tempAuthKey()).isNull();
        assertThat(data.tempAuthKeys()).isEmpty();
      } else {
        assertThat(sha256(contents.tempAuthKey().bytes())).isEqualTo(tmp.asText());
        TempAuthKey temp = data.tempAuthKeys().get(data.homeDcId());
        assertThat(temp.key()).isEqualTo(contents.tempAuthKey());
        // Telethon keeps no expiry: the import assumes TEMP_KEY_LIFETIME from the read
        assertThat(temp.expiresAt())
            .isBetween(
                Instant.now().plus(TelethonSessionFile.TEMP_KEY_LIFETIME).minusSeconds(60),
                Instant.now().plus(TelethonSessionFile.TEMP_KEY_LIFETIME));
      }
    }

    @Test
    @DisplayName("a version 8 file keeps the temporary key through a write; version 7 drops it")
    void tempKeyWritten() {
      SessionData data =
          TelethonSessionFile.read(SessionFileFixtures.file("telethon-v8-tmp-key.session"));
      Path eight = dir.resolve("eight.session");
      Path seven = dir.resolve("seven.session");

      TelethonSessionFile.write(eight, data, 8, false);
      TelethonSessionFile.write(seven, data, 7, false);

      assertThat(TelethonSessionFile.readContents(eight).tempAuthKey())
          .isEqualTo(data.tempAuthKeys().get(2).key());
      assertThat(TelethonSessionFile.readContents(seven).tempAuthKey()).isNull();
    }

    @Test
    @DisplayName("an IPv6 home DC on port 5222 is written back as IPv6 on port 5222")
    void ipv6Kept() {
      SessionData data =
          TelethonSessionFile.read(SessionFileFixtures.file("telethon-v7-ipv6.session"));
      Path out = dir.resolve("out.session");

      TelethonSessionFile.write(out, data, 7, false);

      SessionData back = TelethonSessionFile.read(out);
      assertThat(back.homeDcFamily()).isEqualTo(dev.tgsession.AddressFamily.IPV6);
      assertThat(back.dcOptions().get(2).ipv6().getPort()).isEqualTo(5222);
      assertThat(normalized(back)).isEqualTo(normalized(data));
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {7, 8})
    @DisplayName("a file we write reads back as what was written")
    void writtenReadsBack(int version) throws IOException {
      SessionData data =
          TelethonSessionFile.read(SessionFileFixtures.file("telethon-v7-ipv6.session"));
      Path out = dir.resolve("out.session");

      TelethonSessionFile.write(out, data, version, null, true, false);

      TelethonSessionFile.Contents back = TelethonSessionFile.readContents(out);
      assertThat(back.version()).isEqualTo(version);
      assertThat(normalized(back.session())).isEqualTo(normalized(data));
      assertThat(back.dropped()).isEmpty();
    }
  }

  @Nested
  @DisplayName("Pyrogram and Kurigram files")
  class Pyrogram {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pyrogram-v3.session", "kurigram-v6.session"})
    @DisplayName("read as the library's FileStorage reads them")
    void readsAsLibrary(String name) throws IOException {
      JsonNode entry = SessionFileFixtures.manifest().get(name);
      JsonNode read = entry.get("read");
      Path file = SessionFileFixtures.copy(name, dir);
      String before = TestFiles.checksum(file);

      PyrogramSessionFile.Contents contents = PyrogramSessionFile.read(file);
      SessionData data = contents.session();

      assertThat(contents.version()).isEqualTo(entry.get("version").asInt());
      assertThat(contents.layout())
          .isEqualTo(name.startsWith("kurigram") ? Layout.KURIGRAM : Layout.PYROGRAM);
      assertThat(contents.apiId()).isEqualTo(read.get("api_id").asInt());
      assertThat(data.homeDcId()).isEqualTo(read.get("dc_id").asInt());
      assertThat(sha256(data.dcOptions().get(data.homeDcId()).authKey().bytes()))
          .isEqualTo(read.get("auth_key_sha256").asText());
      PeerInfo.User self =
          (PeerInfo.User) data.peers().get(PeerId.user(read.get("user_id").asLong()));
      assertThat(self.isSelf()).isTrue();
      assertThat(self.bot()).isEqualTo(read.get("is_bot").asInt() != 0);
      assertResolvesAsLibrary(data, read.get("resolved"));
      assertThat(data.peers()).hasSize(SessionFileFixtures.manifest().get("peers").size());
      for (JsonNode peer : SessionFileFixtures.manifest().get("peers")) {
        PeerInfo ours = data.peers().get(marked(peer));
        if (peer.get("kind").asText().equals("channel")) {
          assertThat(((PeerInfo.Channel) ours).kind())
              .isEqualTo(
                  peer.get("channel_kind").asText().equals("broadcast")
                      ? ChannelKind.BROADCAST
                      : ChannelKind.MEGAGROUP);
        }
        if (peer.get("kind").asText().equals("user")) {
          assertThat(((PeerInfo.User) ours).bot()).isEqualTo(peer.get("bot").asBoolean());
        }
      }
      if (read.has("update_state")) {
        JsonNode state = SessionFileFixtures.manifest().get("state");
        List<ChannelState> channels = new ArrayList<>();
        state
            .get("channels")
            .forEach(c -> channels.add(new ChannelState(c.get(0).asLong(), c.get(1).asInt())));
        assertThat(data.updatesState())
            .isEqualTo(
                new UpdatesState(
                    state.get("pts").asInt(),
                    state.get("qts").asInt(),
                    state.get("date").asInt(),
                    state.get("seq").asInt(),
                    channels));
      }
      assertThat(TestFiles.checksum(file)).as("the file is only read").isEqualTo(before);
    }

    private static PeerId marked(JsonNode peer) {
      long id = peer.get("id").asLong();
      return switch (peer.get("kind").asText()) {
        case "user" -> PeerId.user(id);
        case "chat" -> PeerId.chat(id);
        default -> PeerId.channel(id);
      };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pyrogram-v3.session", "kurigram-v6.session"})
    @DisplayName("written in the same layout, a file reads back the same")
    void writtenReadsBack(String name) {
      PyrogramSessionFile.Contents contents =
          PyrogramSessionFile.read(SessionFileFixtures.file(name));
      Path out = dir.resolve("out.session");

      PyrogramSessionFile.write(
          out, contents.session(), contents.layout(), contents.apiId(), false);

      PyrogramSessionFile.Contents back = PyrogramSessionFile.read(out);
      assertThat(back.session()).isEqualTo(contents.session());
      assertThat(back.apiId()).isEqualTo(contents.apiId());
      assertThat(back.version()).isEqualTo(contents.layout().version());
    }

    @Test
    @DisplayName("Telethon's peers written as a Kurigram file keep ids, hashes, usernames, phones")
    void telethonToKurigram() {
      SessionData telethon =
          TelethonSessionFile.read(SessionFileFixtures.file("telethon-v7-ipv4.session"));
      Path out = dir.resolve("k.session");

      PyrogramSessionFile.write(out, telethon, Layout.KURIGRAM, 611335, false);

      SessionData back = PyrogramSessionFile.read(out).session();
      for (Map.Entry<PeerId, PeerInfo> entry : telethon.peers().entrySet()) {
        PeerInfo ours = back.peers().get(entry.getKey());
        assertThat(ours.authOrAmbient()).isEqualTo(entry.getValue().authOrAmbient());
        assertThat(normalized(ours).usernames())
            .isEqualTo(normalized(entry.getValue()).usernames());
      }
      assertThat(back.updatesState()).isEqualTo(telethon.updatesState());
    }
  }
}
