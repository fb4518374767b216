package dev.tgsession.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.SessionData;
import dev.tgsession.UpdatesState;
import dev.tgsession.support.IpAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("TelethonStringSession")
class TelethonStringSessionTest {

  static List<Fixtures.Entry> fixtures() {
    return Fixtures.telethon();
  }

  @Nested
  @DisplayName("strings made by Telethon 1.25.1")
  class FromTelethon {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tgsession.interop.TelethonStringSessionTest#fixtures")
    @DisplayName("decode to the home DC, address, port and key Telethon was given")
    void decodeExactly(Fixtures.Entry fixture) {
      SessionData data = TelethonStringSession.decode(fixture.string());

      int dc = fixture.integer("dc");
      assertThat(data.homeDcId()).isEqualTo(dc);
      DcOption home = data.dcOptions().get(dc);
      assertThat(home.authKey()).isEqualTo(AuthKey.of(fixture.key()));
      assertThat(Objects.requireNonNull(home.authKey()).keyId())
          .as("MTProto key id, as Telethon computes it")
          .isEqualTo(fixture.unsignedLong("keyId"));
      InetSocketAddress carried = fixture.text("family").equals("INET") ? home.ipv4() : home.ipv6();
      assertThat(carried.getAddress().getAddress())
          .isEqualTo(literal(fixture.text("address")).getAddress());
      assertThat(carried.getPort()).isEqualTo(fixture.integer("port"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tgsession.interop.TelethonStringSessionTest#fixtures")
    @DisplayName("take the other DCs from KnownDcs, and hold no peers and an empty updates state")
    void restIsANewSession(Fixtures.Entry fixture) {
      SessionData data = TelethonStringSession.decode(fixture.string());

      int dc = fixture.integer("dc");
      // The test-server fixture's address is test DC 2's: its session is one of the test DCs.
      var table = fixture.name().contains("test-server") ? KnownDcs.test() : KnownDcs.all();
      TreeSet<Integer> ids = new TreeSet<>(table.keySet());
      ids.add(dc);
      assertThat(data.dcOptions().keySet()).containsExactlyElementsOf(ids);
      table.forEach(
          (id, known) -> {
            if (id != dc) {
              assertThat(data.dcOptions().get(id)).isEqualTo(known);
            }
          });
      assertThat(data.peers()).isEmpty();
      assertThat(data.updatesState()).isEqualTo(UpdatesState.empty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tgsession.interop.TelethonStringSessionTest#fixtures")
    @DisplayName("re-encode byte-identical in the address family they carry")
    void reencodeIdentical(Fixtures.Entry fixture) {
      SessionData data = TelethonStringSession.decode(fixture.string());

      StandardProtocolFamily family = StandardProtocolFamily.valueOf(fixture.text("family"));
      assertThat(TelethonStringSession.encode(data, family)).isEqualTo(fixture.string());
    }

    @Test
    @DisplayName("with IPv4 re-encode byte-identical without naming the family")
    void reencodeIpv4ByDefault() {
      for (Fixtures.Entry fixture : fixtures()) {
        if (fixture.text("family").equals("INET")) {
          assertThat(TelethonStringSession.encode(TelethonStringSession.decode(fixture.string())))
              .as(fixture.name())
              .isEqualTo(fixture.string());
        }
      }
    }

    @Test
    @DisplayName("keep the other family of a known DC: an IPv6 string of DC 4 keeps DC 4's IPv4")
    void knownDcKeepsOtherFamily() {
      SessionData data =
          TelethonStringSession.decode(Fixtures.named(fixtures(), "ipv6-dc4").string());

      assertThat(data.dcOptions().get(4).ipv4()).isEqualTo(KnownDcs.get(4).orElseThrow().ipv4());
    }

    @Test
    @DisplayName("give an unknown DC's IPv4 address the IPv4-mapped IPv6 address, as grammers")
    void unknownDcIpv4() {
      DcOption home =
          TelethonStringSession.decode(Fixtures.named(fixtures(), "ipv4-unknown-dc7").string())
              .dcOptions()
              .get(7);

      assertThat(home.ipv6().getAddress().getAddress())
          .isEqualTo(literal("::ffff:10.0.0.7").getAddress());
      assertThat(home.ipv6().getPort()).isEqualTo(8443);
    }

    @Test
    @DisplayName("give an unknown DC's plain IPv6 address the IPv4 address 0.0.0.0 (none known)")
    void unknownDcIpv6() {
      SessionData data =
          TelethonStringSession.decode(Fixtures.named(fixtures(), "ipv6-unknown-dc9").string());

      assertThat(data.dcOptions().get(9).ipv4())
          .isEqualTo(new InetSocketAddress(literal("0.0.0.0"), 443));
      assertThat(TelethonStringSession.encode(data))
          .as("0.0.0.0 makes the default encoding use IPv6")
          .isEqualTo(Fixtures.named(fixtures(), "ipv6-unknown-dc9").string());
    }

    @Test
    @DisplayName("give an unknown DC's IPv4-mapped address the IPv4 address it embeds")
    void unknownDcMapped() {
      DcOption home =
          TelethonStringSession.decode(
                  Fixtures.named(fixtures(), "ipv6-mapped-dc200-port65535").string())
              .dcOptions()
              .get(200);

      assertThat(home.ipv4()).isEqualTo(new InetSocketAddress(literal("203.0.113.5"), 65535));
      assertThat(home.ipv6().getPort()).isEqualTo(65535);
    }

    @Test
    @DisplayName("are read with surrounding whitespace, as pasted from a terminal")
    void whitespace() {
      Fixtures.Entry fixture = fixtures().get(0);

      assertThat(TelethonStringSession.decode("  " + fixture.string() + "\n"))
          .isEqualTo(TelethonStringSession.decode(fixture.string()));
    }
  }

  @Nested
  @DisplayName("encoding")
  class Encoding {

    @Test
    @DisplayName("drops what the format cannot carry: other DCs' keys, peers, updates state")
    void dropsTheRest() {
      SessionData decoded = TelethonStringSession.decode(fixtures().get(0).string());
      Map<Integer, DcOption> options = new HashMap<>(decoded.dcOptions());
      options.put(1, KnownDcs.get(1).orElseThrow().withAuthKey(AuthKey.of(new byte[256])));
      SessionData richer =
          new SessionData(
              decoded.homeDcId(),
              options,
              Map.of(),
              new UpdatesState(5, 6, 7, 8, List.of(new dev.tgsession.ChannelState(9, 10))));

      assertThat(TelethonStringSession.decode(TelethonStringSession.encode(richer)))
          .isEqualTo(decoded);
    }

    @Test
    @DisplayName("refuses a home DC without a key, naming what is missing")
    void noKey() {
      assertThatThrownBy(() -> TelethonStringSession.encode(SessionData.empty()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Telethon string session")
          .hasMessageContaining("expected an auth key for the home DC 2, found none");
    }

    @Test
    @DisplayName("refuses a home DC without an option")
    void noOption() {
      SessionData data = new SessionData(9, KnownDcs.all(), Map.of(), UpdatesState.empty());

      assertThatThrownBy(() -> TelethonStringSession.encode(data))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected an option for the home DC 9");
    }

    @Test
    @DisplayName("refuses a home DC id that does not fit one byte")
    void bigDcId() {
      DcOption option =
          HomeDc.option(300, literal("10.0.0.1"), 443, AuthKey.of(new byte[AuthKey.LENGTH]));

      assertThatThrownBy(() -> TelethonStringSession.encode(HomeDc.session(option)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected a home DC id 1..255 (stored in one byte), found 300");
    }

    @Test
    @DisplayName("refuses the UNIX address family")
    void unixFamily() {
      SessionData data = TelethonStringSession.decode(fixtures().get(0).string());

      assertThatThrownBy(() -> TelethonStringSession.encode(data, StandardProtocolFamily.UNIX))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected the address family INET or INET6, found UNIX");
    }
  }

  @Nested
  @DisplayName("a malformed string is refused with what was expected and found")
  class Malformed {

    private final String valid = fixtures().get(0).string();

    @Test
    @DisplayName("a wrong length names both valid lengths and the one found")
    void wrongLength() {
      assertRefused(valid.substring(0, 300))
          .hasMessageContaining("353 characters in all (IPv4 address) or 369 (IPv6 address)")
          .hasMessageContaining("found 300 characters, a string starting with '1'");
    }

    @Test
    @DisplayName("a GramJS string of another length is sent to GramJsStringSession")
    void gramJsLength() {
      assertRefused(Fixtures.named(Fixtures.gramJs(), "ipv6-unknown-dc9").string())
          .hasMessageContaining("use GramJsStringSession");
    }

    @Test
    @DisplayName("a wrong version prefix names the character found")
    void wrongPrefix() {
      assertRefused("2" + valid.substring(1))
          .hasMessageContaining("expected '1'")
          .hasMessageContaining("a string starting with '2'");
    }

    @Test
    @DisplayName("an empty string says so")
    void empty() {
      assertRefused("").hasMessageContaining("found 0 characters, an empty string");
    }

    @Test
    @DisplayName("a Pyrogram string is sent to PyrogramStringSession")
    void pyrogram() {
      assertRefused(Fixtures.pyrogram().get(0).string())
          .hasMessageContaining("found 362 characters")
          .hasMessageContaining("use PyrogramStringSession");
    }

    @Test
    @DisplayName("a GramJS string (standard base64) is refused at its first '+' or '/'")
    void gramJsAlphabet() {
      assertRefused(Fixtures.named(Fixtures.gramJs(), "ipv4-dc4").string())
          .hasMessageContaining("expected URL-safe base64")
          .hasMessageContaining("use GramJsStringSession");
    }

    @Test
    @DisplayName("a GramJS layout of 369 characters is recognised even in the URL-safe alphabet")
    void gramJsLayout() {
      String gramJs = Fixtures.named(Fixtures.gramJs(), "ipv4-dc4").string();
      byte[] bytes = Base64.getDecoder().decode(gramJs.substring(1));
      String urlSafe = "1" + Base64.getUrlEncoder().encodeToString(bytes);
      assertThat(urlSafe).hasSize(369);

      assertRefused(urlSafe)
          .hasMessageContaining("the layout of a GramJS string session: use GramJsStringSession");
    }

    @Test
    @DisplayName("a character outside the alphabet names it and its position")
    void illegalCharacter() {
      assertRefused(valid.substring(0, 100) + "*" + valid.substring(101))
          .hasMessageContaining("found '*' at position 100");
    }

    @Test
    @DisplayName("missing padding is refused")
    void missingPadding() {
      assertRefused(valid.substring(0, valid.length() - 1) + "A")
          .hasMessageContaining("expected 263 bytes (352 base64 characters ending in one '=')")
          .hasMessageContaining("found 264 bytes");
    }

    @Test
    @DisplayName("a last character with unused bits set is refused as altered")
    void nonCanonical() {
      String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      int last = valid.length() - 2;
      char altered = alphabet.charAt(alphabet.indexOf(valid.charAt(last)) ^ 1);

      assertRefused(valid.substring(0, last) + altered + "=")
          .hasMessageContaining("expected canonical base64");
    }

    @Test
    @DisplayName("DC id 0 is refused")
    void dcZero() {
      byte[] bytes = new byte[263];
      bytes[2] = 1;
      assertRefused("1" + Base64.getUrlEncoder().encodeToString(bytes))
          .hasMessageContaining("expected a DC id 1..255, found 0");
    }

    private org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
        String text) {
      var thrown =
          assertThatThrownBy(() -> TelethonStringSession.decode(text))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessageStartingWith("Telethon string session: ");
      if (text.length() > 40) {
        thrown.hasMessageNotContaining(text.substring(20, 40));
      }
      return thrown;
    }
  }

  static InetAddress literal(String text) {
    return Objects.requireNonNull(IpAddresses.parseLiteral(text), text);
  }
}
