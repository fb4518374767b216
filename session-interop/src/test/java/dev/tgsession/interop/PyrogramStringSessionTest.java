package dev.tgsession.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionData;
import dev.tgsession.UpdatesState;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("PyrogramStringSession")
class PyrogramStringSessionTest {

  static List<Fixtures.Entry> fixtures() {
    return Fixtures.pyrogram();
  }

  static List<Fixtures.Entry> productionFixtures() {
    return fixtures().stream().filter(entry -> !entry.flag("testMode")).toList();
  }

  static List<Fixtures.Entry> currentLayoutFixtures() {
    return fixtures().stream().filter(entry -> entry.integer("length") == 362).toList();
  }

  @Nested
  @DisplayName("strings in Pyrogram's layouts (packed by struct, not by Pyrogram)")
  class Layouts {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tgsession.interop.PyrogramStringSessionTest#fixtures")
    @DisplayName("read every field exactly, in all three layouts")
    void readExactly(Fixtures.Entry fixture) {
      PyrogramStringSession.Contents contents = PyrogramStringSession.read(fixture.string());

      assertThat(contents.apiId()).isEqualTo(fixture.integer("apiId"));
      assertThat(contents.testMode()).isEqualTo(fixture.flag("testMode"));
      assertThat(contents.userId()).isEqualTo(fixture.values().get("userId").asLong());
      assertThat(contents.bot()).isEqualTo(fixture.flag("bot"));
      SessionData session = contents.session();
      int dc = fixture.integer("dc");
      assertThat(session.homeDcId()).isEqualTo(dc);
      assertThat(session.dcOptions().get(dc).authKey()).isEqualTo(AuthKey.of(fixture.key()));
      assertThat(session.updatesState()).isEqualTo(UpdatesState.empty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tgsession.interop.PyrogramStringSessionTest#fixtures")
    @DisplayName("make the user the self user, with its bot flag and no access hash")
    void selfUser(Fixtures.Entry fixture) {
      long userId = fixture.values().get("userId").asLong();
      SessionData session = PyrogramStringSession.read(fixture.string()).session();

      assertThat(session.peers())
          .containsExactly(
              Map.entry(
                  PeerId.user(userId),
                  new PeerInfo.User(userId, null, fixture.flag("bot"), Boolean.TRUE, null, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tgsession.interop.PyrogramStringSessionTest#productionFixtures")
    @DisplayName("decode production strings onto KnownDcs")
    void productionOnKnownDcs(Fixtures.Entry fixture) {
      SessionData session = PyrogramStringSession.decode(fixture.string());

      int dc = fixture.integer("dc");
      assertThat(session.dcOptions().keySet()).isEqualTo(KnownDcs.all().keySet());
      KnownDcs.all()
          .forEach(
              (id, known) ->
                  assertThat(session.dcOptions().get(id))
                      .isEqualTo(id == dc ? known.withAuthKey(AuthKey.of(fixture.key())) : known));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tgsession.interop.PyrogramStringSessionTest#currentLayoutFixtures")
    @DisplayName("re-encode current-layout strings byte-identical, test mode included")
    void reencodeIdentical(Fixtures.Entry fixture) {
      PyrogramStringSession.Contents contents = PyrogramStringSession.read(fixture.string());

      assertThat(PyrogramStringSession.encode(contents.session(), contents.apiId()))
          .isEqualTo(fixture.string());
    }

    @Test
    @DisplayName("re-encode older layouts in the current layout with the api_id given")
    void upgradeOldLayouts() {
      for (Fixtures.Entry fixture : fixtures()) {
        if (fixture.integer("length") != 362) {
          PyrogramStringSession.Contents old = PyrogramStringSession.read(fixture.string());
          String upgraded = PyrogramStringSession.encode(old.session(), 4242);

          assertThat(upgraded).as(fixture.name()).hasSize(362);
          assertThat(PyrogramStringSession.read(upgraded))
              .as(fixture.name())
              .isEqualTo(
                  new PyrogramStringSession.Contents(
                      old.session(), 4242, old.testMode(), old.userId(), old.bot()));
        }
      }
    }
  }

  @Nested
  @DisplayName("test mode")
  class TestMode {

    private final Fixtures.Entry fixture = Fixtures.named(fixtures(), "current-test-mode-dc2");

    @Test
    @DisplayName("decode refuses a test-DC string and says to use read")
    void decodeRefuses() {
      assertThatThrownBy(() -> PyrogramStringSession.decode(fixture.string()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Pyrogram string session")
          .hasMessageContaining("found a test-DC session (test_mode = 1, DC 2)")
          .hasMessageContaining("PyrogramStringSession.read(String)");
    }

    @Test
    @DisplayName("read points the session to Telegram's test DCs 1..3 and to no production DC")
    void readPointsToTestDcs() {
      SessionData session = PyrogramStringSession.read(fixture.string()).session();

      assertThat(session.dcOptions()).containsOnlyKeys(1, 2, 3);
      assertThat(session.dcOptions().get(2).ipv4().getAddress().getHostAddress())
          .isEqualTo("149.154.167.40");
      assertThat(session.dcOptions().get(1).ipv4().getAddress().getHostAddress())
          .isEqualTo("149.154.175.10");
      assertThat(session.dcOptions().get(3).ipv4().getAddress().getHostAddress())
          .isEqualTo("149.154.175.117");
      session
          .dcOptions()
          .values()
          .forEach(
              option ->
                  assertThat(option.ipv4())
                      .isNotEqualTo(KnownDcs.get(option.id()).orElseThrow().ipv4()));
    }

    @Test
    @DisplayName("a test-mode string of a DC with no test server is refused")
    void noSuchTestDc() {
      assertRefused(current(4, 1, 1, 777, 0))
          .hasMessageContaining("expected a DC id of Telegram's test DCs 1..3")
          .hasMessageContaining("found DC 4");
    }
  }

  @Nested
  @DisplayName("encoding")
  class Encoding {

    private final SessionData session =
        PyrogramStringSession.decode(Fixtures.named(fixtures(), "current-user-dc2").string());

    @Test
    @DisplayName(
        "without a self user writes user_id 0 and is_bot 0, as mtcute does, and reads back")
    void noSelfUser() {
      SessionData anonymous =
          new SessionData(
              session.homeDcId(), session.dcOptions(), Map.of(), session.updatesState());

      String encoded = PyrogramStringSession.encode(anonymous, 1);

      PyrogramStringSession.Contents contents = PyrogramStringSession.read(encoded);
      assertThat(contents.userId()).isZero();
      assertThat(contents.bot()).isFalse();
      assertThat(contents.session()).isEqualTo(anonymous);
    }

    @Test
    @DisplayName("refuses a self user whose bot flag is unknown")
    void unknownBotFlag() {
      PeerInfo.User self = new PeerInfo.User(99, null, null, Boolean.TRUE, null, null);
      SessionData data =
          new SessionData(
              session.homeDcId(),
              session.dcOptions(),
              Map.of(self.peerId(), self),
              session.updatesState());

      assertThatThrownBy(() -> PyrogramStringSession.encode(data, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected the self user's bot flag, found it unknown (null)");
    }

    @Test
    @DisplayName("refuses a home DC without a key")
    void noKey() {
      assertThatThrownBy(() -> PyrogramStringSession.encode(SessionData.empty(), 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected an auth key for the home DC 2, found none");
    }

    @Test
    @DisplayName("refuses a negative api_id")
    void negativeApiId() {
      assertThatThrownBy(() -> PyrogramStringSession.encode(session, -1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected a non-negative api_id, found -1");
    }

    @Test
    @DisplayName("drops other peers, other DCs' keys and the updates state")
    void dropsTheRest() {
      PeerInfo.Channel channel = PeerInfo.Channel.of(77, 88);
      Map<PeerId, PeerInfo> peers = new java.util.HashMap<>(session.peers());
      peers.put(channel.peerId(), channel);
      Map<Integer, DcOption> options = new java.util.HashMap<>(session.dcOptions());
      options.put(4, KnownDcs.get(4).orElseThrow().withAuthKey(AuthKey.of(new byte[256])));
      SessionData richer =
          new SessionData(
              session.homeDcId(), options, peers, new UpdatesState(1, 2, 3, 4, List.of()));

      assertThat(PyrogramStringSession.decode(PyrogramStringSession.encode(richer, 12345)))
          .isEqualTo(session);
    }
  }

  @Nested
  @DisplayName("a malformed string is refused with what was expected and found")
  class Malformed {

    @Test
    @DisplayName("a wrong length names the three valid lengths and the one found")
    void wrongLength() {
      assertRefused(Fixtures.pyrogram().get(0).string().substring(0, 263))
          .hasMessageContaining("362 characters (current layout) or 351 or 356 (older layouts)")
          .hasMessageContaining("found 263 characters");
    }

    @Test
    @DisplayName("a Telethon string is sent to TelethonStringSession or GramJsStringSession")
    void telethon() {
      assertRefused(Fixtures.telethon().get(0).string())
          .hasMessageContaining("found 353 characters, a string starting with '1'")
          .hasMessageContaining("use TelethonStringSession or GramJsStringSession");
    }

    @Test
    @DisplayName("padding is refused: Pyrogram strips it")
    void padding() {
      String current = Fixtures.pyrogram().get(0).string();
      assertRefused(current.substring(0, 360) + "==")
          .hasMessageContaining("expected base64 without '=' padding");
    }

    @Test
    @DisplayName("a flag other than 0 or 1 is refused")
    void badFlag() {
      assertRefused(current(2, 1, 2, 777, 0))
          .hasMessageContaining("expected test_mode 0 or 1, found 2");
      assertRefused(current(2, 1, 0, 777, 9))
          .hasMessageContaining("expected is_bot 0 or 1, found 9");
    }

    @Test
    @DisplayName("a user id outside Telegram's range is refused")
    void badUserId() {
      assertRefused(current(2, 1, 0, 1L << 40, 0))
          .hasMessageContaining(
              "expected a user_id 0..1099511627775 (0: no user), found 1099511627776");
      assertRefused(current(2, 1, 0, -1, 0)).hasMessageContaining("found 18446744073709551615");
    }

    @Test
    @DisplayName("an api_id above Java's int range is refused")
    void bigApiId() {
      assertRefused(current(2, -1, 0, 777, 0))
          .hasMessageContaining("expected an api_id 0..2147483647, found 4294967295");
    }

    @Test
    @DisplayName("a production DC KnownDcs lacks is refused: the string carries no address")
    void unknownDc() {
      assertRefused(current(203, 1, 0, 777, 0))
          .hasMessageContaining("Telegram's production DCs 1..5 (the string carries no address)")
          .hasMessageContaining("found DC 203");
    }
  }

  static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(String text) {
    var thrown =
        assertThatThrownBy(() -> PyrogramStringSession.read(text))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("Pyrogram string session: ");
    if (text.length() > 40) {
      thrown.hasMessageNotContaining(text.substring(20, 40));
    }
    return thrown;
  }

  /** A current-layout string with free field values. */
  static String current(int dc, int apiId, int testMode, long userId, int bot) {
    ByteBuffer buffer = ByteBuffer.allocate(271);
    buffer.put((byte) dc).putInt(apiId).put((byte) testMode).put(GramJsStringSessionTest.key(dc));
    buffer.putLong(userId).put((byte) bot);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
  }
}
