package dev.tgsession.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionData;
import dev.tgsession.support.IpAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * encode(read(s)) == s for every string a real library made (Telethon, GramJS, Pyrogram's layout,
 * mtcute's converters), and the rules for test DCs, ports and user_id 0.
 */
@DisplayName("round trips are identities")
class RoundTripIdentityTest {

  static List<Fixtures.Entry> telethon() {
    List<Fixtures.Entry> all = new ArrayList<>(Fixtures.telethon());
    all.addAll(Fixtures.converted("telethon"));
    return all;
  }

  static List<Fixtures.Entry> gramJs() {
    List<Fixtures.Entry> all = new ArrayList<>(Fixtures.gramJs());
    all.addAll(Fixtures.converted("gramjs"));
    return all;
  }

  static List<Fixtures.Entry> pyrogramCurrent() {
    return Stream.concat(
            Fixtures.pyrogram().stream().filter(e -> e.string().length() == 362),
            Fixtures.converted("pyrogram").stream())
        .toList();
  }

  static List<Fixtures.Entry> converted() {
    return Fixtures.converted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("telethon")
  @DisplayName("Telethon (Telethon 1.25.1 and mtcute): encode(read(s)) == s, IPv4 and IPv6")
  void telethonIdentity(Fixtures.Entry fixture) {
    TelethonStringSession.Contents contents = TelethonStringSession.read(fixture.string());

    assertThat(TelethonStringSession.encode(contents)).isEqualTo(fixture.string());
    assertThat(contents.family())
        .isEqualTo(
            fixture.string().length() == 369
                ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET);
    assertThat(contents.session().homeAuthKey()).contains(AuthKey.of(fixture.key()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gramJs")
  @DisplayName("GramJS (GramJS 2.26.22 and mtcute): encode(read(s)) == s, hostnames included")
  void gramJsIdentity(Fixtures.Entry fixture) {
    GramJsStringSession.Contents contents = GramJsStringSession.read(fixture.string());

    assertThat(GramJsStringSession.encode(contents)).isEqualTo(fixture.string());
    assertThat(contents.address()).isEqualTo(fixture.text("address"));
    assertThat(contents.port()).isEqualTo(fixture.integer("port"));
    assertThat(contents.session().homeAuthKey()).contains(AuthKey.of(fixture.key()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pyrogramCurrent")
  @DisplayName("Pyrogram, current layout (struct and mtcute): encode(read(s)) == s, test mode too")
  void pyrogramIdentity(Fixtures.Entry fixture) {
    PyrogramStringSession.Contents contents = PyrogramStringSession.read(fixture.string());

    assertThat(PyrogramStringSession.encode(contents)).isEqualTo(fixture.string());
    if (!contents.testMode()) {
      assertThat(PyrogramStringSession.encode(contents.session(), contents.apiId()))
          .isEqualTo(fixture.string());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("converted")
  @DisplayName("strings of test DCs map to the test DCs on both families, with the string's port")
  void testDcs(Fixtures.Entry fixture) {
    SessionData data = session(fixture);
    int dc = fixture.integer("dc");
    DcOption home = data.dcOptions().get(dc);
    boolean test = fixture.flag("testMode");
    Map<Integer, DcOption> table = test ? KnownDcs.test() : KnownDcs.all();

    assertThat(data.dcOptions().keySet()).containsAll(table.keySet());
    assertThat(TelegramTestDcs.isTestDc(home)).isEqualTo(test);
    if (test) {
      DcOption known = table.get(dc);
      int port = fixture.values().has("port") ? fixture.integer("port") : 443;
      assertThat(home.ipv4()).isEqualTo(new InetSocketAddress(known.ipv4().getAddress(), port));
      assertThat(home.ipv6()).isEqualTo(new InetSocketAddress(known.ipv6().getAddress(), port));
      assertThat(data.dcOptions().keySet()).containsExactlyElementsOf(KnownDcs.test().keySet());
    }
  }

  @Nested
  @DisplayName("ports")
  class Ports {
    @Test
    @DisplayName("the family the string does not carry gets the string's port")
    void derivedFamilyGetsThePort() {
      SessionData data =
          TelethonStringSession.decode(
              Fixtures.named(Fixtures.converted(), "telethon-prod-dc1-ipv4-port5222").string());
      DcOption home = data.dcOptions().get(1);

      assertThat(home.ipv4()).isEqualTo(new InetSocketAddress(ip("149.154.175.53"), 5222));
      assertThat(home.ipv6())
          .isEqualTo(new InetSocketAddress(KnownDcs.all().get(1).ipv6().getAddress(), 5222));
      // the other DCs keep their own 443
      assertThat(data.dcOptions().get(2)).isEqualTo(KnownDcs.all().get(2));
    }

    @Test
    @DisplayName("a test DC 1 string on port 80 (mtcute's test mapping) keeps 80 on both families")
    void testDcPort80() {
      SessionData data =
          GramJsStringSession.decode(
              Fixtures.named(Fixtures.converted(), "gramjs-test-dc1-ipv4-port80").string());

      assertThat(data.dcOptions().get(1).ipv6())
          .isEqualTo(new InetSocketAddress(ip("2001:b28:f23d:f001::e"), 80));
    }

    @Test
    @DisplayName("GramJS: mtcute's port 44300 reads unsigned; only encode(Contents) writes it back")
    void gramJsHighPort() {
      String text = Fixtures.named(Fixtures.converted(), "gramjs-unknown-dc7-port44300").string();
      GramJsStringSession.Contents contents = GramJsStringSession.read(text);

      assertThat(contents.session().dcOptions().get(7).ipv4())
          .isEqualTo(new InetSocketAddress(ip("10.0.0.7"), 44300));
      assertThat(contents.session().dcOptions().get(7).ipv6())
          .isEqualTo(
              new InetSocketAddress(
                  IpAddresses.mapped((java.net.Inet4Address) ip("10.0.0.7")), 44300));
      assertThat(GramJsStringSession.encode(contents)).isEqualTo(text);
      assertThatThrownBy(() -> GramJsStringSession.encode(contents.session()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "GramJS string session: expected a port 0..32767 (GramJS writes it as a signed"
                  + " 16-bit number), found 44300 for DC 7");
    }
  }

  @Nested
  @DisplayName("Pyrogram user_id 0")
  class PyrogramNoUser {
    private final String text =
        Fixtures.named(Fixtures.converted(), "pyrogram-no-self-user-id-0").string();

    @Test
    @DisplayName("decodes as no self user and encodes back to 0")
    void noSelfUser() {
      SessionData data = PyrogramStringSession.decode(text);

      assertThat(data.peers()).isEmpty();
      assertThat(data.homeDcId()).isEqualTo(2);
      assertThat(PyrogramStringSession.read(text).userId()).isZero();
      assertThat(PyrogramStringSession.encode(data, 12345)).isEqualTo(text);
      assertThat(data.peers().values()).noneMatch(p -> p instanceof PeerInfo.User u && u.isSelf());
    }
  }

  @Test
  @DisplayName("mtcute-converted strings decode to the values mtcute was given")
  void convertedValues() {
    for (Fixtures.Entry fixture : Fixtures.converted()) {
      SessionData data = session(fixture);
      assertThat(data.homeDcId()).as(fixture.name()).isEqualTo(fixture.integer("dc"));
      assertThat(data.homeAuthKey()).as(fixture.name()).contains(AuthKey.of(fixture.key()));
      if (fixture.values().has("address")) {
        DcOption home = data.dcOptions().get(fixture.integer("dc"));
        InetSocketAddress carried = fixture.flag("ipv6") ? home.ipv6() : home.ipv4();
        assertThat(carried)
            .as(fixture.name())
            .isEqualTo(new InetSocketAddress(ip(fixture.text("address")), fixture.integer("port")));
      }
    }
  }

  private static SessionData session(Fixtures.Entry fixture) {
    return switch (fixture.text("format")) {
      case "telethon" -> TelethonStringSession.decode(fixture.string());
      case "gramjs" -> GramJsStringSession.decode(fixture.string());
      case "pyrogram" -> PyrogramStringSession.read(fixture.string()).session();
      default -> throw new AssertionError(fixture.text("format"));
    };
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
