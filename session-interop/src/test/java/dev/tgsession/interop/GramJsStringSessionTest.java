package dev.tgsession.interop;

import static dev.tgsession.interop.TelethonStringSessionTest.literal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.SessionData;
import dev.tgsession.UpdatesState;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("GramJsStringSession")
class GramJsStringSessionTest {

  static List<Fixtures.Entry> fixtures() {
    return Fixtures.gramJs();
  }

  static List<Fixtures.Entry> ipFixtures() {
    return fixtures().stream().filter(entry -> !entry.text("kind").equals("HOSTNAME")).toList();
  }

  @Nested
  @DisplayName("strings made by GramJS (npm telegram)")
  class FromGramJs {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tgsession.interop.GramJsStringSessionTest#fixtures")
    @DisplayName("decode to the home DC and key GramJS was given, and nothing else")
    void decodeDcAndKey(Fixtures.Entry fixture) {
      SessionData data = GramJsStringSession.decode(fixture.string());

      int dc = fixture.integer("dc");
      assertThat(data.homeDcId()).isEqualTo(dc);
      AuthKey key = Objects.requireNonNull(data.dcOptions().get(dc).authKey());
      assertThat(key).isEqualTo(AuthKey.of(fixture.key()));
      assertThat(key.keyId()).isEqualTo(fixture.unsignedLong("keyId"));
      assertThat(data.peers()).isEmpty();
      assertThat(data.updatesState()).isEqualTo(UpdatesState.empty());
      KnownDcs.all()
          .forEach(
              (id, known) -> {
                if (id != dc) {
                  assertThat(data.dcOptions().get(id)).isEqualTo(known);
                }
              });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tgsession.interop.GramJsStringSessionTest#ipFixtures")
    @DisplayName("decode the IP address and port GramJS was given")
    void decodeAddress(Fixtures.Entry fixture) {
      DcOption home =
          GramJsStringSession.decode(fixture.string()).dcOptions().get(fixture.integer("dc"));

      InetSocketAddress carried = fixture.text("kind").equals("INET") ? home.ipv4() : home.ipv6();
      assertThat(carried.getAddress().getAddress())
          .isEqualTo(literal(fixture.text("address")).getAddress());
      assertThat(carried.getPort()).isEqualTo(fixture.integer("port"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tgsession.interop.GramJsStringSessionTest#ipFixtures")
    @DisplayName("with an IP address re-encode byte-identical in the family they carry")
    void reencodeIdentical(Fixtures.Entry fixture) {
      SessionData data = GramJsStringSession.decode(fixture.string());

      StandardProtocolFamily family = StandardProtocolFamily.valueOf(fixture.text("kind"));
      assertThat(GramJsStringSession.encode(data, family)).isEqualTo(fixture.string());
    }

    @Test
    @DisplayName("with a hostname use the DC's known addresses, and re-encode with its IPv4")
    void hostname() {
      Fixtures.Entry fixture = Fixtures.named(fixtures(), "hostname-dc2-browser");
      SessionData data = GramJsStringSession.decode(fixture.string());

      assertThat(data.dcOptions().get(2))
          .isEqualTo(KnownDcs.get(2).orElseThrow().withAuthKey(AuthKey.of(fixture.key())));
      assertThat(GramJsStringSession.decode(GramJsStringSession.encode(data))).isEqualTo(data);
    }

    @Test
    @DisplayName("for an unknown DC with an IPv4 address derive the IPv4-mapped IPv6 address")
    void unknownDc() {
      DcOption home =
          GramJsStringSession.decode(
                  Fixtures.named(fixtures(), "ipv4-unknown-dc7-port32767").string())
              .dcOptions()
              .get(7);

      assertThat(home.ipv6())
          .isEqualTo(new InetSocketAddress(literal("::ffff:10.0.0.7"), Short.MAX_VALUE));
    }
  }

  @Nested
  @DisplayName("encoding")
  class Encoding {

    @Test
    @DisplayName("writes IPv6 addresses in RFC 5952 form")
    void rfc5952() {
      DcOption option =
          HomeDc.option(
              4, literal("2001:067c:04e8:f004:0000:0000:0000:000a"), 443, AuthKey.of(key(7)));

      String encoded =
          GramJsStringSession.encode(HomeDc.session(option), StandardProtocolFamily.INET6);

      assertThat(addressText(encoded)).isEqualTo("2001:67c:4e8:f004::a");
    }

    @Test
    @DisplayName("refuses a port above 32767, which GramJS stores as a signed 16-bit number")
    void bigPort() {
      DcOption option = HomeDc.option(2, literal("149.154.167.51"), 32768, AuthKey.of(key(1)));

      assertThatThrownBy(() -> GramJsStringSession.encode(HomeDc.session(option)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("GramJS string session")
          .hasMessageContaining("expected a port 0..32767")
          .hasMessageContaining("found 32768");
    }

    @Test
    @DisplayName("refuses a home DC without a key")
    void noKey() {
      assertThatThrownBy(() -> GramJsStringSession.encode(SessionData.empty()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected an auth key for the home DC 2, found none");
    }
  }

  @Nested
  @DisplayName("a malformed string is refused with what was expected and found")
  class Malformed {

    @Test
    @DisplayName("an empty string (what GramJS saves for a session without key) says so")
    void empty() {
      assertRefused("").hasMessageContaining("found 0 characters, an empty string");
    }

    @Test
    @DisplayName("a wrong version prefix names the character found")
    void prefix() {
      assertRefused("x" + fixtures().get(0).string().substring(1))
          .hasMessageContaining("a string starting with 'x'");
    }

    @Test
    @DisplayName("a Telethon string is refused with a hint to TelethonStringSession")
    void telethon() {
      assertRefused(Fixtures.named(Fixtures.telethon(), "ipv6-dc4").string())
          .hasMessageContaining("use TelethonStringSession");
    }

    @Test
    @DisplayName("an address length that disagrees with the string's length names both")
    void addressLength() {
      assertRefused(layout(2, 20, "149.154.167.51", 443))
          .hasMessageContaining("equal to the 14 bytes left for the address")
          .hasMessageContaining("found an address length of 20");
    }

    @Test
    @DisplayName("a port above 32767 (mtcute writes it unsigned) decodes unsigned and round-trips")
    void portAbove32767() {
      String text = layout(2, 14, "149.154.167.51", 65535);

      GramJsStringSession.Contents contents = GramJsStringSession.read(text);

      assertThat(contents.port()).isEqualTo(65535);
      assertThat(contents.session().dcOptions().get(2).ipv4().getPort()).isEqualTo(65535);
      assertThat(GramJsStringSession.encode(contents)).isEqualTo(text);
      assertThatThrownBy(() -> GramJsStringSession.encode(contents.session()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected a port 0..32767")
          .hasMessageContaining("found 65535");
    }

    @Test
    @DisplayName("an address that is neither IP nor hostname is refused")
    void badAddress() {
      assertRefused(layout(2, 9, "1.2.3.4:5", 443))
          .hasMessageContaining("expected an IP address or a hostname, found '1.2.3.4:5'");
    }

    @Test
    @DisplayName("a hostname for a DC KnownDcs lacks is refused: hostnames are not looked up")
    void hostnameOfUnknownDc() {
      assertRefused(layout(9, 11, "example.org", 443))
          .hasMessageContaining("expected an IP address for DC 9")
          .hasMessageContaining("hostnames are not looked up");
    }

    @Test
    @DisplayName("a truncated string is refused by its byte count")
    void truncated() {
      assertRefused("1" + Base64.getEncoder().encodeToString(new byte[30]))
          .hasMessageContaining("expected at least 262 bytes")
          .hasMessageContaining("found 30 bytes");
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertRefused(String text) {
      var thrown =
          assertThatThrownBy(() -> GramJsStringSession.decode(text))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessageStartingWith("GramJS string session: ");
      if (text.length() > 40) {
        thrown.hasMessageNotContaining(text.substring(20, 40));
      }
      return thrown;
    }
  }

  static byte[] key(int seed) {
    byte[] key = new byte[AuthKey.LENGTH];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (seed * 31 + i);
    }
    return key;
  }

  /** A GramJS layout with a free address length field. */
  static String layout(int dc, int addressLength, String address, int port) {
    byte[] text = address.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer buffer = ByteBuffer.allocate(1 + 2 + text.length + 2 + AuthKey.LENGTH);
    buffer.put((byte) dc).putShort((short) addressLength).put(text).putShort((short) port);
    buffer.put(key(dc));
    return "1" + Base64.getEncoder().encodeToString(buffer.array());
  }

  static String addressText(String encoded) {
    ByteBuffer buffer = ByteBuffer.wrap(Base64.getDecoder().decode(encoded.substring(1)));
    buffer.get();
    byte[] text = new byte[buffer.getShort()];
    buffer.get(text);
    return new String(text, StandardCharsets.US_ASCII);
  }
}
