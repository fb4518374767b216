package dev.tgsession.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.AuthKey;
import dev.tgsession.ChannelKind;
import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.SessionUri;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The technology compatibility kit: the rules of {@link Session} as JUnit 5 tests. A backend's test
 * suite extends this class and implements {@link #uri(String)}; that is all.
 *
 * <pre>{@code
 * class MyStoreTckTest extends SessionTck {
 *   protected String uri(String sessionName) {
 *     return "mystore://127.0.0.1:7000/?session=" + sessionName;
 *   }
 * }
 * }</pre>
 *
 * <p>Every session is opened through {@link Sessions#open(String)}, so the kit also proves the
 * provider's {@link java.util.ServiceLoader} registration. The capabilities the provider declares
 * ({@link Capability#DURABLE}, {@link Capability#NAMED}, {@link Capability#SHARED}) switch their
 * groups on; an undeclared one makes its tests report as skipped with the reason, never as a silent
 * pass.
 */
@DisplayName("Session TCK")
public abstract class SessionTck {

  private static final AtomicLong NAMES = new AtomicLong();

  private final List<Session> opened = new ArrayList<>();
  private final Set<String> names = new LinkedHashSet<>();
  private String name = "";

  /**
   * The URI of the session called {@code sessionName} in the store under test. The same name must
   * name the same session on every call (for a durable store, the same stored data); different
   * names must name different sessions when the provider declares {@link Capability#NAMED} (for
   * stores of one session, such as a file, give each name its own place).
   *
   * @param sessionName a short name of letters, digits and dashes
   */
  protected abstract String uri(String sessionName);

  /** Gives each test its own session name. */
  @BeforeEach
  final void nameSession(TestInfo info) {
    name = "tck-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
  }

  /** Closes what the test opened and clears what it stored. */
  @AfterEach
  final void cleanUp() {
    for (Session session : opened) {
      session.close();
    }
    opened.clear();
    for (String used : names) {
      try (Session session = Sessions.open(uri(used))) {
        session.clear();
      } catch (RuntimeException e) {
        // a test that broke the store on purpose may leave it unopenable; nothing to clear then
      }
    }
    names.clear();
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Opens this test's session (another instance each call). */
  protected final Session open() {
    return open(name);
  }

  /** Opens the session called {@code sessionName} (another instance each call). */
  protected final Session open(String sessionName) {
    names.add(sessionName);
    Session session = Sessions.open(uri(sessionName));
    opened.add(session);
    return session;
  }

  /** This test's session name. */
  protected final String sessionName() {
    return name;
  }

  /** The capabilities the provider under test declares. */
  protected final Set<Capability> capabilities() {
    return Sessions.provider(SessionUri.parse(uri(name)).scheme()).capabilities();
  }

  private void assumeCapability(Capability capability) {
    Assumptions.assumeTrue(
        capabilities().contains(capability),
        () ->
            "the provider of '"
                + SessionUri.parse(uri(name)).scheme()
                + "' does not declare "
                + capability
                + ", so its rules are not tested");
  }

  static AuthKey key(int seed) {
    byte[] bytes = new byte[AuthKey.LENGTH];
    new Random(seed).nextBytes(bytes);
    return AuthKey.of(bytes);
  }

  static InetSocketAddress address(String literal, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByName(literal), port);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static DcOption dc(int id, int seed) {
    return new DcOption(
        id,
        address("10.0.0." + id, 443 + id),
        address("2001:db8::" + Integer.toHexString(id), 8443),
        key(seed));
  }

  static PeerInfo.User user(long id, long hash) {
    return new PeerInfo.User(id, new PeerAuth(hash), null, null, null, null);
  }

  static PeerInfo.User fullUser(long id) {
    return new PeerInfo.User(
        id,
        new PeerAuth(id * 31 + 7),
        Boolean.FALSE,
        Boolean.FALSE,
        List.of("user" + id, "alias" + id),
        "1555" + String.format(Locale.ROOT, "%07d", id % 10_000_000));
  }

  static PeerInfo.User named(long id, String... usernames) {
    return new PeerInfo.User(id, new PeerAuth(id), null, null, List.of(usernames), null);
  }

  static PeerInfo.User withPhone(long id, String phone) {
    return new PeerInfo.User(id, new PeerAuth(id), null, null, null, phone);
  }

  static PeerInfo.User self(long id, long hash) {
    return new PeerInfo.User(id, new PeerAuth(hash), Boolean.FALSE, Boolean.TRUE, null, null);
  }

  static PeerInfo.Channel channel(long id, long hash) {
    return new PeerInfo.Channel(id, new PeerAuth(hash), ChannelKind.MEGAGROUP, null);
  }

  static PeerInfo.User stored(Session session, long userId) {
    return (PeerInfo.User) session.peer(PeerId.user(userId)).orElseThrow();
  }

  static Map<PeerId, PeerInfo> all(Session session) {
    try (Stream<PeerInfo> peers = session.peers()) {
      return peers.collect(
          Collectors.toMap(PeerInfo::peerId, peer -> peer, (a, b) -> a, LinkedHashMap::new));
    }
  }

  static void assertNewSession(Session session) {
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

  // ---- rule 1 -------------------------------------------------------------------------------

  @Nested
  @DisplayName("a new session")
  class Defaults {

    @Test
    @DisplayName("has home DC 2")
    void homeDcIsTwo() {
      assertThat(open().homeDcId()).isEqualTo(2);
    }

    @Test
    @DisplayName("knows DCs 1 to 5 as KnownDcs, without auth keys")
    void knowsProductionDcs() {
      Session session = open();
      for (int id = 1; id <= 5; id++) {
        DcOption option = session.dcOption(id).orElseThrow();
        assertThat(option).isEqualTo(KnownDcs.get(id).orElseThrow());
        assertThat(option.authKey()).isNull();
      }
    }

    @Test
    @DisplayName("knows no other DC")
    void knowsNoOtherDc() {
      Session session = open();
      assertThat(session.dcOption(0)).isEmpty();
      assertThat(session.dcOption(6)).isEmpty();
      assertThat(session.dcOption(-1)).isEmpty();
      assertThat(session.dcOption(10_000)).isEmpty();
      assertThat(session.dcOptions()).isEqualTo(KnownDcs.all());
    }

    @Test
    @DisplayName("has no peers and no self user")
    void hasNoPeers() {
      Session session = open();
      assertThat(session.peerCount()).isZero();
      assertThat(all(session)).isEmpty();
      assertThat(session.peer(PeerId.user(1))).isEmpty();
      assertThat(session.peer(PeerId.chat(1))).isEmpty();
      assertThat(session.peer(PeerId.channel(1))).isEmpty();
      assertThat(session.peer(PeerId.selfUser())).isEmpty();
      assertThat(session.peerByUsername("nobody")).isEmpty();
      assertThat(session.peerByPhone("15550000000")).isEmpty();
    }

    @Test
    @DisplayName("has an all-zero updates state without channels")
    void hasZeroUpdatesState() {
      assertThat(open().updatesState()).isEqualTo(new UpdatesState(0, 0, 0, 0, List.of()));
    }

    @Test
    @DisplayName("snapshots as SessionData.empty()")
    void snapshotsAsEmpty() {
      assertThat(open().snapshot()).isEqualTo(SessionData.empty());
    }
  }

  // ---- rule 2 -------------------------------------------------------------------------------

  @Nested
  @DisplayName("DC options")
  class DcOptions {

    @Test
    @DisplayName("round-trip exactly: addresses, ports and key bytes")
    void roundTrip() {
      Session session = open();
      DcOption option = dc(2, 42);
      session.setDcOption(option);
      DcOption read = session.dcOption(2).orElseThrow();
      assertThat(read).isEqualTo(option);
      assertThat(read.ipv4()).isEqualTo(address("10.0.0.2", 445));
      assertThat(read.ipv6()).isEqualTo(address("2001:db8::2", 8443));
      assertThat(read.authKey().bytes()).isEqualTo(key(42).bytes());
    }

    @Test
    @DisplayName("are overwritten by a later setDcOption, key included")
    void overwrite() {
      Session session = open();
      session.setDcOption(dc(4, 1));
      session.setDcOption(dc(4, 2));
      assertThat(session.dcOption(4).orElseThrow().authKey()).isEqualTo(key(2));
      session.setDcOption(dc(4, 2).withAuthKey(null));
      assertThat(session.dcOption(4).orElseThrow().authKey()).isNull();
    }

    @Test
    @DisplayName("can add a DC that KnownDcs lacks")
    void addUnknownDc() {
      Session session = open();
      DcOption test = dc(203, 9);
      session.setDcOption(test);
      assertThat(session.dcOption(203)).contains(test);
      assertThat(session.dcOptions()).containsEntry(203, test).hasSize(6);
    }

    @Test
    @DisplayName("keep each DC's key to itself")
    void keysStayPerDc() {
      Session session = open();
      session.setDcOption(dc(1, 11));
      session.setDcOption(dc(3, 33));
      assertThat(session.dcOption(1).orElseThrow().authKey()).isEqualTo(key(11));
      assertThat(session.dcOption(3).orElseThrow().authKey()).isEqualTo(key(33));
      assertThat(session.dcOption(2)).isEqualTo(KnownDcs.get(2));
      assertThat(session.dcOption(5)).isEqualTo(KnownDcs.get(5));
    }

    @Test
    @DisplayName("keep any port and full IPv6 addresses")
    void oddAddresses() {
      Session session = open();
      DcOption option =
          new DcOption(
              5, address("255.255.255.254", 1), address("fe80:ffff:1:2:3:4:5:6", 65535), key(5));
      session.setDcOption(option);
      assertThat(session.dcOption(5)).contains(option);
    }

    @Test
    @DisplayName("setHomeDcId round-trips")
    void homeDc() {
      Session session = open();
      session.setHomeDcId(4);
      assertThat(session.homeDcId()).isEqualTo(4);
      session.setHomeDcId(2);
      assertThat(session.homeDcId()).isEqualTo(2);
    }

    @Test
    @DisplayName("a returned key is a copy: changing it changes nothing stored")
    void keyCopies() {
      Session session = open();
      session.setDcOption(dc(2, 7));
      byte[] bytes = session.dcOption(2).orElseThrow().authKey().bytes();
      Arrays.fill(bytes, (byte) 0);
      assertThat(session.dcOption(2).orElseThrow().authKey()).isEqualTo(key(7));
    }
  }

  // ---- rule 3 -------------------------------------------------------------------------------

  @Nested
  @DisplayName("peers and merging")
  class Peers {

    @Test
    @DisplayName("a user round-trips with every component")
    void userRoundTrip() {
      Session session = open();
      PeerInfo.User user =
          new PeerInfo.User(
              123456789L,
              new PeerAuth(-8_765_432_123L),
              Boolean.TRUE,
              Boolean.FALSE,
              List.of("somebot", "other_name"),
              "4915112345678");
      session.cachePeer(user);
      assertThat(session.peer(PeerId.user(123456789L))).contains(user);
    }

    @Test
    @DisplayName("a chat round-trips")
    void chatRoundTrip() {
      Session session = open();
      session.cachePeer(new PeerInfo.Chat(4242));
      assertThat(session.peer(PeerId.chat(4242))).contains(new PeerInfo.Chat(4242));
    }

    @Test
    @DisplayName("a channel round-trips with every component and each kind")
    void channelRoundTrip() {
      Session session = open();
      List<PeerInfo.Channel> channels =
          List.of(
              new PeerInfo.Channel(1001, new PeerAuth(1), ChannelKind.BROADCAST, List.of("news")),
              new PeerInfo.Channel(1002, new PeerAuth(2), ChannelKind.MEGAGROUP, List.of()),
              new PeerInfo.Channel(1003, new PeerAuth(3), ChannelKind.GIGAGROUP, null),
              new PeerInfo.Channel(1004, null, null, null));
      session.cachePeers(channels);
      for (PeerInfo.Channel channel : channels) {
        assertThat(session.peer(channel.peerId())).contains(channel);
      }
    }

    @Test
    @DisplayName("a known access hash survives caching the user without one")
    void userHashSurvives() {
      Session session = open();
      session.cachePeer(user(77, 0x1234_5678_9ABCL));
      session.cachePeer(new PeerInfo.User(77, null, Boolean.TRUE, null, null, null));
      PeerInfo.User read = stored(session, 77);
      assertThat(read.auth()).isEqualTo(new PeerAuth(0x1234_5678_9ABCL));
      assertThat(read.bot()).isTrue();
    }

    @Test
    @DisplayName("a known access hash survives caching the channel without one")
    void channelHashSurvives() {
      Session session = open();
      session.cachePeer(channel(555, -99));
      session.cachePeer(new PeerInfo.Channel(555, null, ChannelKind.BROADCAST, null));
      assertThat(session.peer(PeerId.channel(555)))
          .contains(new PeerInfo.Channel(555, new PeerAuth(-99), ChannelKind.BROADCAST, null));
    }

    @Test
    @DisplayName("a null component keeps each stored value")
    void nullKeeps() {
      Session session = open();
      PeerInfo.User full = fullUser(88);
      session.cachePeer(full);
      session.cachePeer(new PeerInfo.User(88, null, null, null, null, null));
      assertThat(session.peer(PeerId.user(88))).contains(full);
    }

    @Test
    @DisplayName("a non-null component replaces the stored one")
    void nonNullReplaces() {
      Session session = open();
      session.cachePeer(fullUser(89));
      PeerInfo.User changed =
          new PeerInfo.User(
              89, new PeerAuth(-1), Boolean.TRUE, Boolean.FALSE, List.of("renamed"), "4400000089");
      session.cachePeer(changed);
      assertThat(session.peer(PeerId.user(89))).contains(changed);
    }

    @Test
    @DisplayName("the ambient hash 0 is a value, not 'unknown': it replaces a stored hash")
    void ambientIsAValue() {
      Session session = open();
      session.cachePeer(user(90, 1234));
      session.cachePeer(new PeerInfo.User(90, PeerAuth.AMBIENT, null, null, null, null));
      assertThat(stored(session, 90).auth()).isEqualTo(PeerAuth.AMBIENT);
    }

    @Test
    @DisplayName("unknown (null) stays distinct from false, zero and empty")
    void unknownStaysUnknown() {
      Session session = open();
      PeerInfo.User unknown = new PeerInfo.User(91, null, null, null, null, null);
      PeerInfo.User known = new PeerInfo.User(92, PeerAuth.AMBIENT, false, false, List.of(), null);
      session.cachePeers(List.of(unknown, known));
      assertThat(session.peer(PeerId.user(91))).contains(unknown);
      assertThat(session.peer(PeerId.user(92))).contains(known);
    }

    @Test
    @DisplayName("a user, a chat and a channel with the same bare id are three peers")
    void kindsAreSeparate() {
      Session session = open();
      session.cachePeers(List.of(user(5, 50), new PeerInfo.Chat(5), channel(5, 500)));
      assertThat(session.peerCount()).isEqualTo(3);
      assertThat(session.peer(PeerId.user(5))).contains(user(5, 50));
      assertThat(session.peer(PeerId.chat(5))).contains(new PeerInfo.Chat(5));
      assertThat(session.peer(PeerId.channel(5))).contains(channel(5, 500));
    }

    @Test
    @DisplayName("the extremes of every id range and of the hash round-trip")
    void extremes() {
      Session session = open();
      List<PeerInfo> peers =
          List.of(
              user(1, Long.MIN_VALUE),
              user(0xFF_FFFF_FFFFL, Long.MAX_VALUE),
              new PeerInfo.Chat(1),
              new PeerInfo.Chat(999_999_999_999L),
              channel(1, -1),
              channel(997_852_516_352L, 1),
              channel(1_002_147_483_649L, 2),
              channel(3_000_000_000_000L, 3));
      session.cachePeers(peers);
      for (PeerInfo peer : peers) {
        assertThat(session.peer(peer.peerId())).as("%s", peer.peerId()).contains(peer);
      }
      assertThat(session.peerCount()).isEqualTo(peers.size());
    }

    @Test
    @DisplayName("peers() streams exactly the cached peers and peerCount() counts them")
    void streamAndCount() {
      Session session = open();
      List<PeerInfo> peers = new ArrayList<>();
      for (int i = 1; i <= 50; i++) {
        peers.add(fullUser(i));
        peers.add(new PeerInfo.Chat(i));
        peers.add(channel(i, i));
      }
      session.cachePeers(peers);
      Map<PeerId, PeerInfo> expected = new LinkedHashMap<>();
      peers.forEach(peer -> expected.put(peer.peerId(), peer));
      assertThat(all(session)).isEqualTo(expected);
      assertThat(session.peerCount()).isEqualTo(150);
    }

    @Test
    @DisplayName("caching a peer again does not add a peer")
    void recacheDoesNotCount() {
      Session session = open();
      session.cachePeer(user(7, 1));
      session.cachePeer(user(7, 2));
      session.cachePeer(user(7, 2));
      assertThat(session.peerCount()).isEqualTo(1);
      assertThat(stored(session, 7).auth()).isEqualTo(new PeerAuth(2));
    }

    @Test
    @DisplayName("an uncached peer is empty, even next to cached ones")
    void missIsEmpty() {
      Session session = open();
      session.cachePeer(user(10, 1));
      assertThat(session.peer(PeerId.user(11))).isEmpty();
      assertThat(session.peer(PeerId.chat(10))).isEmpty();
      assertThat(session.peer(PeerId.channel(10))).isEmpty();
    }

    @Test
    @DisplayName("a snapshot holds every peer, DC option and the updates state")
    void snapshotHoldsEverything() {
      Session session = open();
      session.setHomeDcId(4);
      session.setDcOption(dc(4, 4));
      session.cachePeers(List.of(fullUser(1), new PeerInfo.Chat(2), channel(3, 3)));
      session.setUpdateState(
          new UpdateState.All(new UpdatesState(1, 2, 3, 4, List.of(new ChannelState(3, 9)))));
      SessionData data = session.snapshot();
      assertThat(data.homeDcId()).isEqualTo(4);
      assertThat(data.dcOptions())
          .containsEntry(4, dc(4, 4))
          .containsEntry(1, KnownDcs.get(1).orElseThrow());
      assertThat(data.peers()).hasSize(3).containsEntry(PeerId.user(1), fullUser(1));
      assertThat(data.updatesState().channels()).containsExactly(new ChannelState(3, 9));
    }
  }

  // ---- rule 4 -------------------------------------------------------------------------------

  @Nested
  @DisplayName("the self user")
  class SelfUser {

    @Test
    @DisplayName("caching a user with self = TRUE makes peer(selfUser()) return it")
    void selfIsFound() {
      Session session = open();
      session.cachePeer(self(1000, 1));
      assertThat(session.peer(PeerId.selfUser())).contains(self(1000, 1));
      assertThat(session.peer(PeerId.user(1000))).contains(self(1000, 1));
    }

    @Test
    @DisplayName("a newer self user takes the flag from the older")
    void newerSelfWins() {
      Session session = open();
      session.cachePeer(self(1000, 1));
      session.cachePeer(self(2000, 2));
      assertThat(session.peer(PeerId.selfUser())).contains(self(2000, 2));
      assertThat(stored(session, 1000).self()).isFalse();
      assertThat(all(session).values())
          .filteredOn(peer -> peer instanceof PeerInfo.User u && u.isSelf())
          .hasSize(1);
    }

    @Test
    @DisplayName("caching the self user without the flag keeps it the self user")
    void nullFlagKeepsSelf() {
      Session session = open();
      session.cachePeer(self(1000, 1));
      session.cachePeer(new PeerInfo.User(1000, null, null, null, List.of("me"), null));
      PeerInfo.User read = (PeerInfo.User) session.peer(PeerId.selfUser()).orElseThrow();
      assertThat(read.id()).isEqualTo(1000);
      assertThat(read.usernames()).containsExactly("me");
      assertThat(read.auth()).isEqualTo(new PeerAuth(1));
    }

    @Test
    @DisplayName("caching the self user with self = FALSE leaves no self user")
    void falseFlagUnsets() {
      Session session = open();
      session.cachePeer(self(1000, 1));
      session.cachePeer(new PeerInfo.User(1000, null, null, Boolean.FALSE, null, null));
      assertThat(session.peer(PeerId.selfUser())).isEmpty();
      assertThat(stored(session, 1000).self()).isFalse();
    }

    @Test
    @DisplayName("other users cached later do not disturb the self user")
    void othersDoNotDisturb() {
      Session session = open();
      session.cachePeer(self(1000, 1));
      session.cachePeers(List.of(user(1, 1), fullUser(2), channel(3, 3)));
      assertThat(session.peer(PeerId.selfUser())).contains(self(1000, 1));
    }

    @Test
    @DisplayName("the self user of a batch is its last user with self = TRUE")
    void selfInBatch() {
      Session session = open();
      session.cachePeers(List.of(self(1, 1), self(2, 2), user(3, 3)));
      assertThat(session.peer(PeerId.selfUser())).contains(self(2, 2));
      assertThat(stored(session, 1).self()).isFalse();
    }
  }

  // ---- rule 5 -------------------------------------------------------------------------------

  @Nested
  @DisplayName("usernames and phones")
  class UsernamesAndPhones {

    @Test
    @DisplayName("usernames are stored lower-case")
    void storedLowerCase() {
      Session session = open();
      session.cachePeer(named(1, "Alice_Bot"));
      assertThat(stored(session, 1).usernames()).containsExactly("alice_bot");
    }

    @Test
    @DisplayName("lookup by username ignores case and a leading '@'")
    void lookupIgnoresCase() {
      Session session = open();
      session.cachePeer(named(1, "alice"));
      assertThat(session.peerByUsername("alice")).contains(named(1, "alice"));
      assertThat(session.peerByUsername("ALICE")).contains(named(1, "alice"));
      assertThat(session.peerByUsername("@Alice")).contains(named(1, "alice"));
    }

    @Test
    @DisplayName("every username of a peer finds it, a channel's too")
    void everyUsernameFinds() {
      Session session = open();
      session.cachePeer(named(1, "first", "second", "third"));
      session.cachePeer(new PeerInfo.Channel(9, new PeerAuth(9), null, List.of("chan", "chan2")));
      assertThat(session.peerByUsername("second").orElseThrow().peerId()).isEqualTo(PeerId.user(1));
      assertThat(session.peerByUsername("third").orElseThrow().peerId()).isEqualTo(PeerId.user(1));
      assertThat(session.peerByUsername("chan2").orElseThrow().peerId())
          .isEqualTo(PeerId.channel(9));
      assertThat(session.peerByUsername("fourth")).isEmpty();
    }

    @Test
    @DisplayName("a username belongs to the most recently cached peer that carries it")
    void newestOwnerWins() {
      Session session = open();
      session.cachePeer(named(1, "shared", "mine"));
      session.cachePeer(named(2, "shared"));
      assertThat(session.peerByUsername("shared").orElseThrow().peerId()).isEqualTo(PeerId.user(2));
      assertThat(stored(session, 1).usernames()).containsExactly("mine");
      assertThat(session.peerByUsername("mine").orElseThrow().peerId()).isEqualTo(PeerId.user(1));
    }

    @Test
    @DisplayName("a channel can take a username from a user, and back")
    void namesMoveAcrossKinds() {
      Session session = open();
      session.cachePeer(named(1, "handle"));
      session.cachePeer(new PeerInfo.Channel(2, new PeerAuth(2), null, List.of("handle")));
      assertThat(session.peerByUsername("handle").orElseThrow().peerId())
          .isEqualTo(PeerId.channel(2));
      assertThat(stored(session, 1).usernames()).isEmpty();
      session.cachePeer(named(1, "handle"));
      assertThat(session.peerByUsername("handle").orElseThrow().peerId()).isEqualTo(PeerId.user(1));
      assertThat(session.peer(PeerId.channel(2)).orElseThrow().usernames()).isEmpty();
    }

    @Test
    @DisplayName("a peer re-cached with a non-null list releases the names it lost")
    void lostNamesAreReleased() {
      Session session = open();
      session.cachePeer(named(1, "old", "kept"));
      session.cachePeer(named(1, "kept", "new"));
      assertThat(session.peerByUsername("old")).isEmpty();
      assertThat(session.peerByUsername("kept")).isPresent();
      assertThat(session.peerByUsername("new")).isPresent();
      session.cachePeer(named(1));
      assertThat(session.peerByUsername("kept")).isEmpty();
      assertThat(session.peerByUsername("new")).isEmpty();
    }

    @Test
    @DisplayName("a peer re-cached without usernames (null) keeps them")
    void nullListKeepsNames() {
      Session session = open();
      session.cachePeer(named(1, "keepme"));
      session.cachePeer(user(1, 5));
      assertThat(session.peerByUsername("keepme").orElseThrow().peerId()).isEqualTo(PeerId.user(1));
      assertThat(stored(session, 1).usernames()).containsExactly("keepme");
    }

    @Test
    @DisplayName("lookup by phone accepts the number with or without '+'")
    void phoneLookup() {
      Session session = open();
      session.cachePeer(withPhone(1, "+4915112345678"));
      assertThat(stored(session, 1).phone()).isEqualTo("4915112345678");
      assertThat(session.peerByPhone("4915112345678").orElseThrow().peerId())
          .isEqualTo(PeerId.user(1));
      assertThat(session.peerByPhone("+4915112345678").orElseThrow().peerId())
          .isEqualTo(PeerId.user(1));
      assertThat(session.peerByPhone("4915112345679")).isEmpty();
    }

    @Test
    @DisplayName("a phone number belongs to the most recently cached user that carries it")
    void newestPhoneOwnerWins() {
      Session session = open();
      session.cachePeer(withPhone(1, "15550001111"));
      session.cachePeer(withPhone(2, "15550001111"));
      assertThat(session.peerByPhone("15550001111").orElseThrow().peerId())
          .isEqualTo(PeerId.user(2));
      assertThat(stored(session, 1).phone()).isNull();
    }

    @Test
    @DisplayName("a user re-cached with another phone releases the old one")
    void oldPhoneReleased() {
      Session session = open();
      session.cachePeer(withPhone(1, "15550001111"));
      session.cachePeer(withPhone(1, "15550002222"));
      assertThat(session.peerByPhone("15550001111")).isEmpty();
      assertThat(session.peerByPhone("15550002222").orElseThrow().peerId())
          .isEqualTo(PeerId.user(1));
    }

    @Test
    @DisplayName("usernames and phone of one peer stay with it through unrelated merges")
    void unrelatedMergesKeepNames() {
      Session session = open();
      session.cachePeer(fullUser(3));
      session.cachePeer(new PeerInfo.User(3, new PeerAuth(99), true, null, null, null));
      assertThat(session.peerByUsername("user3").orElseThrow().peerId()).isEqualTo(PeerId.user(3));
      assertThat(session.peerByPhone(fullUser(3).phone()).orElseThrow().peerId())
          .isEqualTo(PeerId.user(3));
    }
  }

  // ---- rule 6 -------------------------------------------------------------------------------

  @Nested
  @DisplayName("batches")
  class Batches {

    @Test
    @DisplayName("cachePeers applies the batch in order: the later entry wins")
    void laterWins() {
      Session session = open();
      session.cachePeers(List.of(user(1, 1), user(1, 2), user(2, 5), user(1, 3)));
      assertThat(stored(session, 1).auth()).isEqualTo(new PeerAuth(3));
      assertThat(session.peerCount()).isEqualTo(2);
    }

    @Test
    @DisplayName("a later entry without a hash keeps the hash of an earlier one")
    void laterNullKeeps() {
      Session session = open();
      session.cachePeers(
          List.of(user(1, 42), new PeerInfo.User(1, null, Boolean.TRUE, null, null, null)));
      PeerInfo.User read = stored(session, 1);
      assertThat(read.auth()).isEqualTo(new PeerAuth(42));
      assertThat(read.bot()).isTrue();
    }

    @Test
    @DisplayName("a username claimed twice in a batch goes to the later peer")
    void claimsInBatch() {
      Session session = open();
      session.cachePeers(List.of(named(1, "x", "y"), named(2, "x")));
      assertThat(session.peerByUsername("x").orElseThrow().peerId()).isEqualTo(PeerId.user(2));
      assertThat(stored(session, 1).usernames()).containsExactly("y");
    }

    @Test
    @DisplayName(
        "a peer that lost a name in a batch does not win it back by a later entry without names")
    void lostNameStaysLost() {
      Session session = open();
      session.cachePeers(List.of(named(1, "x"), named(2, "x"), user(1, 9)));
      assertThat(session.peerByUsername("x").orElseThrow().peerId()).isEqualTo(PeerId.user(2));
      assertThat(stored(session, 1).usernames()).isEmpty();
      assertThat(stored(session, 1).auth()).isEqualTo(new PeerAuth(9));
    }

    @Test
    @DisplayName("a batch takes names from peers cached before it")
    void batchTakesStoredNames() {
      Session session = open();
      session.cachePeer(named(1, "taken"));
      session.cachePeers(List.of(user(5, 5), named(2, "taken")));
      assertThat(session.peerByUsername("taken").orElseThrow().peerId()).isEqualTo(PeerId.user(2));
      assertThat(stored(session, 1).usernames()).isEmpty();
    }

    @Test
    @DisplayName("a name can change hands several times in one batch")
    void nameChangesHands() {
      Session session = open();
      session.cachePeers(
          List.of(named(1, "hot"), named(2, "hot"), named(3, "hot"), named(1, "hot")));
      assertThat(session.peerByUsername("hot").orElseThrow().peerId()).isEqualTo(PeerId.user(1));
      assertThat(stored(session, 2).usernames()).isEmpty();
      assertThat(stored(session, 3).usernames()).isEmpty();
    }

    @Test
    @DisplayName("an empty batch changes nothing")
    void emptyBatch() {
      Session session = open();
      session.cachePeer(user(1, 1));
      session.cachePeers(List.of());
      assertThat(session.peerCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("a batch mixing users, chats and channels stores each")
    void mixedBatch() {
      Session session = open();
      List<PeerInfo> batch = new ArrayList<>();
      for (int i = 1; i <= 300; i++) {
        batch.add(i % 3 == 0 ? fullUser(i) : i % 3 == 1 ? new PeerInfo.Chat(i) : channel(i, -i));
      }
      session.cachePeers(batch);
      assertThat(session.peerCount()).isEqualTo(300);
      for (PeerInfo peer : batch) {
        assertThat(session.peer(peer.peerId())).contains(peer);
      }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    @DisplayName("100,000 peers cached in batches are counted and found")
    void hundredThousand() {
      Session session = open();
      int total = 100_000;
      List<PeerInfo> batch = new ArrayList<>();
      for (int i = 1; i <= total; i++) {
        batch.add(
            new PeerInfo.User(
                i, new PeerAuth(i * 7919L), null, null, List.of("u" + i), "1" + (5550000000L + i)));
        if (batch.size() == 10_000) {
          session.cachePeers(batch);
          batch.clear();
        }
      }
      assertThat(session.peerCount()).isEqualTo(total);
      Random random = new Random(7);
      for (int n = 0; n < 500; n++) {
        int id = 1 + random.nextInt(total);
        assertThat(stored(session, id).auth()).isEqualTo(new PeerAuth(id * 7919L));
        assertThat(session.peerByUsername("u" + id).orElseThrow().peerId())
            .isEqualTo(PeerId.user(id));
        assertThat(session.peerByPhone("1" + (5550000000L + id)).orElseThrow().peerId())
            .isEqualTo(PeerId.user(id));
      }
      assertThat(session.peer(PeerId.user(total + 1))).isEmpty();
    }
  }

  // ---- rule 7 -------------------------------------------------------------------------------

  @Nested
  @DisplayName("the updates state")
  class Updates {

    private final UpdatesState base =
        new UpdatesState(
            100, 200, 300, 400, List.of(new ChannelState(1, 10), new ChannelState(2, 20)));

    @Test
    @DisplayName("All replaces everything, channels included")
    void allReplaces() {
      Session session = open();
      session.setUpdateState(new UpdateState.All(base));
      assertThat(session.updatesState()).isEqualTo(base);
      UpdatesState next = new UpdatesState(1, 2, 3, 4, List.of(new ChannelState(3, 30)));
      session.setUpdateState(new UpdateState.All(next));
      assertThat(session.updatesState()).isEqualTo(next);
    }

    @Test
    @DisplayName("All with no channels removes every channel")
    void allClearsChannels() {
      Session session = open();
      session.setUpdateState(new UpdateState.All(base));
      session.setUpdateState(new UpdateState.All(new UpdatesState(5, 6, 7, 8, List.of())));
      assertThat(session.updatesState()).isEqualTo(new UpdatesState(5, 6, 7, 8, List.of()));
    }

    @Test
    @DisplayName("Primary sets pts, date and seq only")
    void primary() {
      Session session = open();
      session.setUpdateState(new UpdateState.All(base));
      session.setUpdateState(new UpdateState.Primary(101, 301, 401));
      assertThat(session.updatesState())
          .isEqualTo(new UpdatesState(101, 200, 301, 401, base.channels()));
    }

    @Test
    @DisplayName("Secondary sets qts only")
    void secondary() {
      Session session = open();
      session.setUpdateState(new UpdateState.All(base));
      session.setUpdateState(new UpdateState.Secondary(222));
      assertThat(session.updatesState())
          .isEqualTo(new UpdatesState(100, 222, 300, 400, base.channels()));
    }

    @Test
    @DisplayName("Channel updates a known channel in place")
    void channelUpdates() {
      Session session = open();
      session.setUpdateState(new UpdateState.All(base));
      session.setUpdateState(new UpdateState.Channel(2, 21));
      session.setUpdateState(new UpdateState.Channel(2, 22));
      assertThat(session.updatesState().channels())
          .containsExactly(new ChannelState(1, 10), new ChannelState(2, 22));
    }

    @Test
    @DisplayName("Channel adds a new channel and leaves everything else alone")
    void channelAdds() {
      Session session = open();
      session.setUpdateState(new UpdateState.All(base));
      session.setUpdateState(new UpdateState.Channel(3_000_000_000_000L, 5));
      UpdatesState state = session.updatesState();
      assertThat(state.channels())
          .containsExactly(
              new ChannelState(1, 10),
              new ChannelState(2, 20),
              new ChannelState(3_000_000_000_000L, 5));
      assertThat(List.of(state.pts(), state.qts(), state.date(), state.seq()))
          .containsExactly(100, 200, 300, 400);
    }

    @Test
    @DisplayName("channels come back sorted by id")
    void channelsSorted() {
      Session session = open();
      for (long id : new long[] {50, 3, 999_999, 1, 27}) {
        session.setUpdateState(new UpdateState.Channel(id, (int) (id % 1000)));
      }
      assertThat(session.updatesState().channels())
          .extracting(ChannelState::id)
          .containsExactly(1L, 3L, 27L, 50L, 999_999L);
    }

    @Test
    @DisplayName("hundreds of channels are all kept")
    void manyChannels() {
      Session session = open();
      for (int id = 1; id <= 300; id++) {
        session.setUpdateState(new UpdateState.Channel(id, id * 2));
      }
      List<ChannelState> channels = session.updatesState().channels();
      assertThat(channels).hasSize(300);
      assertThat(channels.get(299)).isEqualTo(new ChannelState(300, 600));
    }

    @Test
    @DisplayName("the largest values round-trip")
    void largestValues() {
      Session session = open();
      UpdatesState max =
          new UpdatesState(
              Integer.MAX_VALUE,
              Integer.MAX_VALUE,
              Integer.MAX_VALUE,
              Integer.MAX_VALUE,
              List.of(new ChannelState(3_000_000_000_000L, Integer.MAX_VALUE)));
      session.setUpdateState(new UpdateState.All(max));
      assertThat(session.updatesState()).isEqualTo(max);
    }

    @Test
    @DisplayName("Primary, Secondary and Channel work on a new session")
    void partialOnNew() {
      Session session = open();
      session.setUpdateState(new UpdateState.Primary(1, 2, 3));
      session.setUpdateState(new UpdateState.Secondary(4));
      session.setUpdateState(new UpdateState.Channel(5, 6));
      assertThat(session.updatesState())
          .isEqualTo(new UpdatesState(1, 4, 2, 3, List.of(new ChannelState(5, 6))));
    }
  }

  // ---- rule 8 -------------------------------------------------------------------------------

  @Nested
  @DisplayName("clear and close")
  class Lifecycle {

    private void fill(Session session) {
      session.setHomeDcId(4);
      session.setDcOption(dc(4, 4));
      session.setDcOption(dc(2, 2));
      session.setDcOption(dc(77, 7));
      session.cachePeers(List.of(self(1, 1), fullUser(2), new PeerInfo.Chat(3), channel(4, 4)));
      session.setUpdateState(
          new UpdateState.All(new UpdatesState(1, 2, 3, 4, List.of(new ChannelState(4, 4)))));
    }

    @Test
    @DisplayName("clear() returns the session to a new session's state")
    void clearResets() {
      Session session = open();
      fill(session);
      session.clear();
      assertNewSession(session);
      assertThat(session.snapshot()).isEqualTo(SessionData.empty());
    }

    @Test
    @DisplayName("clear() forgets every auth key and every added DC")
    void clearForgetsKeys() {
      Session session = open();
      fill(session);
      session.clear();
      assertThat(session.dcOptions().values()).allSatisfy(o -> assertThat(o.authKey()).isNull());
      assertThat(session.dcOption(77)).isEmpty();
    }

    @Test
    @DisplayName("clear() forgets usernames, phones and the self user")
    void clearForgetsLookups() {
      Session session = open();
      fill(session);
      session.clear();
      assertThat(session.peerByUsername("user2")).isEmpty();
      assertThat(session.peerByPhone(fullUser(2).phone())).isEmpty();
      assertThat(session.peer(PeerId.selfUser())).isEmpty();
    }

    @Test
    @DisplayName("a cleared session works as a new one")
    void usableAfterClear() {
      Session session = open();
      fill(session);
      session.clear();
      session.cachePeer(named(9, "again"));
      session.setUpdateState(new UpdateState.Channel(9, 9));
      assertThat(session.peerByUsername("again")).isPresent();
      assertThat(session.peerCount()).isEqualTo(1);
      assertThat(session.updatesState().channels()).containsExactly(new ChannelState(9, 9));
    }

    @Test
    @DisplayName("close() is idempotent")
    void closeTwice() {
      Session session = open();
      session.close();
      assertThatCode(session::close).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("every other call after close() throws IllegalStateException")
    void useAfterClose() {
      Session session = open();
      session.cachePeer(user(1, 1));
      session.close();
      Map<String, Consumer<Session>> calls = new LinkedHashMap<>();
      calls.put("homeDcId", Session::homeDcId);
      calls.put("setHomeDcId", s -> s.setHomeDcId(3));
      calls.put("dcOption", s -> s.dcOption(2));
      calls.put("dcOptions", Session::dcOptions);
      calls.put("setDcOption", s -> s.setDcOption(dc(2, 2)));
      calls.put("peer", s -> s.peer(PeerId.user(1)));
      calls.put("peer(self)", s -> s.peer(PeerId.selfUser()));
      calls.put("cachePeer", s -> s.cachePeer(user(2, 2)));
      calls.put("cachePeers", s -> s.cachePeers(List.of(user(3, 3))));
      calls.put("peerByUsername", s -> s.peerByUsername("someone"));
      calls.put("peerByPhone", s -> s.peerByPhone("15550000000"));
      calls.put("updatesState", Session::updatesState);
      calls.put("setUpdateState", s -> s.setUpdateState(new UpdateState.Secondary(1)));
      calls.put("peers", s -> s.peers().close());
      calls.put("peerCount", Session::peerCount);
      calls.put("snapshot", Session::snapshot);
      calls.put("clear", Session::clear);
      SoftAssertions soft = new SoftAssertions();
      calls.forEach(
          (call, body) ->
              soft.assertThatThrownBy(() -> body.accept(session))
                  .as(call + " after close")
                  .isInstanceOf(IllegalStateException.class));
      soft.assertAll();
    }

    @Test
    @DisplayName("toString() names the session and works after close()")
    void toStringWorks() {
      Session session = open();
      assertThat(session.toString()).isNotBlank();
      session.close();
      assertThat(session.toString()).isNotBlank();
    }
  }

  // ---- rule 9: DURABLE ----------------------------------------------------------------------

  @Nested
  @DisplayName("durability (DURABLE)")
  class Durability {

    @BeforeEach
    void requireDurable() {
      assumeCapability(Capability.DURABLE);
    }

    @Test
    @DisplayName("everything survives close and reopen of the same URI")
    void survivesReopen() {
      Session first = open();
      first.setHomeDcId(5);
      first.setDcOption(dc(5, 55));
      first.setDcOption(dc(203, 3));
      first.cachePeers(List.of(self(1, 11), fullUser(2), new PeerInfo.Chat(3), channel(4, -4)));
      first.cachePeer(
          new PeerInfo.Channel(6, new PeerAuth(6), ChannelKind.BROADCAST, List.of("chan")));
      first.setUpdateState(
          new UpdateState.All(new UpdatesState(10, 20, 30, 40, List.of(new ChannelState(4, 44)))));
      first.setUpdateState(new UpdateState.Channel(6, 66));
      SessionData before = first.snapshot();
      first.close();

      Session second = open();
      assertThat(second.snapshot()).isEqualTo(before);
      assertThat(second.homeDcId()).isEqualTo(5);
      assertThat(second.dcOption(5)).contains(dc(5, 55));
      assertThat(second.dcOption(203)).contains(dc(203, 3));
      assertThat(second.peer(PeerId.selfUser())).contains(self(1, 11));
      assertThat(second.peerByUsername("user2").orElseThrow().peerId()).isEqualTo(PeerId.user(2));
      assertThat(second.peerByUsername("chan").orElseThrow().peerId()).isEqualTo(PeerId.channel(6));
      assertThat(second.peerByPhone(fullUser(2).phone())).contains(fullUser(2));
      assertThat(second.updatesState().channels())
          .containsExactly(new ChannelState(4, 44), new ChannelState(6, 66));
    }

    @Test
    @DisplayName("unknown (null) components survive a reopen as unknown")
    void nullsSurvive() {
      Session first = open();
      PeerInfo.User sparse = new PeerInfo.User(8, null, null, null, null, null);
      PeerInfo.Channel bare = new PeerInfo.Channel(8, null, null, null);
      first.cachePeers(List.of(sparse, bare));
      first.close();
      Session second = open();
      assertThat(second.peer(PeerId.user(8))).contains(sparse);
      assertThat(second.peer(PeerId.channel(8))).contains(bare);
    }

    @Test
    @DisplayName("merging still works after a reopen: a stored hash is not lost")
    void mergeAfterReopen() {
      Session first = open();
      first.cachePeer(fullUser(3));
      first.close();
      Session second = open();
      second.cachePeer(new PeerInfo.User(3, null, null, null, null, null));
      assertThat(second.peer(PeerId.user(3))).contains(fullUser(3));
    }

    @Test
    @DisplayName("clear() is durable")
    void clearIsDurable() {
      Session first = open();
      first.setDcOption(dc(2, 2));
      first.cachePeer(fullUser(1));
      first.clear();
      first.close();
      assertNewSession(open());
    }
  }

  // ---- rule 9: NAMED ------------------------------------------------------------------------

  // Runs for every backend: uri(name) gives each name its own session, through the session
  // option of a NAMED store or, for a store of one session, a place of its own.
  @Nested
  @DisplayName("isolation of sessions with different names")
  class Isolation {

    @Test
    @DisplayName("sessions with different names never see each other")
    void namesAreIsolated() {
      Session a = open(sessionName() + "-a");
      Session b = open(sessionName() + "-b");
      a.setHomeDcId(4);
      a.setDcOption(dc(4, 4));
      a.cachePeers(List.of(self(1, 1), fullUser(2)));
      a.setUpdateState(new UpdateState.All(new UpdatesState(1, 2, 3, 4, List.of())));
      a.setUpdateState(new UpdateState.Channel(7, 7));
      assertNewSession(b);
      assertThat(b.dcOption(4)).isEqualTo(KnownDcs.get(4));
      Session b2 = open(sessionName() + "-b");
      assertNewSession(b2);
    }

    @Test
    @DisplayName("one username resolves to each session's own peer")
    void usernamesPerSession() {
      Session a = open(sessionName() + "-a");
      Session b = open(sessionName() + "-b");
      a.cachePeer(named(1, "same"));
      b.cachePeer(named(2, "same"));
      assertThat(a.peerByUsername("same").orElseThrow().peerId()).isEqualTo(PeerId.user(1));
      assertThat(b.peerByUsername("same").orElseThrow().peerId()).isEqualTo(PeerId.user(2));
      assertThat(a.peer(PeerId.user(1)).orElseThrow().usernames()).containsExactly("same");
    }

    @Test
    @DisplayName("clear() of one session leaves the other intact")
    void clearIsScoped() {
      Session a = open(sessionName() + "-a");
      Session b = open(sessionName() + "-b");
      b.setDcOption(dc(2, 22));
      b.cachePeers(List.of(self(5, 5), fullUser(6)));
      b.setUpdateState(new UpdateState.Channel(6, 6));
      SessionData before = b.snapshot();
      a.cachePeer(fullUser(1));
      a.clear();
      assertThat(b.snapshot()).isEqualTo(before);
      if (capabilities().contains(Capability.DURABLE)) {
        assertThat(open(sessionName() + "-b").snapshot()).isEqualTo(before);
      }
    }

    @Test
    @DisplayName("the self user is per session")
    void selfPerSession() {
      Session a = open(sessionName() + "-a");
      Session b = open(sessionName() + "-b");
      a.cachePeer(self(1, 1));
      b.cachePeer(self(2, 2));
      assertThat(a.peer(PeerId.selfUser())).contains(self(1, 1));
      assertThat(b.peer(PeerId.selfUser())).contains(self(2, 2));
    }
  }

  // ---- rule 9: SHARED -----------------------------------------------------------------------

  @Nested
  @DisplayName("sharing between instances (SHARED)")
  class Sharing {

    @BeforeEach
    void requireShared() {
      assumeCapability(Capability.SHARED);
    }

    @Test
    @DisplayName("two instances of one URI see each other's peers")
    void peersAreShared() {
      Session a = open();
      Session b = open();
      a.cachePeer(fullUser(1));
      assertThat(b.peer(PeerId.user(1))).contains(fullUser(1));
      b.cachePeer(named(2, "fromb"));
      assertThat(a.peerByUsername("fromb").orElseThrow().peerId()).isEqualTo(PeerId.user(2));
      assertThat(a.peerCount()).isEqualTo(2);
    }

    @Test
    @DisplayName("two instances of one URI see each other's updates state")
    void stateIsShared() {
      Session a = open();
      Session b = open();
      a.setUpdateState(new UpdateState.Primary(5, 6, 7));
      b.setUpdateState(new UpdateState.Channel(9, 99));
      assertThat(b.updatesState().pts()).isEqualTo(5);
      assertThat(a.updatesState().channels()).containsExactly(new ChannelState(9, 99));
    }

    @Test
    @DisplayName(
        "merges apply across instances: a hash one cached is kept when the other caches without")
    void mergeAcrossInstances() {
      Session a = open();
      Session b = open();
      a.cachePeer(user(3, 333));
      b.cachePeer(new PeerInfo.User(3, null, Boolean.TRUE, null, List.of("three"), null));
      assertThat(a.peer(PeerId.user(3)))
          .contains(new PeerInfo.User(3, new PeerAuth(333), true, null, List.of("three"), null));
    }

    @Test
    @DisplayName("a username taken through one instance is gone from the other's owner")
    void claimsAcrossInstances() {
      Session a = open();
      Session b = open();
      a.cachePeer(named(1, "moving"));
      b.cachePeer(named(2, "moving"));
      assertThat(a.peerByUsername("moving").orElseThrow().peerId()).isEqualTo(PeerId.user(2));
      assertThat(a.peer(PeerId.user(1)).orElseThrow().usernames()).isEmpty();
    }

    @Test
    @DisplayName("a session opened after another wrote DC options and home DC sees them")
    void dcsVisibleToNewInstances() {
      Session a = open();
      a.setHomeDcId(3);
      a.setDcOption(dc(3, 3));
      Session b = open();
      assertThat(b.homeDcId()).isEqualTo(3);
      assertThat(b.dcOption(3)).contains(dc(3, 3));
    }
  }

  // ---- rule 10 ------------------------------------------------------------------------------

  @Nested
  @DisplayName("concurrency")
  class Concurrency {

    private static final int THREADS = 8;

    private void runAll(List<Runnable> tasks) throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
      CountDownLatch start = new CountDownLatch(1);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (Runnable task : tasks) {
          futures.add(
              pool.submit(
                  () -> {
                    start.await();
                    task.run();
                    return null;
                  }));
        }
        start.countDown();
        for (Future<?> future : futures) {
          future.get(5, TimeUnit.MINUTES);
        }
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    @DisplayName("8 threads mixing every operation on one instance lose nothing and throw nothing")
    void mixedOperations() throws Exception {
      Session session = open();
      int perThread = 150;
      ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
      List<Runnable> tasks = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        tasks.add(
            () -> {
              try {
                long base = 1_000_000L * (thread + 1);
                for (int i = 0; i < perThread; i++) {
                  long id = base + i;
                  if (i % 3 == 0) {
                    session.cachePeers(
                        List.of(
                            user(id, id),
                            new PeerInfo.Chat(id),
                            named(base + 500_000 + i, "n" + id)));
                  } else {
                    session.cachePeer(user(id, id));
                  }
                  session.setUpdateState(new UpdateState.Channel(thread + 1, i + 1));
                  session.peer(PeerId.user(base + i / 2)).orElseThrow();
                  session.peerByUsername("n" + (base + i - i % 3));
                  session.dcOption(2);
                  session.homeDcId();
                  if (i % 25 == 0) {
                    session.updatesState();
                    session.peerCount();
                    session.setDcOption(dc(100 + thread, i));
                  }
                }
              } catch (Throwable e) {
                errors.add(e);
              }
            });
      }
      runAll(tasks);
      assertThat(errors).isEmpty();
      for (int t = 0; t < THREADS; t++) {
        long base = 1_000_000L * (t + 1);
        for (int i = 0; i < perThread; i++) {
          long id = base + i;
          assertThat(stored(session, id).auth()).isEqualTo(new PeerAuth(id));
          if (i % 3 == 0) {
            assertThat(session.peer(PeerId.chat(id))).isPresent();
            assertThat(session.peerByUsername("n" + id).orElseThrow().peerId())
                .isEqualTo(PeerId.user(base + 500_000 + i));
          }
        }
        assertThat(session.dcOption(100 + t).orElseThrow().authKey())
            .isEqualTo(key((perThread - 1) / 25 * 25));
      }
      long users = (long) THREADS * perThread;
      long extras = (long) THREADS * ((perThread + 2) / 3) * 2;
      assertThat(session.peerCount()).isEqualTo(users + extras);
      assertThat(session.updatesState().channels())
          .hasSize(THREADS)
          .allSatisfy(channel -> assertThat(channel.pts()).isEqualTo(perThread));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    @DisplayName("concurrent caches of one peer with and without its hash never lose the hash")
    void concurrentMergesKeepHash() throws Exception {
      Session session = open();
      session.cachePeer(user(42, 4242));
      ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
      List<Runnable> tasks = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        tasks.add(
            () -> {
              try {
                for (int i = 0; i < 100; i++) {
                  session.cachePeer(new PeerInfo.User(42, null, thread % 2 == 0, null, null, null));
                  session.cachePeer(user(43 + thread, thread));
                  assertThat(stored(session, 42).auth()).isEqualTo(new PeerAuth(4242));
                }
              } catch (Throwable e) {
                errors.add(e);
              }
            });
      }
      runAll(tasks);
      assertThat(errors).isEmpty();
      assertThat(stored(session, 42).auth()).isEqualTo(new PeerAuth(4242));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    @DisplayName("concurrent claims of one username leave exactly one owner")
    void concurrentClaims() throws Exception {
      Session session = open();
      ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
      List<Runnable> tasks = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long id = 10 + t;
        tasks.add(
            () -> {
              try {
                for (int i = 0; i < 50; i++) {
                  session.cachePeer(named(id, "contested", "own" + id));
                }
              } catch (Throwable e) {
                errors.add(e);
              }
            });
      }
      runAll(tasks);
      assertThat(errors).isEmpty();
      PeerId owner = session.peerByUsername("contested").orElseThrow().peerId();
      for (int t = 0; t < THREADS; t++) {
        PeerInfo.User user = stored(session, 10 + t);
        if (user.peerId().equals(owner)) {
          assertThat(user.usernames()).containsExactlyInAnyOrder("contested", "own" + (10 + t));
        } else {
          assertThat(user.usernames()).containsExactly("own" + (10 + t));
        }
      }
    }
  }

  // ---- rules 3 to 6, at random ------------------------------------------------------------

  @Nested
  @DisplayName("agreement with the reference backend")
  class Reference {

    private <T> T pick(Random random, T a, T b, T c) {
      int i = random.nextInt(3);
      return i == 0 ? a : i == 1 ? b : c;
    }

    // Few ids, names and phones, so that merges and claims collide often.
    private PeerInfo randomPeer(Random random) {
      long id = 1 + random.nextInt(12);
      PeerAuth auth = random.nextInt(3) == 0 ? null : new PeerAuth(random.nextInt(4) - 1);
      List<String> usernames = null;
      if (random.nextInt(3) == 0) {
        Set<String> names = new LinkedHashSet<>();
        for (int i = random.nextInt(3); i > 0; i--) {
          names.add("user" + random.nextInt(6));
        }
        usernames = List.copyOf(names);
      }
      if (random.nextBoolean()) {
        return new PeerInfo.Channel(
            id, auth, pick(random, null, ChannelKind.BROADCAST, ChannelKind.GIGAGROUP), usernames);
      }
      return new PeerInfo.User(
          id,
          auth,
          pick(random, null, true, false),
          random.nextInt(4) == 0 ? pick(random, null, true, false) : null,
          usernames,
          random.nextInt(4) == 0 ? "1555000" + random.nextInt(3) : null);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    @DisplayName("random batches of colliding peers leave the same peers and lookups as memory:")
    void agreesWithMemory() {
      Session session = open();
      try (Session reference = Sessions.open("memory:")) {
        Random random = new Random(42);
        for (int step = 0; step < 600; step++) {
          List<PeerInfo> batch = new ArrayList<>();
          for (int i = random.nextInt(4) == 0 ? 1 : 1 + random.nextInt(8); i > 0; i--) {
            batch.add(randomPeer(random));
          }
          if (batch.size() == 1) {
            session.cachePeer(batch.get(0));
            reference.cachePeer(batch.get(0));
          } else {
            session.cachePeers(batch);
            reference.cachePeers(batch);
          }
          String context = "after step " + step + ", batch " + batch;
          assertThat(all(session)).as(context).isEqualTo(all(reference));
          for (int u = 0; u < 6; u++) {
            assertThat(session.peerByUsername("user" + u))
                .as(context)
                .isEqualTo(reference.peerByUsername("user" + u));
          }
          for (int p = 0; p < 3; p++) {
            assertThat(session.peerByPhone("1555000" + p))
                .as(context)
                .isEqualTo(reference.peerByPhone("1555000" + p));
          }
          assertThat(session.peer(PeerId.selfUser()))
              .as(context)
              .isEqualTo(reference.peer(PeerId.selfUser()));
          PeerId some = PeerId.user(1 + random.nextInt(12));
          assertThat(session.peer(some)).as(context).isEqualTo(reference.peer(some));
        }
      }
    }
  }

  // ---- rule 11 ------------------------------------------------------------------------------

  @Nested
  @DisplayName("bad input")
  class BadInput {

    private Session filled() {
      Session session = open();
      session.setDcOption(dc(2, 2));
      session.cachePeers(List.of(self(1, 1), fullUser(2), channel(3, 3)));
      session.setUpdateState(new UpdateState.All(new UpdatesState(1, 2, 3, 4, List.of())));
      return session;
    }

    @Test
    @DisplayName("null arguments throw NullPointerException and change nothing")
    void nulls() {
      Session session = filled();
      SessionData before = session.snapshot();
      SoftAssertions soft = new SoftAssertions();
      soft.assertThatThrownBy(() -> session.cachePeer(null))
          .isInstanceOf(NullPointerException.class);
      soft.assertThatThrownBy(() -> session.cachePeers(null))
          .isInstanceOf(NullPointerException.class);
      soft.assertThatThrownBy(() -> session.peer(null)).isInstanceOf(NullPointerException.class);
      soft.assertThatThrownBy(() -> session.setDcOption(null))
          .isInstanceOf(NullPointerException.class);
      soft.assertThatThrownBy(() -> session.setUpdateState(null))
          .isInstanceOf(NullPointerException.class);
      soft.assertThatThrownBy(() -> session.peerByUsername(null))
          .isInstanceOf(NullPointerException.class);
      soft.assertThatThrownBy(() -> session.peerByPhone(null))
          .isInstanceOf(NullPointerException.class);
      soft.assertAll();
      assertThat(session.snapshot()).isEqualTo(before);
    }

    @Test
    @DisplayName("a batch with a null peer is rejected whole: none of it is stored")
    void nullInBatch() {
      Session session = filled();
      SessionData before = session.snapshot();
      List<PeerInfo> batch = new ArrayList<>();
      batch.add(user(50, 50));
      batch.add(null);
      batch.add(user(2, 999));
      assertThatThrownBy(() -> session.cachePeers(batch)).isInstanceOf(NullPointerException.class);
      assertThat(session.snapshot()).isEqualTo(before);
    }

    @Test
    @DisplayName("a non-positive home DC is rejected and the home DC is unchanged")
    void badHomeDc() {
      Session session = filled();
      session.setHomeDcId(4);
      assertThatThrownBy(() -> session.setHomeDcId(0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("0");
      assertThatThrownBy(() -> session.setHomeDcId(-2))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(session.homeDcId()).isEqualTo(4);
    }

    @Test
    @DisplayName("malformed usernames and phones are rejected with the value in the message")
    void badLookups() {
      Session session = filled();
      assertThatThrownBy(() -> session.peerByUsername("not a name"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a name");
      assertThatThrownBy(() -> session.peerByUsername(""))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> session.peerByPhone("12ab34"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("12ab34");
    }

    @Test
    @DisplayName("a failed call leaves the session usable")
    void usableAfterError() {
      Session session = filled();
      assertThatThrownBy(() -> session.setHomeDcId(0)).isInstanceOf(IllegalArgumentException.class);
      session.cachePeer(user(60, 60));
      assertThat(session.peer(PeerId.user(60))).contains(user(60, 60));
    }
  }

  // ---- URIs ---------------------------------------------------------------------------------

  @Nested
  @DisplayName("URIs")
  class Uris {

    @Test
    @DisplayName("the provider is found through ServiceLoader and names its scheme")
    void providerRegistered() {
      String scheme = SessionUri.parse(uri(sessionName())).scheme();
      assertThat(Sessions.schemes()).contains(scheme);
      assertThat(Sessions.provider(scheme).schemes()).contains(scheme);
    }

    @Test
    @DisplayName("the scheme matches case-insensitively")
    void schemeCaseInsensitive() {
      String uri = uri(sessionName());
      int colon = uri.indexOf(':');
      String upper = uri.substring(0, colon).toUpperCase(Locale.ROOT) + uri.substring(colon);
      names.add(sessionName());
      try (Session session = Sessions.open(upper)) {
        session.cachePeer(user(1, 1));
        assertThat(session.peerCount()).isEqualTo(1);
      }
    }

    @Test
    @DisplayName("an unknown option is rejected with a message naming it")
    void unknownOption() {
      String uri = uri(sessionName());
      String bad = uri + (uri.contains("?") ? "&" : "?") + "tgsessionBogusOption=1";
      names.add(sessionName());
      assertThatThrownBy(() -> Sessions.open(bad).close())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tgsessionBogusOption");
    }
  }
}
