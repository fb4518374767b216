package dev.tgsession.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Sessions;
import dev.tgsession.UpdatesState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Each benchmark's trial setup, one call of every benchmark method, and teardown, so a broken
 * benchmark fails here and not after minutes of {@code bench/run.sh}. No timing is checked.
 */
class BenchmarkSetupTest {

  private static final Blackhole BLACKHOLE =
      new Blackhole(
          "Today's password is swordfish. I understand instantiating Blackholes directly is"
              + " dangerous.");

  @DisplayName("every session benchmark runs once against the backend and leaves its writes")
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {Store.MEMORY, Store.SQLITE, Store.REDIS, Store.MONGO})
  void sessionBench(String backend) {
    assumeBackend(backend);
    SessionBench bench = new SessionBench();
    bench.backend = backend;
    bench.setUp();
    try {
      Cursor cursor = new Cursor();
      assertThat(bench.session().peerCount()).isEqualTo(Workload.STORED);
      bench.cachePeerNew(cursor);
      bench.cachePeerExisting(cursor);
      bench.cachePeers100(cursor);
      assertThat(bench.session().peerCount()).isEqualTo(Workload.STORED + 1);
      SessionBench.WarmPeerCache warm = new SessionBench.WarmPeerCache();
      warm.warm(bench);
      assertThat(bench.peerHit(warm, cursor)).isPresent();
      assertThat(bench.peerMiss(cursor)).isEmpty();
      assertThat(bench.peerByUsername(cursor)).isPresent();
      bench.setUpdateStatePrimary(cursor);
      bench.setUpdateStateChannel(cursor);
      UpdatesState state = bench.session().updatesState();
      assertThat(state.pts()).isEqualTo(1);
      assertThat(state.channels()).hasSize(1);
      assertThat(state.channels().get(0).pts()).isEqualTo(2);
      assertThat(bench.session().homeDcId()).isEqualTo(2);
      bench.homeDcIdAndDcOption(BLACKHOLE);
    } finally {
      bench.tearDown();
    }
  }

  @DisplayName("every 4-thread session benchmark runs once against the backend")
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {Store.SQLITE, Store.REDIS, Store.MONGO})
  void sessionBench4T(String backend) {
    assumeBackend(backend);
    SessionBench4T bench = new SessionBench4T();
    bench.backend = backend;
    bench.setUp();
    try {
      Cursor cursor = new Cursor();
      bench.cachePeerExisting4T(cursor);
      SessionBench4T.WarmPeerCache warm = new SessionBench4T.WarmPeerCache();
      warm.warm(bench);
      assertThat(bench.peerHit4T(warm, cursor)).isPresent();
      bench.setUpdateStatePrimary4T(cursor);
      assertThat(bench.session().updatesState().pts()).isEqualTo(1);
    } finally {
      bench.tearDown();
    }
  }

  private static void assumeBackend(String backend) {
    String scheme = backend.equals(Store.MONGO) ? "mongodb" : backend;
    assumeTrue(
        Sessions.schemes().contains(scheme),
        "the " + backend + " backend is not on the class path (not installed yet)");
  }

  @Test
  @DisplayName("the workload's stored users carry their initial access hashes")
  void workload() {
    SessionBench bench = new SessionBench();
    bench.setUp();
    try {
      PeerInfo first = bench.session().peer(Workload.storedPeerId(0)).orElseThrow();
      assertThat(first.authOrAmbient().accessHash()).isEqualTo(Workload.initialHash(0));
      assertThat(first.usernames()).containsExactly(Workload.username(0));
      assertThat(bench.session().peer(PeerId.user(Workload.storedId(Workload.STORED)))).isEmpty();
    } finally {
      bench.tearDown();
    }
  }

  @Test
  @DisplayName("the sqlite-jdbc baseline runs once and updates what it reads")
  void sqliteDriverBench() throws Exception {
    SqliteDriverBench bench = new SqliteDriverBench();
    bench.setUp();
    SqliteDriverBench.Reader reader = new SqliteDriverBench.Reader();
    reader.setUp(bench);
    try {
      Cursor cursor = new Cursor();
      assertThat(bench.selectPeer(new Cursor(), reader)).isNotZero();
      assertThat(bench.upsertPeer(cursor)).isEqualTo(1);
      assertThat(bench.upsertPeers100(cursor)).hasSize(Workload.BATCH);
      assertThat(bench.updateStatePrimary(cursor)).isEqualTo(1);
      assertThat(bench.upsertChannelPts(cursor)).isEqualTo(1);
      assertThat(bench.upsertPeer4T(cursor)).isEqualTo(1);
      assertThat(bench.selectPeer4T(cursor, reader)).isNotZero();
      assertThat(bench.updateStatePrimary4T(cursor)).isEqualTo(1);
    } finally {
      reader.tearDown();
      bench.tearDown();
    }
  }

  @Test
  @DisplayName("the Jedis baseline runs once against its own redis-server")
  void redisDriverBench() {
    RedisDriverBench bench = new RedisDriverBench();
    bench.setUp();
    try {
      Cursor cursor = new Cursor();
      assertThat(bench.hgetPeer(new Cursor())).hasSize(Long.BYTES);
      assertThat(bench.hsetPeer(cursor)).isZero(); // an existing field: 0 added
      bench.hsetPeers100Pipelined(cursor);
      assertThat(bench.hsetStatePrimary(cursor)).isEqualTo(3);
      assertThat(bench.hsetChannelPts(cursor)).isEqualTo(1);
      assertThat(bench.hsetPeer4T(cursor)).isZero();
      assertThat(bench.hgetPeer4T(cursor)).hasSize(Long.BYTES);
      assertThat(bench.hsetStatePrimary4T(cursor)).isZero();
    } finally {
      bench.tearDown();
    }
  }

  @Test
  @DisplayName("the MongoDB driver baseline runs once against the emulator")
  void mongoDriverBench() {
    MongoDriverBench bench = new MongoDriverBench();
    bench.setUp();
    try {
      Cursor cursor = new Cursor();
      assertThat(bench.findPeer(new Cursor())).isNotNull();
      assertThat(bench.updateOnePeer(cursor).getMatchedCount()).isEqualTo(1);
      assertThat(bench.bulkWritePeers100(cursor).getMatchedCount()).isEqualTo(Workload.BATCH);
      assertThat(bench.updateOneStatePrimary(cursor).getUpsertedId()).isNotNull();
      assertThat(bench.updateOneChannelPts(cursor).getMatchedCount()).isEqualTo(1);
      assertThat(bench.updateOnePeer4T(cursor).getMatchedCount()).isEqualTo(1);
      assertThat(bench.findPeer4T(cursor)).isNotNull();
      assertThat(bench.updateOneStatePrimary4T(cursor).getMatchedCount()).isEqualTo(1);
    } finally {
      bench.tearDown();
    }
  }
}
