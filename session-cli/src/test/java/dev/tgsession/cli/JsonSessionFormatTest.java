package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.Sessions;
import dev.tgsession.UpdatesState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("tgsession-export/1")
class JsonSessionFormatTest {

  static String export(Session session) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonSessionFormat.write(session, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  static InputStream utf8(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  static Session sample() {
    Session session = Sessions.open("memory:");
    Samples.fill(session);
    return session;
  }

  @Nested
  @DisplayName("a round trip")
  class RoundTrip {

    @Test
    @DisplayName("import(export(x)) holds exactly what x held, nulls, falses and empty lists apart")
    void importOfExportIsIdentical() throws IOException {
      try (Session source = sample();
          Session target = Sessions.open("memory:")) {
        String json = export(source);

        long peers = JsonSessionFormat.read(utf8(json), target);

        assertThat(peers).isEqualTo(Samples.peers().size());
        assertThat(target.snapshot()).isEqualTo(source.snapshot());
        assertThat(target.homeDcId()).isEqualTo(Samples.HOME_DC);
        assertThat(target.dcOption(7)).contains(Samples.dc7());
        assertThat(target.dcOption(4).orElseThrow().authKey()).isEqualTo(Samples.HOME_KEY);
        assertThat(target.updatesState()).isEqualTo(Samples.updatesState());
        for (PeerInfo peer : Samples.peers()) {
          assertThat(target.peer(peer.peerId())).contains(peer);
        }
        assertThat(target.peer(PeerId.selfUser()).orElseThrow().peerId())
            .isEqualTo(PeerId.user(Samples.SELF_ID));
        assertThat(export(target)).isEqualTo(json);
      }
    }

    @Test
    @DisplayName("a SessionData writes the same document as the session it came from")
    void sessionDataWritesLikeTheSession() throws IOException {
      try (Session source = sample()) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonSessionFormat.write(source.snapshot(), out);

        SessionData read = JsonSessionFormat.readData(utf8(out.toString(StandardCharsets.UTF_8)));

        assertThat(read).isEqualTo(source.snapshot());
        assertThat(JsonSessionFormat.readData(utf8(export(source)))).isEqualTo(read);
      }
    }

    @Test
    @DisplayName("a new session exports its known DCs, no peers and a zero state, and reads back")
    void emptySession() throws IOException {
      try (Session empty = Sessions.open("memory:")) {
        SessionData read = JsonSessionFormat.readData(utf8(export(empty)));

        assertThat(read).isEqualTo(SessionData.empty());
        assertThat(read.dcOptions()).isEqualTo(KnownDcs.all());
      }
    }

    @Test
    @DisplayName("100,000 peers stream through a pipe into a session")
    void streamsThroughAPipe() throws Exception {
      try (Session source = Sessions.open("memory:");
          Session target = Sessions.open("memory:")) {
        Samples.fillMany(source, 100_000);
        PipedInputStream in = new PipedInputStream(64 * 1024);
        OutputStream out = new PipedOutputStream(in);
        CompletableFuture<Long> written =
            CompletableFuture.supplyAsync(
                () -> {
                  try (out) {
                    return JsonSessionFormat.write(source, out);
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });

        long read = JsonSessionFormat.read(in, target);

        assertThat(written.get()).isEqualTo(100_000);
        assertThat(read).isEqualTo(100_000);
        assertThat(target.snapshot()).isEqualTo(source.snapshot());
      }
    }
  }

  @Nested
  @DisplayName("the document")
  class Document {

    @Test
    @DisplayName("starts with the format, keeps keys in hex, and puts each peer on one line")
    void layout() throws IOException {
      try (Session source = sample()) {
        String json = export(source);
        List<String> lines = json.lines().toList();

        assertThat(lines.get(0)).isEqualTo("{");
        assertThat(lines.get(1)).isEqualTo("  \"format\": \"tgsession-export/1\",");
        assertThat(lines.get(2)).isEqualTo("  \"homeDcId\": 4,");
        assertThat(json).contains("\"authKey\": \"" + Samples.hex(Samples.HOME_KEY) + "\"");
        assertThat(json)
            .contains("\"authKeyId\": \"" + JsonSessionFormat.keyIdHex(Samples.HOME_KEY) + "\"");
        assertThat(json).contains("\"ipv6\": \"[fd00::7]:8443\"");
        assertThat(lines)
            .filteredOn(line -> line.startsWith("    {\"type\": "))
            .hasSize(Samples.peers().size());
        assertThat(json)
            .contains(
                "{\"type\": \"user\", \"id\": 777000, \"accessHash\": null, \"bot\": null,"
                    + " \"self\": false, \"usernames\": null, \"phone\": null}")
            .contains(
                "{\"type\": \"user\", \"id\": 93372553, \"accessHash\": \"-9223372036854775808\","
                    + " \"bot\": true, \"self\": null, \"usernames\": [], \"phone\": null}")
            .contains("{\"type\": \"chat\", \"id\": 123456}")
            .contains(
                "{\"type\": \"channel\", \"id\": 1234567890, \"accessHash\":"
                    + " \"9223372036854775807\", \"kind\": \"broadcast\", \"usernames\":"
                    + " [\"news\", \"news_mirror\"]}");
        assertThat(json).endsWith("}\n");
      }
    }

    @Test
    @DisplayName("a hand-written document may leave a peer's unknown fields out, in any order")
    void missingFieldsAreUnknown() throws IOException {
      String json =
          """
          {"format": "tgsession-export/1",
           "peers": [{"id": 42, "type": "user"}, {"type": "channel", "id": 9, "kind": null}],
           "updatesState": {"pts": 1},
           "dcOptions": [],
           "homeDcId": 3}
          """;

      SessionData data = JsonSessionFormat.readData(utf8(json));

      assertThat(data.homeDcId()).isEqualTo(3);
      assertThat(data.peers().values())
          .containsExactly(
              new PeerInfo.User(42, null, null, null, null, null),
              new PeerInfo.Channel(9, null, null, null));
      assertThat(data.updatesState()).isEqualTo(new UpdatesState(1, 0, 0, 0, List.of()));
    }

    @Test
    @DisplayName("validate reads everything and stores nothing")
    void validateStoresNothing() throws IOException {
      try (Session source = sample()) {
        assertThat(JsonSessionFormat.validate(utf8(export(source))))
            .isEqualTo(Samples.peers().size());
      }
    }
  }

  @Nested
  @DisplayName("a document that is not tgsession-export/1")
  class Rejected {

    private String valid() throws IOException {
      try (Session source = sample()) {
        return export(source);
      }
    }

    private IncompatibleSessionException rejected(String json) {
      try (Session target = Sessions.open("memory:")) {
        Throwable thrown =
            org.assertj.core.api.Assertions.catchThrowable(
                () -> JsonSessionFormat.read(utf8(json), target));
        assertThat(thrown).isInstanceOf(IncompatibleSessionException.class);
        assertThat(target.snapshot()).isEqualTo(SessionData.empty());
        return (IncompatibleSessionException) thrown;
      }
    }

    @Test
    @DisplayName("of a newer version is refused, naming both versions")
    void newerVersion() throws IOException {
      String json = valid().replace("tgsession-export/1", "tgsession-export/2");

      assertThat(rejected(json))
          .hasMessageContaining("expected format 'tgsession-export/1', found 'tgsession-export/2'")
          .hasMessageContaining("line 2");
    }

    @Test
    @DisplayName("of another program is refused as not an export")
    void foreignJson() {
      assertThat(rejected("{\"version\": 1, \"format\": \"tgsession-export/1\"}"))
          .hasMessageContaining("expected a tgsession export starting with {\"format\"");
      assertThat(rejected("[1, 2]")).hasMessageContaining("found an array");
      assertThat(rejected("{\"format\": \"other/1\"}"))
          .hasMessageContaining("expected a tgsession export");
      assertThat(rejected("")).hasMessageContaining("found an empty input");
    }

    @Test
    @DisplayName("that is no JSON at all is refused without quoting it (it may be a key)")
    void notJson() {
      String stringSession = "1BQANOTAJSONDOCUMENTBUTASTRINGSESSIONXYZ";

      assertThat(rejected(stringSession))
          .hasMessageContaining("found malformed JSON at line 1")
          .hasMessageNotContaining("BQANOT");
    }

    @Test
    @DisplayName("cut short is refused, and applies no DC, key or state")
    void truncated() throws IOException {
      String json = valid();
      String cut = json.substring(0, json.indexOf("\"type\": \"chat\""));

      assertThat(rejected(cut)).hasMessageContaining("malformed JSON");
    }

    @Test
    @DisplayName("with a damaged key is refused without showing the key")
    void damagedKey() throws IOException {
      String hex = Samples.hex(Samples.HOME_KEY);
      String shorter = valid().replace(hex, hex.substring(0, 500));
      String altered = valid().replace(hex, "ff" + hex.substring(2));

      assertThat(rejected(shorter))
          .hasMessageContaining(
              "expected authKey to be 512 hex digits or null, found a string of 500")
          .hasMessageNotContaining(hex.substring(0, 40));
      assertThat(rejected(altered))
          .hasMessageContaining("expected authKeyId to match the auth key of DC 4")
          .hasMessageNotContaining(hex.substring(2, 40));
    }

    @Test
    @DisplayName(
        "with an unknown field, a bad id or a field of another peer type names it and where")
    void badFields() throws IOException {
      assertThat(rejected(valid().replace("\"homeDcId\"", "\"homeDC\"")))
          .hasMessageContaining("unknown field 'homeDC' in the document at line 3");
      assertThat(
              rejected(valid().replace("\"id\": 123456}", "\"id\": 123456, \"phone\": \"123\"}")))
          .hasMessageContaining("expected no phone in a chat");
      assertThat(rejected(valid().replace("\"id\": 123456}", "\"id\": 1000000000000}")))
          .hasMessageContaining("expected a chat id in 1..999999999999, found 1000000000000");
      assertThat(rejected(valid().replace("\"accessHash\": \"42\"", "\"accessHash\": 42")))
          .hasMessageContaining("expected accessHash to be a string or null, found a whole number");
      assertThat(rejected(valid().replace("\"kind\": \"megagroup\"", "\"kind\": \"supergroup\"")))
          .hasMessageContaining("found 'supergroup'");
      assertThat(rejected(valid().replace("\"bot\": true", "\"bot\": \"yes\"")))
          .hasMessageContaining("expected bot to be true, false or null, found a string");
      assertThat(rejected(valid().replace("\"pts\": 1234", "\"pts\": -1")))
          .hasMessageContaining("expected a non-negative pts, found -1");
      assertThat(rejected(valid().replace("\"homeDcId\": 4,", "\"homeDcId\": 4, \"homeDcId\": 5,")))
          .hasMessageContaining("malformed JSON");
    }

    @Test
    @DisplayName("with more after the document is refused, and applies no DC, key or state")
    void trailingContent() throws IOException {
      try (Session target = Sessions.open("memory:")) {
        assertThatThrownBy(() -> JsonSessionFormat.read(utf8(valid() + "{}"), target))
            .isInstanceOf(IncompatibleSessionException.class)
            .hasMessageContaining("expected the end of the input after the document, found more");
        assertThat(target.homeDcId()).isEqualTo(KnownDcs.DEFAULT_HOME_DC);
        assertThat(target.dcOptions()).isEqualTo(KnownDcs.all());
        assertThat(target.updatesState()).isEqualTo(UpdatesState.empty());
      }
    }

    @Test
    @DisplayName("with a DC address that is a host name is refused without looking it up")
    void hostNameAddress() throws IOException {
      assertThat(rejected(valid().replace("\"10.0.0.7:8443\"", "\"example.org:443\"")))
          .hasMessageContaining(
              "expected ipv4 to be 'a.b.c.d:port' or '[ipv6]:port' with an IP literal, found"
                  + " 'example.org:443'");
    }
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} -> {1}")
  @org.junit.jupiter.params.provider.CsvSource({
    "2001:b28:f23d:f001:0:0:0:a, [2001:b28:f23d:f001::a]:443",
    "0:0:0:0:0:0:0:0, [::]:443",
    "0:0:0:0:0:0:0:1, [::1]:443",
    "1:0:0:0:0:0:0:0, [1::]:443",
    "1:0:0:2:0:0:0:3, [1:0:0:2::3]:443",
    "1:0:0:2:0:0:3:4, [1::2:0:0:3:4]:443",
    "1:0:2:3:4:5:6:7, [1:0:2:3:4:5:6:7]:443",
    "FD00:0:0:0:0:0:0:7%0, [fd00::7]:443",
    "149.154.167.41, 149.154.167.41:443"
  })
  @DisplayName("addresses are written in RFC 5952 form, without a scope id")
  void addressText(String address, String text) throws IOException {
    java.net.InetSocketAddress socket =
        new java.net.InetSocketAddress(java.net.InetAddress.getByName(address), 443);

    assertThat(JsonSessionFormat.hostPort(socket)).isEqualTo(text);
  }

  @Test
  @DisplayName("an IPv4-mapped IPv6 address (as grammers gives DCs it does not know) round-trips")
  void mappedIpv6RoundTrips() throws IOException {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xFF;
    mapped[11] = (byte) 0xFF;
    mapped[12] = 10;
    mapped[15] = 7;
    dev.tgsession.DcOption option =
        new dev.tgsession.DcOption(
            203,
            new java.net.InetSocketAddress(java.net.InetAddress.getByName("10.0.0.7"), 443),
            new java.net.InetSocketAddress(
                java.net.Inet6Address.getByAddress(null, mapped, -1), 443),
            null);
    try (Session source = Sessions.open("memory:");
        Session target = Sessions.open("memory:")) {
      source.setDcOption(option);
      JsonSessionFormat.read(utf8(export(source)), target);
      assertThat(target.dcOption(203)).contains(option);
    }
  }

  @Test
  @DisplayName("reading into a closed session fails like the session does")
  void closedTarget() throws IOException {
    String json;
    try (Session source = sample()) {
      json = export(source);
    }
    Session closed = Sessions.open("memory:");
    closed.close();

    assertThatThrownBy(() -> JsonSessionFormat.read(utf8(json), closed))
        .isInstanceOf(IllegalStateException.class);
  }
}
