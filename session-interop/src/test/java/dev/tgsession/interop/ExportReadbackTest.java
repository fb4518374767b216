package dev.tgsession.interop;

import static dev.tgsession.interop.SessionFileFixtures.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgsession.DcOption;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionData;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The files tgsession exported (fixtures/interop/session-files/ours, made by its make.sh) as the
 * real libraries read them back (ours/readback.json, recorded by fixtures/interop/read_exports.py):
 * each library sees the home DC, the key, the self user and every peer that our own reader sees.
 */
@DisplayName("our exports, read back by the real libraries")
class ExportReadbackTest {

  static final Path OURS = SessionFileFixtures.DIR.resolve("ours");

  @TempDir Path dir;

  static JsonNode readback() throws IOException {
    return new ObjectMapper().readTree(OURS.resolve("readback.json").toFile());
  }

  static Stream<String> readable() throws IOException {
    List<String> names = new java.util.ArrayList<>();
    readback().fieldNames().forEachRemaining(names::add);
    return names.stream().filter(name -> !name.startsWith("telethon-v8"));
  }

  static SessionData ours(String name) {
    return name.startsWith("telethon")
        ? TelethonSessionFile.read(OURS.resolve(name))
        : PyrogramSessionFile.read(OURS.resolve(name)).session();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("readable")
  @DisplayName("the library resolves every peer by id, username and phone as we wrote it")
  void resolvesAsWritten(String name) throws IOException {
    JsonNode read = readback().get(name);
    SessionData data = ours(name);

    assertThat(read.has("error")).as("%s: %s", name, read.get("error")).isFalse();
    assertThat(read.get("dc_id").asInt()).isEqualTo(data.homeDcId());
    DcOption home = data.dcOptions().get(data.homeDcId());
    assertThat(read.get("auth_key_sha256").asText()).isEqualTo(sha256(home.authKey().bytes()));
    SessionFilesTest.assertResolvesAsLibrary(data, read.get("resolved"));
    if (name.startsWith("telethon")) {
      InetAddress address = InetAddress.getByName(read.get("server_address").asText());
      int port = read.get("port").asInt();
      assertThat(List.of(home.ipv4(), home.ipv6()))
          .anySatisfy(
              socket -> {
                assertThat(socket.getAddress()).isEqualTo(address);
                assertThat(socket.getPort()).isEqualTo(port);
              });
    } else {
      JsonNode user = read.get("user_id");
      PeerInfo self =
          data.peers().values().stream()
              .filter(p -> p instanceof PeerInfo.User u && u.isSelf())
              .findFirst()
              .orElse(null);
      assertThat(user.isNull()).isEqualTo(self == null);
      if (self != null) {
        assertThat(user.asLong()).isEqualTo(self.peerId().bareId());
      }
    }
  }

  @Test
  @DisplayName(
      "Telethon 1.25.1 cannot open a version 8 file (which needs 1.43): recorded, not hidden")
  void version8NeedsNewerTelethon() throws IOException {
    JsonNode read = readback().get("telethon-v8-from-telethon.session");

    assertThat(read.get("error").asText()).contains("too many values to unpack");
    Path file = OURS.resolve("telethon-v8-from-telethon.session");
    assertThat(TelethonSessionFile.readContents(file).version()).isEqualTo(8);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("readable")
  @DisplayName("our reader and today's writer agree on every exported file")
  void writerUnchanged(String name) throws IOException {
    SessionData committed = ours(name);
    Path again = dir.resolve(name);

    if (name.startsWith("telethon")) {
      boolean ipv6 = readback().get(name).get("server_address").asText().contains(":");
      TelethonSessionFile.write(again, committed, 7, null, ipv6, false);
      assertThat(TelethonSessionFile.read(again)).isEqualTo(committed);
    } else {
      PyrogramSessionFile.Contents contents = PyrogramSessionFile.read(OURS.resolve(name));
      PyrogramSessionFile.write(again, committed, contents.layout(), contents.apiId(), false);
      assertThat(PyrogramSessionFile.read(again).session()).isEqualTo(committed);
    }
    assertThat(Files.size(again)).isPositive();
    assertThat(committed.peers()).isNotEmpty().doesNotContainKey(PeerId.selfUser());
  }
}
