package dev.tgsession.bench;

import dev.tgsession.DcOption;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The hot paths of an MTProto client on a session opened with {@link Sessions#open(String)}, one
 * session per fork shared by the benchmark's threads. The {@code *4T} methods run the same call
 * from 4 threads on the one session.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SessionBench {

  /** The backend under test; {@code mongo} is the mongo-java-server emulator, not MongoDB. */
  @Param({Store.MEMORY, Store.SQLITE, Store.REDIS, Store.MONGO})
  public String backend = Store.MEMORY;

  private Store store;
  private Session session;

  /** Starts the backend's store, opens the session and stores the {@link Workload}'s users. */
  @Setup(Level.Trial)
  public void setUp() {
    store = Store.start(backend);
    try {
      session = Sessions.open(store.sessionUri());
      Workload.populate(session);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Closes the session and stops the store. */
  @TearDown(Level.Trial)
  public void tearDown() {
    try {
      if (session != null) {
        session.close();
      }
    } finally {
      store.close();
    }
  }

  /** The session under test (for the setup test). */
  Session session() {
    return session;
  }

  /** Caches a user never seen before: id and access hash. */
  @Benchmark
  public void cachePeerNew(Cursor cursor) {
    session.cachePeer(PeerInfo.User.of(cursor.nextNewId(), cursor.nextHash()));
  }

  /** Caches a stored user again with a new access hash. */
  @Benchmark
  public void cachePeerExisting(Cursor cursor) {
    session.cachePeer(PeerInfo.User.of(Workload.storedId(cursor.nextStored()), cursor.nextHash()));
  }

  /** Caches 100 stored users with new access hashes in one call (one op = one batch). */
  @Benchmark
  public void cachePeers100(Cursor cursor) {
    session.cachePeers(cursor.nextBatch());
  }

  /** Looks up a stored user by id. */
  @Benchmark
  public Optional<PeerInfo> peerHit(Cursor cursor) {
    return session.peer(Workload.storedPeerId(cursor.nextStored()));
  }

  /** Looks up a user id that is not stored. */
  @Benchmark
  public Optional<PeerInfo> peerMiss(Cursor cursor) {
    return session.peer(Workload.missingPeerId(cursor.nextStored()));
  }

  /** Looks up a stored user by username. */
  @Benchmark
  public Optional<PeerInfo> peerByUsername(Cursor cursor) {
    return session.peerByUsername(cursor.nextUsername());
  }

  /** Moves the common pts, date and seq. */
  @Benchmark
  public void setUpdateStatePrimary(Cursor cursor) {
    int pts = cursor.nextPts();
    session.setUpdateState(new UpdateState.Primary(pts, pts, pts));
  }

  /** Moves one channel's pts. */
  @Benchmark
  public void setUpdateStateChannel(Cursor cursor) {
    session.setUpdateState(new UpdateState.Channel(cursor.nextChannel(), cursor.nextPts()));
  }

  /** The home DC: served from memory. */
  @Benchmark
  public int homeDcId() {
    return session.homeDcId();
  }

  /** The home DC's option: served from memory. */
  @Benchmark
  public Optional<DcOption> dcOption() {
    return session.dcOption(2);
  }

  /** {@link #cachePeerExisting} from 4 threads. */
  @Benchmark
  @Threads(4)
  public void cachePeerExisting4T(Cursor cursor) {
    cachePeerExisting(cursor);
  }

  /** {@link #peerHit} from 4 threads. */
  @Benchmark
  @Threads(4)
  public Optional<PeerInfo> peerHit4T(Cursor cursor) {
    return peerHit(cursor);
  }

  /** {@link #setUpdateStatePrimary} from 4 threads. */
  @Benchmark
  @Threads(4)
  public void setUpdateStatePrimary4T(Cursor cursor) {
    setUpdateStatePrimary(cursor);
  }
}
