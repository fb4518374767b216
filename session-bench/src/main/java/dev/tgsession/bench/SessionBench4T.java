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
import org.openjdk.jmh.annotations.Threads;

/**
 * The easy path (see {@link SessionBench}): the hot paths from 4 threads sharing one session per
 * fork, on the durable backends (the memory backend is left out to keep {@code bench/run.sh} under
 * 10 minutes; it has no baseline).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
public class SessionBench4T extends OpenSession {

  /** The backend under test; {@code mongo} is the mongo-java-server emulator, not MongoDB. */
  @Param({Store.SQLITE, Store.REDIS, Store.MONGO})
  public String backend = Store.SQLITE;

  @Override
  String backend() {
    return backend;
  }

  /** Caches a stored user again with a new access hash. */
  @Benchmark
  public void cachePeerExisting4T(Cursor cursor) {
    session()
        .cachePeer(PeerInfo.User.of(Workload.storedId(cursor.nextStored()), cursor.nextHash()));
  }

  /** Looks up a stored user by id. */
  @Benchmark
  public Optional<PeerInfo> peerHit4T(WarmPeerCache warm, Cursor cursor) {
    return session().peer(Workload.storedPeerId(cursor.nextStored()));
  }

  /** Moves the common pts, date and seq. */
  @Benchmark
  public void setUpdateStatePrimary4T(Cursor cursor) {
    int pts = cursor.nextPts();
    session().setUpdateState(new UpdateState.Primary(pts, pts, pts));
  }

  /**
   * Reads every stored user once before {@link #peerHit4T} measures, so it measures hits from the
   * first iteration (the writes of the setup do not fill the peer cache; only reads do).
   */
  @State(Scope.Benchmark)
  public static class WarmPeerCache {
    /** Reads the stored users through the benchmark's session. */
    @Setup(Level.Trial)
    public void warm(SessionBench4T bench) {
      Workload.readStored(bench.session());
    }
  }
}
