package dev.tgsession.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionData;
import dev.tgsession.UpdatesState;
import dev.tgsession.support.IpAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("MtcuteStringSession")
class MtcuteStringSessionTest {

  static List<Fixtures.Entry> fixtures() {
    return Fixtures.mtcute();
  }

  @Nested
  @DisplayName("strings made by mtcute 0.29.7")
  class RealStrings {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tgsession.interop.MtcuteStringSessionTest#fixtures")
    @DisplayName("read every field: main DC, media DC, self user, key, test mode")
    void readEveryField(Fixtures.Entry fixture) {
      MtcuteStringSession.Contents contents = MtcuteStringSession.read(fixture.string());

      assertDc(contents.main(), fixture.values().get("main"));
      JsonNode media = fixture.values().get("media");
      if (media.isNull()) {
        assertThat(contents.media()).isNull();
      } else {
        assertThat(contents.media()).isNotNull();
        assertDc(contents.media(), media);
      }
      assertThat(contents.testMode()).isEqualTo(fixture.flag("testMode"));
      assertThat(contents.testModeFlag()).isFalse(); // current mtcute marks test mode per DC
      SessionData data = contents.session();
      assertThat(data.homeDcId()).isEqualTo(contents.main().id());
      assertThat(data.homeAuthKey()).contains(AuthKey.of(fixture.key()));
      JsonNode selfId = fixture.values().get("selfUserId");
      if (selfId.isNull()) {
        assertThat(contents.self()).isNull();
        assertThat(data.peers()).isEmpty();
      } else {
        PeerInfo.User self =
            new PeerInfo.User(
                Long.parseLong(selfId.asText()),
                null,
                fixture.flag("selfIsBot"),
                Boolean.TRUE,
                null,
                null);
        assertThat(contents.self()).isEqualTo(self);
        assertThat(data.peers()).containsExactly(Map.entry(self.peerId(), self));
      }
      assertThat(data.updatesState()).isEqualTo(UpdatesState.empty());
      assertThat(MtcuteStringSession.decode(fixture.string())).isEqualTo(data);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tgsession.interop.MtcuteStringSessionTest#fixtures")
    @DisplayName("encode(read(s)) == s")
    void identity(Fixtures.Entry fixture) {
      assertThat(MtcuteStringSession.encode(MtcuteStringSession.read(fixture.string())))
          .isEqualTo(fixture.string());
      assertThat(
              MtcuteStringSession.encode(MtcuteStringSession.read(" " + fixture.string() + "\n")))
          .isEqualTo(fixture.string());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tgsession.interop.MtcuteStringSessionTest#fixtures")
    @DisplayName("map test-mode strings to the test DCs on both families, others to production")
    void testDcsOnBothFamilies(Fixtures.Entry fixture) {
      MtcuteStringSession.Contents contents = MtcuteStringSession.read(fixture.string());
      SessionData data = contents.session();
      int dc = contents.main().id();
      DcOption home = data.dcOptions().get(dc);
      int port = contents.main().port();
      Map<Integer, DcOption> table = contents.testMode() ? KnownDcs.test() : KnownDcs.all();
      DcOption known = table.get(dc);
      if (known != null) {
        // the family the string did not carry: the table's address, with the string's port
        if (contents.main().ipv6()) {
          assertThat(home.ipv4()).isEqualTo(new InetSocketAddress(known.ipv4().getAddress(), port));
        } else {
          assertThat(home.ipv6()).isEqualTo(new InetSocketAddress(known.ipv6().getAddress(), port));
        }
      }
      Map<Integer, DcOption> expected = new TreeMap<>(table);
      expected.put(dc, home);
      assertThat(data.dcOptions()).isEqualTo(expected);
      if (contents.testMode()) {
        assertThat(data.dcOptions().values())
            .allSatisfy(o -> assertThat(KnownDcs.all().get(o.id())).isNotEqualTo(o));
        assertThat(TelegramTestDcs.isTestDc(home)).isTrue();
      }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tgsession.interop.MtcuteStringSessionTest#fixtures")
    @DisplayName("decode(encode(decode(s))) == decode(s) through SessionData alone")
    void throughSessionData(Fixtures.Entry fixture) {
      MtcuteStringSession.Contents contents = MtcuteStringSession.read(fixture.string());
      StandardProtocolFamily family =
          contents.main().ipv6() ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;

      String encoded = MtcuteStringSession.encode(contents.session(), family);

      assertThat(MtcuteStringSession.decode(encoded)).isEqualTo(contents.session());
      if (contents.media() == null
          && IpAddresses.toText(contents.main().socketAddress().getAddress())
              .equals(contents.main().address())) {
        assertThat(encoded).isEqualTo(fixture.string());
      }
    }
  }

  @Nested
  @DisplayName("encoding")
  class Encoding {
    @Test
    @DisplayName("a session without a self user, or with an unknown bot flag, carries no self user")
    void noSelf() {
      SessionData data = session(4, null);
      assertThat(MtcuteStringSession.read(MtcuteStringSession.encode(data)).self()).isNull();
      PeerInfo.User unknownBot = new PeerInfo.User(77, null, null, Boolean.TRUE, null, null);
      SessionData withUnknown = session(4, unknownBot);
      assertThat(MtcuteStringSession.read(MtcuteStringSession.encode(withUnknown)).self()).isNull();
    }

    @Test
    @DisplayName("a test DC session is written with test mode and reads back equal")
    void testMode() {
      Map<Integer, DcOption> options = new TreeMap<>(KnownDcs.test());
      options.put(
          2, KnownDcs.test().get(2).withAuthKey(AuthKey.of(GramJsStringSessionTest.key(9))));
      SessionData data = new SessionData(2, options, Map.of(), UpdatesState.empty());

      for (StandardProtocolFamily family :
          List.of(StandardProtocolFamily.INET, StandardProtocolFamily.INET6)) {
        MtcuteStringSession.Contents contents =
            MtcuteStringSession.read(MtcuteStringSession.encode(data, family));
        assertThat(contents.testMode()).isTrue();
        assertThat(contents.main().ipv6()).isEqualTo(family == StandardProtocolFamily.INET6);
        assertThat(contents.session())
            .isEqualTo(
                data.withExtras(
                    Map.of(),
                    Map.of(),
                    Map.of(),
                    family == StandardProtocolFamily.INET6
                        ? dev.tgsession.AddressFamily.IPV6
                        : dev.tgsession.AddressFamily.IPV4));
      }
    }

    @Test
    @DisplayName("a session without a home key is refused")
    void noKey() {
      assertThatThrownBy(() -> MtcuteStringSession.encode(SessionData.empty()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("mtcute string session: expected an auth key for the home DC 2");
    }
  }

  @Nested
  @DisplayName("a malformed string is refused with what was expected and found")
  class Malformed {
    private final String real = Fixtures.named(fixtures(), "telethon-ipv4-dc2").string();

    @Test
    @DisplayName("another version, and a Telethon string, with a hint")
    void otherFormats() {
      byte[] bytes = Base64.getUrlDecoder().decode(real);
      bytes[0] = 2;
      assertRefused(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes))
          .hasMessageContaining("expected version 3, found version 2");
      String telethon = Fixtures.telethon().get(0).string();
      assertRefused(telethon)
          .hasMessageContaining("use TelethonStringSession or GramJsStringSession");
      assertRefused("").hasMessageContaining("found 0 characters, an empty string");
      for (Fixtures.Entry fixture : fixtures()) {
        assertThatThrownBy(() -> TelethonStringSession.decode(fixture.string()))
            .hasMessageContaining("is probably an mtcute session string: use MtcuteStringSession");
        assertThatThrownBy(() -> GramJsStringSession.decode(fixture.string()))
            .hasMessageContaining("use MtcuteStringSession");
        assertThatThrownBy(() -> PyrogramStringSession.decode(fixture.string()))
            .hasMessageContaining("use MtcuteStringSession");
      }
    }

    @Test
    @DisplayName("every truncation names what is missing")
    void truncated() {
      byte[] bytes = Base64.getUrlDecoder().decode(real);
      for (int length = 1; length < bytes.length; length++) {
        byte[] cut = java.util.Arrays.copyOf(bytes, length);
        String text = Base64.getUrlEncoder().withoutPadding().encodeToString(cut);
        if (text.length() % 4 == 1) {
          continue;
        }
        assertRefused(text).hasMessageContaining("expected");
      }
    }

    @Test
    @DisplayName("trailing bytes, unknown flags, a bad Bool, non-zero padding, a short key")
    void fields() {
      String withSelf = Fixtures.named(fixtures(), "test-dc3-ipv4-bot").string();
      byte[] bytes = Base64.getUrlDecoder().decode(withSelf);
      assertRefused(encode(concat(bytes, new byte[] {0, 0, 0, 0})))
          .hasMessageContaining("expected nothing after the auth key, found 4 more bytes");
      byte[] flags = bytes.clone();
      flags[1] |= 8;
      assertRefused(encode(flags)).hasMessageContaining("expected flags of 1, 2 and 4 only");
      // layout: version, flags (4), main DC, media DC (TL bytes, short form), user (8), Bool (4)
      int media = 5 + ((1 + (bytes[5] & 0xFF) + 3) / 4) * 4;
      int bool = media + ((1 + (bytes[media] & 0xFF) + 3) / 4) * 4 + 8;
      byte[] badBool = bytes.clone();
      badBool[bool] = 1;
      assertRefused(encode(badBool))
          .hasMessageContaining("expected the self user's bot flag as a TL Bool");
      // in real: the main DC's address "149.154.167.51" is 14 bytes, one padding byte after it
      byte[] padding = Base64.getUrlDecoder().decode(real);
      padding[5 + 1 + 3 + 1 + 14] = 7;
      assertRefused(encode(padding))
          .hasMessageContaining("expected zero padding after the main DC's address");
    }

    @Test
    @DisplayName("an address that is no IP address, and a family flag that lies, are refused")
    void dcFields() {
      assertThatThrownBy(
              () ->
                  new MtcuteStringSession.Dc(2, "venus.web.telegram.org", 443, false, false, false))
          .hasMessageContaining("expected an IP address for DC 2, found 'venus.web.telegram.org'");
      assertThatThrownBy(
              () -> new MtcuteStringSession.Dc(2, "149.154.167.41", 443, true, false, false))
          .hasMessageContaining("expected an IPv6 address for DC 2 (its ipv6 flag is true)");
      assertThatThrownBy(
              () -> new MtcuteStringSession.Dc(0, "149.154.167.41", 443, false, false, false))
          .hasMessageContaining("expected a DC id 1..255, found 0");
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertRefused(String text) {
      var thrown =
          assertThatThrownBy(() -> MtcuteStringSession.decode(text))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessageStartingWith("mtcute string session: ");
      if (text.length() > 40) {
        thrown.hasMessageNotContaining(text.substring(20, 40));
      }
      return thrown;
    }
  }

  private static String encode(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] result = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }

  private static SessionData session(int dc, PeerInfo.User self) {
    Map<Integer, DcOption> options = new TreeMap<>(KnownDcs.all());
    options.put(
        dc, KnownDcs.all().get(dc).withAuthKey(AuthKey.of(GramJsStringSessionTest.key(dc))));
    Map<dev.tgsession.PeerId, PeerInfo> peers =
        self == null ? Map.of() : Map.of(self.peerId(), self);
    return new SessionData(dc, options, peers, UpdatesState.empty());
  }

  private static void assertDc(MtcuteStringSession.Dc dc, JsonNode expected) {
    assertThat(dc.id()).isEqualTo(expected.get("id").asInt());
    assertThat(dc.address()).isEqualTo(expected.get("ipAddress").asText());
    assertThat(dc.port()).isEqualTo(expected.get("port").asInt());
    assertThat(dc.ipv6()).isEqualTo(expected.get("ipv6").asBoolean());
    assertThat(dc.mediaOnly()).isEqualTo(expected.get("mediaOnly").asBoolean());
    assertThat(dc.testMode()).isEqualTo(expected.get("testMode").asBoolean());
    try {
      assertThat(dc.socketAddress().getAddress())
          .isEqualTo(InetAddress.getByName(expected.get("ipAddress").asText()));
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
