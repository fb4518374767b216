package dev.tgsession.tck;

import dev.tgsession.AuthKey;
import dev.tgsession.ChannelKind;
import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.TempAuthKey;
import dev.tgsession.UpdatesState;
import dev.tgsession.support.IpAddresses;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;

/**
 * The data the kit's tests use, public so a backend's own tests can use the same: deterministic
 * auth keys, DC options, and peers of every shape.
 */
public final class TckData {

  private TckData() {}

  /** A 256-byte auth key made from a seed: the same seed gives the same key. */
  public static AuthKey key(int seed) {
    byte[] bytes = new byte[AuthKey.LENGTH];
    new Random(seed).nextBytes(bytes);
    return AuthKey.of(bytes);
  }

  /** A socket address of an IP literal (no name lookup). */
  public static InetSocketAddress address(String literal, int port) {
    return new InetSocketAddress(IpAddresses.literal(literal, "a test address"), port);
  }

  /**
   * A DC option with IPv4 10.0.0.id, port 443+id, IPv6 2001:db8::id and the key of {@code seed}.
   */
  public static DcOption dc(int id, int seed) {
    return new DcOption(
        id,
        address("10.0.0." + id, 443 + id),
        address("2001:db8::" + Integer.toHexString(id), 8443),
        key(seed));
  }

  /**
   * Media-only addresses of DC {@code id} (IPv4 10.1.0.id, port 80+id, IPv6 2001:db8:1::id), with
   * no auth key.
   */
  public static DcOption mediaDc(int id) {
    return new DcOption(
        id,
        address("10.1.0." + id, 80 + id),
        address("2001:db8:1::" + Integer.toHexString(id), 8080),
        null);
  }

  /**
   * A temporary key made from a seed, expiring in an hour at a whole second (stores keep expiries
   * to the second).
   */
  public static TempAuthKey tempKey(int seed) {
    return tempKey(seed, Duration.ofHours(1));
  }

  /** A temporary key made from a seed, expiring {@code in} from now, at a whole second. */
  public static TempAuthKey tempKey(int seed, Duration in) {
    return new TempAuthKey(key(seed), Instant.now().plus(in).truncatedTo(ChronoUnit.SECONDS));
  }

  /**
   * Waits until the clock is past the next whole second and returns that second: what was cached
   * before it is older than it even where a store keeps times to the second.
   */
  public static Instant nextSecond() throws InterruptedException {
    Instant boundary = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    sleepPast(boundary);
    return boundary;
  }

  /** Sleeps until the clock is past {@code instant} (by a few milliseconds). */
  public static void sleepPast(Instant instant) throws InterruptedException {
    while (!Instant.now().isAfter(instant.plusMillis(5))) {
      Thread.sleep(Math.max(1, Duration.between(Instant.now(), instant).toMillis() + 10));
    }
  }

  /** A user known by id and access hash only. */
  public static PeerInfo.User user(long id, long hash) {
    return new PeerInfo.User(id, new PeerAuth(hash), null, null, null, null);
  }

  /** A user with every component known: hash, flags, two usernames and a phone. */
  public static PeerInfo.User fullUser(long id) {
    return new PeerInfo.User(
        id,
        new PeerAuth(id * 31 + 7),
        Boolean.FALSE,
        Boolean.FALSE,
        List.of("user" + id, "alias" + id),
        "1555" + String.format(Locale.ROOT, "%07d", id % 10_000_000));
  }

  /** A user with hash = id and these usernames. */
  public static PeerInfo.User named(long id, String... usernames) {
    return new PeerInfo.User(id, new PeerAuth(id), null, null, List.of(usernames), null);
  }

  /** A user with hash = id and this phone number. */
  public static PeerInfo.User withPhone(long id, String phone) {
    return new PeerInfo.User(id, new PeerAuth(id), null, null, null, phone);
  }

  /** The self user (not a bot) with this hash. */
  public static PeerInfo.User self(long id, long hash) {
    return new PeerInfo.User(id, new PeerAuth(hash), Boolean.FALSE, Boolean.TRUE, null, null);
  }

  /** A megagroup with this hash and no usernames known. */
  public static PeerInfo.Channel channel(long id, long hash) {
    return new PeerInfo.Channel(id, new PeerAuth(hash), ChannelKind.MEGAGROUP, null);
  }

  /**
   * The stored user with this id.
   *
   * @throws AssertionError naming the user when the session does not have it
   */
  public static PeerInfo.User stored(Session session, long userId) {
    PeerInfo peer =
        session
            .peer(PeerId.user(userId))
            .orElseThrow(() -> new AssertionError("expected user " + userId + " to be stored"));
    if (!(peer instanceof PeerInfo.User user)) {
      throw new AssertionError("expected user " + userId + " to be a user, found " + peer);
    }
    return user;
  }

  /**
   * The stored peer with this id.
   *
   * @throws AssertionError naming the peer when the session does not have it
   */
  public static PeerInfo storedPeer(Session session, PeerId id) {
    return session
        .peer(id)
        .orElseThrow(() -> new AssertionError("expected peer " + id + " to be stored"));
  }

  /** The owner of a username, or an AssertionError naming the username. */
  public static PeerId ownerOf(Session session, String username) {
    return session
        .peerByUsername(username)
        .orElseThrow(
            () -> new AssertionError("expected username '" + username + "' to have an owner"))
        .peerId();
  }

  /** Every stored peer by id, in the order {@link Session#peers()} streams them. */
  public static Map<PeerId, PeerInfo> all(Session session) {
    try (Stream<PeerInfo> peers = session.peers()) {
      return peers.collect(
          Collectors.toMap(PeerInfo::peerId, peer -> peer, (a, b) -> a, LinkedHashMap::new));
    }
  }

  /** Asserts rule 1: home DC 2, DCs 1 to 5 as KnownDcs, no peers, an all-zero updates state. */
  public static void assertNewSession(Session session) {
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(session.homeDcId()).as("home DC").isEqualTo(KnownDcs.DEFAULT_HOME_DC);
    for (int id = 1; id <= 5; id++) {
      soft.assertThat(session.dcOption(id)).as("DC %d", id).isEqualTo(KnownDcs.get(id));
    }
    soft.assertThat(session.peerCount()).as("peer count").isZero();
    soft.assertThat(all(session)).as("peers").isEmpty();
    soft.assertThat(session.peer(PeerId.selfUser())).as("self user").isEmpty();
    soft.assertThat(session.updatesState()).as("updates state").isEqualTo(UpdatesState.empty());
    soft.assertAll();
  }

  /**
   * The forms of an auth key a raw store must not hold, for scans of files, values and documents:
   * its bytes, and 64-character prefixes of its hex (both cases) and base64 (both alphabets), so a
   * form cut at any alignment is still found.
   */
  public static List<byte[]> rawForms(AuthKey key) {
    byte[] bytes = key.bytes();
    List<byte[]> forms = new java.util.ArrayList<>();
    forms.add(bytes);
    for (String text :
        List.of(
            java.util.HexFormat.of().formatHex(bytes),
            java.util.HexFormat.of().withUpperCase().formatHex(bytes),
            java.util.Base64.getEncoder().encodeToString(bytes),
            java.util.Base64.getUrlEncoder().encodeToString(bytes))) {
      forms.add(text.substring(0, 64).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    return forms;
  }

  /** Where {@code needle} first occurs in {@code haystack}, or -1. */
  public static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
