package dev.tgsession.cli;

import dev.tgsession.AuthKey;
import dev.tgsession.ChannelKind;
import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Deterministic sessions for tests: every kind of peer and every unknown a session can hold. */
final class Samples {

  static final int HOME_DC = 4;
  static final AuthKey HOME_KEY = key(4);
  static final AuthKey DC2_KEY = key(2);
  static final AuthKey DC7_KEY = key(7);
  static final long SELF_ID = 5_550_100_001L;

  private Samples() {}

  /** A recognisably fake key: byte i is {@code seed * 31 + i}. */
  static AuthKey key(int seed) {
    byte[] bytes = new byte[AuthKey.LENGTH];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (seed * 31 + i);
    }
    return AuthKey.of(bytes);
  }

  static String hex(AuthKey key) {
    return HexFormat.of().formatHex(key.bytes());
  }

  static List<PeerInfo> peers() {
    return List.of(
        new PeerInfo.User(
            SELF_ID, new PeerAuth(-77), false, true, List.of("Demo_Self"), "15550100"),
        new PeerInfo.User(93_372_553L, new PeerAuth(Long.MIN_VALUE), true, null, List.of(), null),
        new PeerInfo.User(777_000L, null, null, false, null, null),
        new PeerInfo.User(0xFF_FFFF_FFFFL, new PeerAuth(0), null, null, null, "4915550100"),
        new PeerInfo.Chat(123_456L),
        new PeerInfo.Channel(
            1_234_567_890L,
            new PeerAuth(Long.MAX_VALUE),
            ChannelKind.BROADCAST,
            List.of("news", "News_Mirror")),
        new PeerInfo.Channel(1_500_000_000L, new PeerAuth(42), ChannelKind.MEGAGROUP, null),
        new PeerInfo.Channel(1_600_000_000L, null, ChannelKind.GIGAGROUP, List.of()),
        new PeerInfo.Channel(1_002_147_483_649L, new PeerAuth(-1), null, null));
  }

  static UpdatesState updatesState() {
    return new UpdatesState(
        1234,
        56,
        1_700_000_000,
        78,
        List.of(new ChannelState(1_234_567_890L, 99), new ChannelState(1_500_000_000L, 7)));
  }

  static DcOption dc7() {
    try {
      return new DcOption(
          7,
          new InetSocketAddress(InetAddress.getByName("10.0.0.7"), 8443),
          new InetSocketAddress(InetAddress.getByName("fd00::7"), 8443),
          DC7_KEY);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** Fills {@code session} with every sample: keys for DCs 2, 4 (home) and 7, peers and state. */
  static void fill(Session session) {
    session.setDcOption(KnownDcs.get(2).orElseThrow().withAuthKey(DC2_KEY));
    session.setDcOption(KnownDcs.get(HOME_DC).orElseThrow().withAuthKey(HOME_KEY));
    session.setDcOption(dc7());
    session.setHomeDcId(HOME_DC);
    session.cachePeers(peers());
    session.setUpdateState(new UpdateState.All(updatesState()));
  }

  /**
   * Caches {@code count} distinct peers: users, chats and channels in turn, with and without
   * hashes, usernames, phones and flags; unique usernames and phones, so nothing is taken from
   * another peer.
   */
  static void fillMany(Session session, int count) {
    List<PeerInfo> batch = new ArrayList<>(1000);
    for (int i = 0; i < count; i++) {
      batch.add(numbered(i));
      if (batch.size() == 1000) {
        session.cachePeers(batch);
        batch.clear();
      }
    }
    session.cachePeers(batch);
    session.setDcOption(KnownDcs.get(HOME_DC).orElseThrow().withAuthKey(HOME_KEY));
    session.setHomeDcId(HOME_DC);
    session.setUpdateState(new UpdateState.All(updatesState()));
  }

  static PeerInfo numbered(int i) {
    long id = 1_000_000L + i;
    return switch (i % 5) {
      case 0 ->
          new PeerInfo.User(id, new PeerAuth(id * 7919), i % 10 == 0, null, List.of("u" + i), null);
      case 1 -> new PeerInfo.User(id, null, null, null, null, "1555" + id);
      case 2 -> new PeerInfo.Chat(id);
      case 3 ->
          new PeerInfo.Channel(
              id, new PeerAuth(-id), ChannelKind.MEGAGROUP, List.of("c" + i, "alt" + i));
      default -> new PeerInfo.Channel(id, new PeerAuth(id), null, null);
    };
  }
}
