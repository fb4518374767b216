package dev.tgsession.interop;

import static dev.tgsession.interop.RandomInputs.STANDARD;
import static dev.tgsession.interop.RandomInputs.URL_SAFE;
import static dev.tgsession.interop.RandomInputs.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.AuthKey;
import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionData;
import dev.tgsession.UpdatesState;
import dev.tgsession.support.IpAddresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Properties of all three codecs over seeded random inputs (reproducible: seeds are fixed). */
@DisplayName("string-session codecs, for any input")
class StringSessionPropertiesTest {

  private static final int TRIES = 1000;

  private static final Map<String, Function<String, ?>> DECODERS = decoders();

  @Nested
  @DisplayName("round trips")
  class RoundTrips {

    @Test
    @DisplayName("Telethon: decode(encode(x)) == x for every DC, address, port and key it carries")
    void telethon() {
      forAll(
          TRIES,
          1,
          in -> {
            InetAddress address = in.address();
            SessionData x =
                representable(in.between(1, 255), address, in.between(0, 65535), in.key());

            String encoded = TelethonStringSession.encode(x, familyOf(address));

            assertThat(encoded).hasSize(address instanceof Inet4Address ? 353 : 369);
            assertThat(TelethonStringSession.decode(encoded)).isEqualTo(x);
            // the family kept: encoding the decoded session without naming one gives the string
            // (but for 0.0.0.0, which the API reads as "no IPv4 address known")
            if (!address.isAnyLocalAddress()) {
              assertThat(TelethonStringSession.encode(TelethonStringSession.decode(encoded)))
                  .isEqualTo(encoded);
            }
          });
    }

    @Test
    @DisplayName("mtcute: decode(encode(x)) == x and encode(read(s)) == s, self user or not")
    void mtcute() {
      forAll(
          TRIES,
          5,
          in -> {
            InetAddress address = in.address();
            SessionData plain =
                representable(in.between(1, 255), address, in.between(0, 65535), in.key());
            SessionData x = plain;
            if (in.bool()) {
              PeerInfo.User self =
                  new PeerInfo.User(
                      in.between(1L, 0xFF_FFFF_FFFFL), null, in.bool(), Boolean.TRUE, null, null);
              x =
                  new SessionData(
                          plain.homeDcId(),
                          plain.dcOptions(),
                          Map.of(self.peerId(), self),
                          plain.updatesState())
                      .withExtras(Map.of(), Map.of(), Map.of(), plain.homeDcFamily());
            }

            String encoded = MtcuteStringSession.encode(x, familyOf(address));

            assertThat(MtcuteStringSession.decode(encoded)).isEqualTo(x);
            assertThat(MtcuteStringSession.encode(MtcuteStringSession.read(encoded)))
                .isEqualTo(encoded);
          });
    }

    @Test
    @DisplayName("GramJS: decode(encode(x)) == x for every DC, address, port and key it carries")
    void gramJs() {
      forAll(
          TRIES,
          2,
          in -> {
            InetAddress address = in.address();
            SessionData x =
                representable(in.between(1, 255), address, in.between(0, 32767), in.key());

            assertThat(GramJsStringSession.decode(GramJsStringSession.encode(x, familyOf(address))))
                .isEqualTo(x);
          });
    }

    @Test
    @DisplayName("Telethon and GramJS: with an IPv4 address but 0.0.0.0 the default encoding too")
    void defaultFamily() {
      forAll(
          TRIES,
          3,
          in -> {
            InetAddress address = in.ipv4();
            if (address.isAnyLocalAddress()) {
              return; // 0.0.0.0 reads as "no IPv4 address known": the default is then IPv6
            }
            SessionData x =
                representable(in.between(1, 255), address, in.between(0, 32767), in.key());

            assertThat(TelethonStringSession.decode(TelethonStringSession.encode(x))).isEqualTo(x);
            assertThat(GramJsStringSession.decode(GramJsStringSession.encode(x))).isEqualTo(x);
          });
    }

    @Test
    @DisplayName("Pyrogram: decode(encode(x)) == x for every production DC, user, bot flag, key")
    void pyrogram() {
      forAll(
          TRIES,
          4,
          in -> {
            long userId = in.between(1L, 0xFF_FFFF_FFFFL);
            boolean bot = in.bool();
            int apiId = in.between(0, Integer.MAX_VALUE);
            SessionData x =
                pyrogramSession(KnownDcs.all(), in.between(1, 5), in.key(), userId, bot);

            String encoded = PyrogramStringSession.encode(x, apiId);

            assertThat(encoded).hasSize(362);
            assertThat(PyrogramStringSession.decode(encoded)).isEqualTo(x);
            assertThat(PyrogramStringSession.read(encoded))
                .isEqualTo(new PyrogramStringSession.Contents(x, apiId, false, userId, bot));
          });
    }

    @Test
    @DisplayName("Pyrogram: a session on the test DCs encodes with test_mode and reads back equal")
    void pyrogramTestMode() {
      forAll(
          TRIES,
          5,
          in -> {
            long userId = in.between(1L, 0xFF_FFFF_FFFFL);
            boolean bot = in.bool();
            int apiId = in.between(0, Integer.MAX_VALUE);
            SessionData x =
                pyrogramSession(TelegramTestDcs.ALL, in.between(1, 3), in.key(), userId, bot);

            assertThat(PyrogramStringSession.read(PyrogramStringSession.encode(x, apiId)))
                .isEqualTo(new PyrogramStringSession.Contents(x, apiId, true, userId, bot));
          });
    }

    @Test
    @DisplayName("every codec keeps what its format carries of any session and drops the rest")
    void carriesItsPart() {
      forAll(
          200,
          6,
          in -> {
            int dc = in.between(1, 5);
            AuthKey key = in.key();
            AuthKey otherKey = in.key();
            long userId = in.between(1L, 0xFF_FFFF_FFFFL);
            int pts = in.between(0, 1000);
            Map<Integer, DcOption> options = new TreeMap<>(KnownDcs.all());
            options.replaceAll((id, option) -> option.withAuthKey(id == dc ? key : otherKey));
            PeerInfo.User self =
                new PeerInfo.User(userId, null, Boolean.FALSE, Boolean.TRUE, null, null);
            PeerInfo.Channel channel = PeerInfo.Channel.of(5, 6);
            SessionData rich =
                new SessionData(
                    dc,
                    options,
                    Map.of(self.peerId(), self, channel.peerId(), channel),
                    new UpdatesState(pts, 1, 2, 3, List.of(new ChannelState(5, pts))));

            for (SessionData decoded :
                List.of(
                    TelethonStringSession.decode(TelethonStringSession.encode(rich)),
                    GramJsStringSession.decode(GramJsStringSession.encode(rich)),
                    PyrogramStringSession.decode(PyrogramStringSession.encode(rich, 1)))) {
              assertThat(decoded.homeDcId()).isEqualTo(dc);
              assertThat(decoded.homeAuthKey()).contains(key);
              assertThat(decoded.dcOptions().get(dc).ipv4()).isEqualTo(options.get(dc).ipv4());
              decoded
                  .dcOptions()
                  .forEach(
                      (id, option) -> assertThat(option.authKey() == null).isEqualTo(id != dc));
              assertThat(decoded.peers().keySet()).isSubsetOf(PeerId.user(userId));
              assertThat(decoded.updatesState()).isEqualTo(UpdatesState.empty());
            }
          });
    }
  }

  @Nested
  @DisplayName("malformed input raises IllegalArgumentException only, and never quotes the string")
  class OnlyIllegalArgument {

    @Test
    @DisplayName("any string of any characters")
    void anyString() {
      forAll(TRIES, 11, in -> decodeEverywhere(in.anyString(in.between(0, 400))));
    }

    @Test
    @DisplayName("base64-looking strings around the real lengths, with and without '1' and '='")
    void base64Like() {
      forAll(
          TRIES * 3,
          12,
          in -> {
            String chars =
                switch (in.between(0, 2)) {
                  case 0 -> URL_SAFE;
                  case 1 -> STANDARD;
                  default -> URL_SAFE + STANDARD + "=";
                };
            String prefix = in.bool() ? "1" : "";
            String padding = List.of("", "", "=", "==").get(in.between(0, 3));
            decodeEverywhere(prefix + in.string(chars, in.stringLength()) + padding);
          });
    }

    @Test
    @DisplayName("real strings truncated, extended, or with a character inserted or changed")
    void mutatedRealStrings() {
      List<String> real =
          Stream.of(
                  Fixtures.telethon(),
                  Fixtures.gramJs(),
                  Fixtures.pyrogram(),
                  Fixtures.mtcute(),
                  Fixtures.converted())
              .flatMap(List::stream)
              .map(Fixtures.Entry::string)
              .toList();
      forAll(
          TRIES,
          13,
          in -> {
            String string = real.get(in.between(0, real.size() - 1));
            int at = in.between(0, string.length() - 1);
            String extra = in.string(URL_SAFE + STANDARD + "=", in.between(1, 12));
            char replacement =
                in.bool() ? in.pick(URL_SAFE + STANDARD + "=") : in.anyString(1).charAt(0);

            decodeEverywhere(string.substring(0, at));
            decodeEverywhere(string + extra);
            decodeEverywhere(string.substring(0, at) + extra + string.substring(at));
            decodeEverywhere(string.substring(0, at) + replacement + string.substring(at + 1));
          });
    }

    @Test
    @DisplayName("random bytes of every layout's size, in every base64 form")
    void randomLayouts() {
      forAll(
          TRIES,
          14,
          in -> {
            // Telethon 263/275, Pyrogram 263/267/271, GramJS 262 and up.
            byte[] bytes = in.bytes(in.between(255, 365));
            if (in.bool()) {
              bytes[0] = (byte) in.between(0, 5);
              bytes[1] = 0;
              bytes[2] = (byte) (bytes.length - 261);
            }
            decodeEverywhere("1" + Base64.getUrlEncoder().encodeToString(bytes));
            decodeEverywhere("1" + Base64.getEncoder().encodeToString(bytes));
            decodeEverywhere(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
          });
    }

    @Test
    @DisplayName("edge cases: empty, blank, lone prefix, lone padding")
    void edgeCases() {
      for (String text : List.of("", " ", "\n", "1", "=", "1=", "====", "1====", "\u0000")) {
        decodeEverywhere(text);
      }
    }
  }

  /** Decodes with every codec; anything but IllegalArgumentException escapes and fails. */
  private static void decodeEverywhere(String text) {
    DECODERS.forEach(
        (name, decoder) -> {
          try {
            decoder.apply(text);
          } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            assertThat(message).as(name + " names its format").contains("string session");
            String trimmed = text.strip();
            if (trimmed.length() >= 32) {
              int middle = trimmed.length() / 2;
              assertThat(message)
                  .as(name + " must not quote the string")
                  .doesNotContain(trimmed.substring(middle - 8, middle + 8));
            }
          }
        });
  }

  private static Map<String, Function<String, ?>> decoders() {
    Map<String, Function<String, ?>> decoders = new LinkedHashMap<>();
    decoders.put("Telethon", TelethonStringSession::decode);
    decoders.put("GramJS", GramJsStringSession::decode);
    decoders.put("Pyrogram read", PyrogramStringSession::read);
    decoders.put("Pyrogram decode", PyrogramStringSession::decode);
    decoders.put("mtcute", MtcuteStringSession::read);
    return decoders;
  }

  /**
   * The session a Telethon or GramJS string of this DC, address, port and key stands for, built
   * from the documented rules (not from the codecs' code): the other family from the test DCs when
   * the address is the test DC's, else from the production DCs, in both cases with the string's
   * port; derived from the address for a DC neither table has.
   */
  static SessionData representable(int dc, InetAddress address, int port, AuthKey key) {
    DcOption test = KnownDcs.test().get(dc);
    boolean testDc =
        test != null
            && (test.ipv4().getAddress().equals(address)
                || test.ipv6().getAddress().equals(address));
    Map<Integer, DcOption> table = testDc ? KnownDcs.test() : KnownDcs.all();
    Optional<DcOption> known = Optional.ofNullable(table.get(dc));
    InetSocketAddress carried = new InetSocketAddress(address, port);
    DcOption home;
    if (address instanceof Inet4Address ipv4) {
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xFF;
      mapped[11] = (byte) 0xFF;
      System.arraycopy(ipv4.getAddress(), 0, mapped, 12, 4);
      InetSocketAddress ipv6 =
          known
              .map(o -> new InetSocketAddress(o.ipv6().getAddress(), port))
              .orElse(new InetSocketAddress(IpAddresses.fromBytes(mapped), port));
      home = new DcOption(dc, carried, ipv6, key);
    } else {
      byte[] bytes = ((Inet6Address) address).getAddress();
      boolean zeroPrefix = Arrays.equals(bytes, 0, 10, new byte[10], 0, 10);
      boolean embeds =
          zeroPrefix && bytes[10] == bytes[11] && (bytes[10] == 0 || bytes[10] == (byte) 0xFF);
      byte[] embedded = embeds ? Arrays.copyOfRange(bytes, 12, 16) : new byte[4];
      InetSocketAddress ipv4 =
          known
              .map(o -> new InetSocketAddress(o.ipv4().getAddress(), port))
              .orElse(new InetSocketAddress(IpAddresses.fromBytes(embedded), port));
      home = new DcOption(dc, ipv4, carried, key);
    }
    Map<Integer, DcOption> options = new TreeMap<>(table);
    options.put(dc, home);
    // the session remembers the family the string gave its home DC in
    return new SessionData(dc, options, Map.of(), UpdatesState.empty())
        .withExtras(
            Map.of(),
            Map.of(),
            Map.of(),
            address instanceof Inet4Address
                ? dev.tgsession.AddressFamily.IPV4
                : dev.tgsession.AddressFamily.IPV6);
  }

  static SessionData pyrogramSession(
      Map<Integer, DcOption> table, int dc, AuthKey key, long userId, boolean bot) {
    Map<Integer, DcOption> options = new TreeMap<>(table);
    options.put(dc, table.get(dc).withAuthKey(key));
    PeerInfo.User self = new PeerInfo.User(userId, null, bot, Boolean.TRUE, null, null);
    return new SessionData(dc, options, Map.of(self.peerId(), self), UpdatesState.empty());
  }

  private static StandardProtocolFamily familyOf(InetAddress address) {
    return address instanceof Inet4Address
        ? StandardProtocolFamily.INET
        : StandardProtocolFamily.INET6;
  }
}
