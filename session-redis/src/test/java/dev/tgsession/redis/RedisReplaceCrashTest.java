package dev.tgsession.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.Sessions;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.SessionImport;
import dev.tgsession.tck.server.JavaProcess;
import dev.tgsession.tck.server.RedisServerProcess;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Issue 25, item 7 (half copies): a process replacing a whole session (what {@code tgsession
 * import} and {@code copy} do) killed with -9 in the middle leaves every reader the old session or
 * the new one, never peers without keys; and the next replacement succeeds at once.
 */
@DisplayName("Redis replacement killed with -9")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RedisReplaceCrashTest {

  private static final int PEERS = 6000;
  private static RedisServerProcess server;

  @BeforeAll
  static void start() {
    server = RedisServerProcess.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Two whole sessions that share nothing: keys, home DC, peers and state all differ. */
  static SessionData data(int variant) {
    byte[] key = new byte[AuthKey.LENGTH];
    new Random(variant).nextBytes(key);
    Map<Integer, DcOption> dcs = new LinkedHashMap<>();
    for (int dc = 1; dc <= 5; dc++) {
      dcs.put(
          dc,
          new DcOption(
              dc,
              address("10.0." + variant + "." + dc, 443),
              address("2001:db8::" + (variant * 10 + dc), 443),
              dc == 2 + variant ? AuthKey.of(key) : null));
    }
    Map<PeerId, PeerInfo> peers = new LinkedHashMap<>();
    long base = 1_000_000L * (variant + 1);
    for (long i = 0; i < PEERS; i++) {
      PeerInfo.User user =
          new PeerInfo.User(
              base + i,
              new PeerAuth(i * 7 + variant),
              false,
              i == 0,
              List.of("v" + variant + "u" + i),
              null);
      peers.put(user.peerId(), user);
    }
    return new SessionData(
        2 + variant, dcs, peers, new UpdatesState(100 + variant, 2, 3, 4, List.of()));
  }

  private static InetSocketAddress address(String literal, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByName(literal), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The child: replaces the session with variant 0, 1, 0, ... until killed. */
  public static final class ReplaceLoop {
    public static void main(String[] args) {
      SessionData[] variants = {data(0), data(1)};
      try (Session session = Sessions.open(args[0])) {
        for (int i = 0; ; i++) {
          System.out.println("replacing " + i);
          SessionImport.replace(session, variants[i % 2]);
          System.out.println("replaced " + i);
        }
      }
    }
  }

  @Test
  @DisplayName(
      "8 replacements of 6,000 peers killed with -9 at random points: the session read afresh is"
          + " always exactly one of the two versions, and the next replacement succeeds at once")
  void killedMidway() throws Exception {
    String uri = "redis://127.0.0.1:" + server.port() + "/1?session=copied";
    SessionData[] variants = {data(0), data(1)};
    Random random = new Random(25);
    int leftovers = 0;
    for (int round = 0; round < 8; round++) {
      try (JavaProcess child = JavaProcess.start(ReplaceLoop.class, uri)) {
        child.await(line -> line.equals("replaced 0"), JavaProcess.DEFAULT_TIMEOUT);
        child.await(line -> line.equals("replacing 1"), JavaProcess.DEFAULT_TIMEOUT);
        Thread.sleep(random.nextInt(150)); // somewhere in the staging, or the switch, or after
        child.kill();
      }
      try (Session fresh = Sessions.open(uri)) {
        SessionData read = fresh.snapshot();
        SessionData expected = read.homeDcId() == 2 ? variants[0] : variants[1];
        assertThat(read.dcOptions())
            .as("round %d: DC options", round)
            .isEqualTo(expected.dcOptions());
        assertThat(read.updatesState())
            .as("round %d: state", round)
            .isEqualTo(expected.updatesState());
        assertThat(read.peers().size()).as("round %d: peers", round).isEqualTo(PEERS);
        assertThat(read.peers()).as("round %d: peers", round).isEqualTo(expected.peers());
        assertThat(read)
            .as("round %d: the session after the kill is one whole version", round)
            .isIn(variants[0], variants[1]);
      }
      try (Jedis raw = new Jedis(new HostAndPort("127.0.0.1", server.port()))) {
        raw.select(1);
        leftovers += raw.exists("{tgsession:copied}:stage:peers") ? 1 : 0;
      }
      try (Session rerun = Sessions.open(uri)) {
        SessionImport.replace(rerun, variants[round % 2]);
        assertThat(rerun.snapshot()).isEqualTo(variants[round % 2]);
      }
    }
    System.out.println(
        "Redis replacement killed 8 times: staged copies left behind by a kill (removed by the"
            + " next replacement): "
            + leftovers);
  }

  @Test
  @DisplayName(
      "another instance reading during 10 replacements sees the old peer count or the new one,"
          + " never one in between")
  void readerSeesOldOrNew() throws Exception {
    String uri = "redis://127.0.0.1:" + server.port() + "/2?session=read-during";
    SessionData small = data(0);
    Map<PeerId, PeerInfo> fewer = new LinkedHashMap<>();
    small.peers().values().stream().limit(1000).forEach(peer -> fewer.put(peer.peerId(), peer));
    SessionData[] variants = {
      new SessionData(small.homeDcId(), small.dcOptions(), fewer, small.updatesState()), data(1)
    };
    try (Session writer = Sessions.open(uri);
        Session reader = Sessions.open(uri)) {
      SessionImport.replace(writer, variants[0]);
      AtomicBoolean done = new AtomicBoolean();
      AtomicLong reads = new AtomicLong();
      ConcurrentLinkedQueue<Long> torn = new ConcurrentLinkedQueue<>();
      Thread reading =
          new Thread(
              () -> {
                while (!done.get()) {
                  long count = reader.peerCount();
                  reads.incrementAndGet();
                  if (count != 1000 && count != PEERS) {
                    torn.add(count);
                  }
                }
              });
      reading.start();
      try {
        for (int round = 1; round <= 10; round++) {
          SessionImport.replace(writer, variants[round % 2]);
        }
      } finally {
        done.set(true);
        reading.join(60_000);
      }
      assertThat(reads.get()).as("reads made").isPositive();
      assertThat(torn).as("peer counts between the two versions").isEmpty();
      assertThat(reader.snapshot()).isEqualTo(variants[0]);
    }
  }
}
