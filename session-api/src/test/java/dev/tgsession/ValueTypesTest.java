package dev.tgsession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

  @Nested
  @DisplayName("PeerId")
  class PeerIds {

    @Test
    @DisplayName("packs users, chats and channels as Bot API dialog ids")
    void packing() {
      assertThat(PeerId.user(42).botApiDialogId()).isEqualTo(42);
      assertThat(PeerId.chat(42).botApiDialogId()).isEqualTo(-42);
      assertThat(PeerId.channel(42).botApiDialogId()).isEqualTo(-1_000_000_000_042L);
      assertThat(PeerId.channel(3_000_000_000_000L).botApiDialogId())
          .isEqualTo(-4_000_000_000_000L);
      assertThat(PeerId.selfUser().botApiDialogId()).isEqualTo(1L << 40);
    }

    @Test
    @DisplayName("tells its kind and bare id back")
    void kindsAndBareIds() {
      assertThat(PeerId.user(0xFF_FFFF_FFFFL).kind()).isEqualTo(PeerKind.USER);
      assertThat(new PeerId(-999_999_999_999L).kind()).isEqualTo(PeerKind.CHAT);
      assertThat(new PeerId(-1_997_852_516_352L).kind()).isEqualTo(PeerKind.CHANNEL);
      assertThat(new PeerId(-1_997_852_516_352L).bareId()).isEqualTo(997_852_516_352L);
      assertThat(new PeerId(-2_002_147_483_649L).bareId()).isEqualTo(1_002_147_483_649L);
      assertThat(PeerId.selfUser().kind()).isEqualTo(PeerKind.USER_SELF);
      assertThatThrownBy(() -> PeerId.selfUser().bareId())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("selfUser");
    }

    @Test
    @DisplayName("rejects ids outside every range, naming the range")
    void ranges() {
      assertThatThrownBy(() -> PeerId.user(0)).hasMessageContaining("1..1099511627775");
      assertThatThrownBy(() -> PeerId.user(0x100_0000_0000L))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> PeerId.chat(1_000_000_000_000L))
          .hasMessageContaining("1..999999999999");
      assertThatThrownBy(() -> PeerId.channel(997_852_516_353L))
          .hasMessageContaining("1002147483649..3000000000000");
      assertThatThrownBy(() -> PeerId.channel(3_000_000_000_001L))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new PeerId(0)).hasMessageContaining("found 0");
      assertThatThrownBy(() -> new PeerId(-1_000_000_000_000L))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new PeerId(-1_998_000_000_000L))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  @DisplayName("AuthKey")
  class AuthKeys {

    private byte[] bytes(int seed) {
      byte[] key = new byte[256];
      for (int i = 0; i < key.length; i++) {
        key[i] = (byte) (i * 7 + seed);
      }
      return key;
    }

    @Test
    @DisplayName("must be exactly 256 bytes")
    void length() {
      assertThatThrownBy(() -> AuthKey.of(new byte[255]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("256")
          .hasMessageContaining("255");
      assertThatThrownBy(() -> AuthKey.of(new byte[257])).hasMessageContaining("257");
    }

    @Test
    @DisplayName("copies its bytes in and out")
    void copies() {
      byte[] input = bytes(1);
      AuthKey key = AuthKey.of(input);
      Arrays.fill(input, (byte) 0);
      assertThat(key.bytes()).isEqualTo(bytes(1));
      key.bytes()[0] = 99;
      assertThat(key.bytes()).isEqualTo(bytes(1));
    }

    @Test
    @DisplayName("computes MTProto's key id: the low 64 bits of SHA-1, little-endian")
    void keyId() throws Exception {
      byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(bytes(3));
      long expected = 0;
      for (int i = 19; i >= 12; i--) {
        expected = (expected << 8) | (sha1[i] & 0xFF);
      }
      assertThat(AuthKey.of(bytes(3)).keyId()).isEqualTo(expected);
    }

    @Test
    @DisplayName("equals by content, and toString shows the id but never the bytes")
    void equalsAndToString() {
      AuthKey key = AuthKey.of(bytes(5));
      assertThat(key).isEqualTo(AuthKey.of(bytes(5))).isNotEqualTo(AuthKey.of(bytes(6)));
      assertThat(key.hashCode()).isEqualTo(AuthKey.of(bytes(5)).hashCode());
      String hex = HexFormat.of().formatHex(bytes(5));
      assertThat(key.toString())
          .contains(Long.toHexString(key.keyId()))
          .doesNotContain(hex.substring(0, 16))
          .doesNotContain(Arrays.toString(bytes(5)).substring(0, 20));
    }
  }

  @Nested
  @DisplayName("PeerInfo")
  class PeerInfos {

    @Test
    @DisplayName("usernames are normalised: lower-case, no '@', no duplicates")
    void usernames() {
      PeerInfo.User user =
          new PeerInfo.User(1, null, null, null, List.of("@Alice", "alice", "Bob_1"), null);
      assertThat(user.usernames()).containsExactly("alice", "bob_1");
    }

    @Test
    @DisplayName("malformed usernames and phones are rejected with the value")
    void malformed() {
      assertThatThrownBy(() -> new PeerInfo.User(1, null, null, null, List.of("no spaces"), null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no spaces");
      assertThatThrownBy(() -> new PeerInfo.User(1, null, null, null, null, "+1-555"))
          .hasMessageContaining("+1-555");
      assertThatThrownBy(() -> new PeerInfo.Channel(1, null, null, List.of("")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new PeerInfo.User(0, null, null, null, null, null))
          .hasMessageContaining("user id");
    }

    @Test
    @DisplayName("phones keep their digits, without '+'")
    void phones() {
      assertThat(new PeerInfo.User(1, null, null, null, null, "+4915112345678").phone())
          .isEqualTo("4915112345678");
      assertThat(PeerInfo.normalizePhone("12345")).isEqualTo("12345");
      assertThatThrownBy(() -> PeerInfo.normalizePhone("12")).hasMessageContaining("3 to 20");
    }

    @Test
    @DisplayName("the access hash falls back to the ambient one when unknown")
    void authOrAmbient() {
      assertThat(new PeerInfo.User(1, null, null, null, null, null).authOrAmbient())
          .isEqualTo(PeerAuth.AMBIENT);
      assertThat(PeerInfo.Channel.of(1, 5).authOrAmbient()).isEqualTo(new PeerAuth(5));
      assertThat(new PeerInfo.Chat(1).authOrAmbient().isAmbient()).isTrue();
    }

    @Test
    @DisplayName("auth() is the known access hash of any peer, null when unknown or a chat")
    void authOfAnyPeer() {
      List<PeerInfo> peers =
          List.of(
              PeerInfo.User.of(1, 7),
              new PeerInfo.User(2, null, true, null, null, null),
              PeerInfo.Channel.of(3, 9),
              new PeerInfo.Chat(4));
      assertThat(peers)
          .extracting(PeerInfo::auth)
          .containsExactly(new PeerAuth(7), null, new PeerAuth(9), null);
    }
  }

  @Nested
  @DisplayName("DC options, updates state and session data")
  class Containers {

    @Test
    @DisplayName("a DC option needs a positive id and resolved addresses of the right family")
    void dcOption() throws Exception {
      InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("1.2.3.4"), 443);
      InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 443);
      assertThatThrownBy(() -> new DcOption(0, v4, v6, null)).hasMessageContaining("found 0");
      assertThatThrownBy(() -> new DcOption(1, v6, v6, null)).hasMessageContaining("IPv4");
      assertThatThrownBy(() -> new DcOption(1, v4, v4, null)).hasMessageContaining("IPv6");
      assertThatThrownBy(
              () -> new DcOption(1, InetSocketAddress.createUnresolved("x", 1), v6, null))
          .hasMessageContaining("resolved");
    }

    @Test
    @DisplayName(
        "KnownDcs holds Telegram's five production DCs on port 443, and its three test DCs")
    void knownDcs() {
      assertThat(KnownDcs.all()).containsOnlyKeys(1, 2, 3, 4, 5);
      assertThat(KnownDcs.get(2).orElseThrow().ipv4().getAddress().getHostAddress())
          .isEqualTo("149.154.167.41");
      assertThat(KnownDcs.get(5).orElseThrow().ipv4().getAddress().getHostAddress())
          .isEqualTo("91.108.56.104");
      assertThat(KnownDcs.test()).containsOnlyKeys(1, 2, 3);
      assertThat(KnownDcs.test().get(2).ipv4().getAddress().getHostAddress())
          .isEqualTo("149.154.167.40");
      assertThat(KnownDcs.test().values()).allSatisfy(dc -> assertThat(dc.authKey()).isNull());
      assertThat(KnownDcs.all().values())
          .allSatisfy(
              dc -> {
                assertThat(dc.ipv4().getPort()).isEqualTo(443);
                assertThat(dc.ipv6().getPort()).isEqualTo(443);
                assertThat(dc.authKey()).isNull();
              });
    }

    @Test
    @DisplayName("the updates state sorts channels and rejects duplicates and negatives")
    void updatesState() {
      UpdatesState state =
          new UpdatesState(1, 2, 3, 4, List.of(new ChannelState(9, 1), new ChannelState(3, 2)));
      assertThat(state.channels()).extracting(ChannelState::id).containsExactly(3L, 9L);
      assertThatThrownBy(
              () ->
                  new UpdatesState(
                      0, 0, 0, 0, List.of(new ChannelState(3, 1), new ChannelState(3, 2))))
          .hasMessageContaining("channel 3");
      assertThatThrownBy(() -> new UpdatesState(-1, 0, 0, 0, List.of()))
          .hasMessageContaining("pts");
      assertThatThrownBy(() -> new UpdateState.Primary(0, -5, 0)).hasMessageContaining("date");
      assertThatThrownBy(() -> new UpdateState.Channel(0, 1))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("session data checks that each key is its value's id")
    void sessionData() {
      assertThatThrownBy(
              () ->
                  new SessionData(
                      2, Map.of(1, KnownDcs.get(2).orElseThrow()), Map.of(), UpdatesState.empty()))
          .hasMessageContaining("DC option 1");
      assertThatThrownBy(
              () ->
                  new SessionData(
                      2,
                      Map.of(),
                      Map.of(PeerId.user(1), PeerInfo.User.of(2, 0)),
                      UpdatesState.empty()))
          .hasMessageContaining("peer 1");
      assertThat(SessionData.empty().homeAuthKey()).isEmpty();
    }
  }
}
