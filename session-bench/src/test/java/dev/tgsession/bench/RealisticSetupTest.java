package dev.tgsession.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tgsession.ChannelState;
import dev.tgsession.PeerInfo;
import dev.tgsession.Sessions;
import dev.tgsession.UpdatesState;
import dev.tgsession.tck.server.TestServers;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The realistic benchmarks' setup, one call of every method, and teardown, for ours and the raw
 * baselines, on a small cold store so it stays fast. No timing is checked.
 */
class RealisticSetupTest {

  private static final int SMALL_COLD = 300;

  private static final int STORED = Realistic.WORKING_SET;

  @Test
  @DisplayName("the workload is mostly named users, 1 in 10 peers with a phone, 1 in 20 a bot")
  void workloadMix() {
    int users = 0;
    int named = 0;
    int phones = 0;
    int bots = 0;
    int channels = 0;
    for (int i = 0; i < Realistic.WORKING_SET; i++) {
      PeerInfo peer = Realistic.peer(i, Realistic.initialHash(i));
      if (peer instanceof PeerInfo.User user) {
        users++;
        named += user.usernames().isEmpty() ? 0 : 1;
        phones += user.phone() == null ? 0 : 1;
        bots += Boolean.TRUE.equals(user.bot()) ? 1 : 0;
      } else {
        channels++;
        assertThat(peer.usernames()).hasSize(1);
      }
    }
    assertThat(channels).isEqualTo(Realistic.WORKING_SET / 10);
    assertThat(named).isEqualTo(users - Realistic.WORKING_SET / 50);
    assertThat(phones).isEqualTo(Realistic.WORKING_SET / 10);
    assertThat(bots).isEqualTo(Realistic.WORKING_SET / 20);
    assertThat(Realistic.shuffled(1000)).doesNotHaveDuplicates().hasSize(1000);
  }

  @Test
  @DisplayName("every cold benchmark reads no peer twice in one iteration")
  void coldSizes() {
    assertThat(SqliteRealistic.COLD_READS).isLessThanOrEqualTo(SqliteRealistic.COLD_STORED);
    assertThat(RedisRealistic.COLD_READS).isLessThanOrEqualTo(RedisRealistic.COLD_STORED);
    assertThat(MongoRealistic.COLD_READS).isLessThanOrEqualTo(MongoRealistic.COLD_STORED);
  }

  @DisplayName("every realistic benchmark of ours runs once against the backend")
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {Store.SQLITE, Store.REDIS, Store.MONGO, Store.POSTGRES})
  void ours(String backend) throws Exception {
    assumeBackend(backend);
    RealisticBench bench =
        switch (backend) {
          case Store.SQLITE -> new SqliteRealistic();
          case Store.REDIS -> new RedisRealistic();
          case Store.POSTGRES -> new PostgresRealistic();
          default -> new MongoRealistic();
        };
    bench.coldStored = SMALL_COLD;
    setUp(() -> bench.setUp(RealisticBench.ALL));
    try {
      assertThat(bench.session().peerCount()).isEqualTo(STORED);
      bench.batch100Named();
      bench.batch100New();
      bench.singleNamed();
      assertThat(bench.session().peerCount()).isEqualTo(STORED + Realistic.BATCH);
      bench.updateStatePrimary();
      bench.updateStateChannel();
      bench.updateStatePrimary();
      // pts 1 (primary), 2 (the first channel), 3 (primary): the state holds the last of each
      UpdatesState state = bench.session().updatesState();
      assertThat(state.pts()).isEqualTo(3);
      assertThat(state.seq()).isEqualTo(3);
      assertThat(state.date()).isEqualTo(Realistic.date(3));
      assertThat(state.channels()).containsExactly(new ChannelState(Realistic.bareId(9), 2));
      assertThat(bench.warmPeer()).isPresent();
      assertThat(bench.peerByUsername()).isPresent();
      assertThat(bench.peerByPhone()).isPresent();
      // A has read every working-set peer (its cache is warm); B's write must still be seen
      assertThat(bench.coherentRead()).isPresent();
      assertThat(bench.staleOfCoherent()).containsExactly(0L, 1L);
      bench.openFresh(); // with ALL, the scan too
      for (int k = 0; k < 3; k++) {
        assertThat(bench.coldRead()).isPresent();
        assertThat(bench.warmAfterScan()).isPresent();
      }
      bench.closeFresh();
    } finally {
      bench.tearDown();
    }
  }

  @Test
  @DisplayName("the sqlite-jdbc realistic baseline runs once and reads what it wrote")
  void sqliteRaw() throws Exception {
    SqliteRaw raw = new SqliteRaw();
    raw.coldStored = SMALL_COLD;
    raw.setUp(RealisticBench.ALL);
    try {
      assertThat(raw.batch100Named()).hasSize(Realistic.BATCH);
      assertThat(raw.batch100New()).hasSize(Realistic.BATCH);
      assertThat(raw.singleNamed()).isEqualTo(1);
      assertThat(raw.updateStatePrimary()).isEqualTo(1);
      assertThat(raw.updateStateChannel()).isEqualTo(1);
      checkReads(raw.warmPeer(), raw.peerByUsername(), raw.peerByPhone(), raw.coherentRead());
      raw.openFresh();
      assertThat(raw.coldPeer()).isNotNull();
      assertThat(raw.warmAfterScan()).isNotNull();
      raw.closeFresh();
    } finally {
      raw.tearDown();
    }
  }

  @Test
  @DisplayName("the Jedis realistic baseline runs once and reads what it wrote")
  void redisRaw() throws Exception {
    RedisRaw raw = new RedisRaw();
    raw.coldStored = SMALL_COLD;
    raw.setUp(RealisticBench.ALL);
    try {
      raw.batch100Named();
      raw.batch100New();
      raw.singleNamed();
      // a new hash gets three new fields, then a new channel one
      assertThat(raw.updateStatePrimary()).isEqualTo(3);
      assertThat(raw.updateStateChannel()).isEqualTo(1);
      checkReads(raw.warmPeer(), raw.peerByUsername(), raw.peerByPhone(), raw.coherentRead());
      raw.openFresh();
      assertThat(raw.coldPeer()).isNotNull();
      assertThat(raw.warmAfterScan()).isNotNull();
      raw.closeFresh();
    } finally {
      raw.tearDown();
    }
  }

  @Test
  @DisplayName("the MongoDB driver realistic baseline runs once and reads what it wrote")
  void mongoRaw() throws Exception {
    MongoRaw raw = new MongoRaw();
    raw.coldStored = SMALL_COLD;
    raw.setUp(RealisticBench.ALL);
    try {
      raw.batch100Named();
      raw.batch100New();
      raw.singleNamed();
      // the first write upserts the state document (nothing modified), the next modify it
      assertThat(raw.updateStatePrimary()).isZero();
      assertThat(raw.updateStateChannel()).isEqualTo(1);
      assertThat(raw.updateStatePrimary()).isEqualTo(1);
      checkReads(raw.warmPeer(), raw.peerByUsername(), raw.peerByPhone(), raw.coherentRead());
      raw.openFresh();
      assertThat(raw.coldPeer()).isNotNull();
      assertThat(raw.warmAfterScan()).isNotNull();
      raw.closeFresh();
    } finally {
      raw.tearDown();
    }
  }

  @Test
  @DisplayName("the pgjdbc realistic baseline runs once and reads what it wrote")
  void postgresRaw() throws Exception {
    PostgresRaw raw = new PostgresRaw();
    raw.coldStored = SMALL_COLD;
    setUp(() -> raw.setUp(RealisticBench.ALL));
    try {
      assertThat(raw.batch100Named()).hasSize(Realistic.BATCH);
      assertThat(raw.batch100New()).hasSize(Realistic.BATCH);
      assertThat(raw.singleNamed()).isEqualTo(1);
      assertThat(raw.updateStatePrimary()).isEqualTo(1);
      assertThat(raw.updateStateChannel()).isEqualTo(1);
      checkReads(raw.warmPeer(), raw.peerByUsername(), raw.peerByPhone(), raw.coherentRead());
      raw.openFresh();
      assertThat(raw.coldPeer()).isNotNull();
      assertThat(raw.warmAfterScan()).isNotNull();
      raw.closeFresh();
    } finally {
      raw.tearDown();
    }
  }

  @DisplayName("the lease cost benchmark runs once with and without a lease")
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {Store.SQLITE, Store.REDIS, Store.MONGO, Store.POSTGRES})
  void leaseCost(String backend) throws Exception {
    assumeBackend(backend);
    for (String lease : List.of("none", "60")) {
      LeaseCost bench = new LeaseCost();
      bench.backend = backend;
      bench.lease = lease;
      try {
        setUp(bench::setUp);
      } catch (IllegalArgumentException e) {
        // the lease option has not landed in this build of the backend
        assumeTrue(
            lease.equals("none") || !String.valueOf(e.getMessage()).contains("[lease]"),
            "lease=" + lease + " not accepted yet: " + e.getMessage());
        throw e;
      }
      try {
        bench.cachePeer();
        bench.cachePeers();
        assertThat(bench.session().peerCount()).isEqualTo(Realistic.WORKING_SET);
      } finally {
        bench.tearDown();
      }
    }
  }

  private static void checkReads(RawBench.RawPeer... peers) {
    for (RawBench.RawPeer peer : peers) {
      assertThat(peer).isNotNull();
      assertThat(peer.hash()).isNotZero();
    }
    assertThat(peers[1].username()).startsWith("user_");
    assertThat(peers[2].phone()).startsWith("1555");
  }

  /** A setup that may throw. */
  interface SetUp {
    void run() throws Exception;
  }

  /** Runs a setup; no PostgreSQL server here aborts the test (fails it when CI=true). */
  private static void setUp(SetUp setUp) throws Exception {
    try {
      setUp.run();
    } catch (IllegalStateException e) {
      if (String.valueOf(e.getMessage()).startsWith("no PostgreSQL to benchmark")) {
        throw TestServers.unavailable(e.getMessage());
      }
      throw e;
    }
  }

  private static void assumeBackend(String backend) {
    String scheme =
        switch (backend) {
          case Store.MONGO -> "mongodb";
          case Store.POSTGRES -> "postgresql";
          default -> backend;
        };
    assumeTrue(
        Sessions.schemes().contains(scheme),
        "the " + backend + " backend is not on the class path (not installed yet)");
  }
}
