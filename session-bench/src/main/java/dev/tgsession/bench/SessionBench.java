package dev.tgsession.bench;

import dev.tgsession.PeerInfo;
import dev.tgsession.UpdateState;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The easy path (peers known by id and access hash only, 100 of 5,000 named, hits read warm; see
 * {@link RealisticBench} for the realistic workload): the hot paths of an MTProto client,
 * single-threaded, on a session opened with {@link dev.tgsession.Sessions#open(String)} (one per
 * fork). {@link SessionBench4T} runs the hot paths from 4 threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SessionBench extends OpenSession {

  /** The backend under test; {@code mongo} is the mongo-java-server emulator, not MongoDB. */
  @Param({Store.MEMORY, Store.SQLITE, Store.REDIS, Store.MONGO})
  public String backend = Store.MEMORY;

  @Override
  String backend() {
    return backend;
  }

  /** Caches a user never seen before: id and access hash. */
  @Benchmark
  public void cachePeerNew(Cursor cursor) {
    session().cachePeer(PeerInfo.User.of(cursor.nextNewId(), cursor.nextHash()));
  }

  /** Caches a stored user again with a new access hash. */
  @Benchmark
  public void cachePeerExisting(Cursor cursor) {
    session()
        .cachePeer(PeerInfo.User.of(Workload.storedId(cursor.nextStored()), cursor.nextHash()));
  }

  /** Caches 100 stored users with new access hashes in one call (one op = one batch). */
  @Benchmark
  public void cachePeers100(Cursor cursor) {
    session().cachePeers(cursor.nextBatch());
  }

  /** Looks up a stored user by id. */
  @Benchmark
  public Optional<PeerInfo> peerHit(WarmPeerCache warm, Cursor cursor) {
    return session().peer(Workload.storedPeerId(cursor.nextStored()));
  }

  /** Looks up a user id that is not stored. */
  @Benchmark
  public Optional<PeerInfo> peerMiss(Cursor cursor) {
    return session().peer(Workload.missingPeerId(cursor.nextStored()));
  }

  /** Looks up a stored user by username. */
  @Benchmark
  public Optional<PeerInfo> peerByUsername(Cursor cursor) {
    return session().peerByUsername(cursor.nextUsername());
  }

  /** Moves the common pts, date and seq. */
  @Benchmark
  public void setUpdateStatePrimary(Cursor cursor) {
    int pts = cursor.nextPts();
    session().setUpdateState(new UpdateState.Primary(pts, pts, pts));
  }

  /** Moves one channel's pts. */
  @Benchmark
  public void setUpdateStateChannel(Cursor cursor) {
    session().setUpdateState(new UpdateState.Channel(cursor.nextChannel(), cursor.nextPts()));
  }

  /** The two cheap getters every request calls: home DC and its option, served from memory. */
  @Benchmark
  public void homeDcIdAndDcOption(Blackhole blackhole) {
    int home = session().homeDcId();
    blackhole.consume(home);
    blackhole.consume(session().dcOption(home));
  }

  /**
   * Reads every stored user once before {@link #peerHit} measures, so it measures hits from the
   * first iteration (the writes of the setup do not fill the peer cache; only reads do).
   */
  @State(Scope.Benchmark)
  public static class WarmPeerCache {
    /** Reads the stored users through the benchmark's session. */
    @Setup(Level.Trial)
    public void warm(SessionBench bench) {
      Workload.readStored(bench.session());
    }
  }
}
