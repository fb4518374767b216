package dev.tgsession.bench;

import dev.tgsession.Session;
import dev.tgsession.Sessions;
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

/**
 * What a lease costs on the write path: {@code cachePeer} and {@code cachePeers} of the realistic
 * workload's named users on a session opened with {@code lease=60} against one opened without, in
 * the same run ({@code @Param lease}: {@code none} or {@code 60}). With a lease every write checks
 * the fencing token (in the write transaction, script or right before the write).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LeaseCost {

  /** The backend under test; {@code mongo} is the emulator unless a real MongoDB is at hand. */
  @Param({Store.SQLITE, Store.REDIS, Store.MONGO, Store.POSTGRES})
  public String backend = Store.SQLITE;

  /** {@code none}: no lease; else the {@code lease=} option in seconds. */
  @Param({"none", "60"})
  public String lease = "none";

  private Store store;
  private Session session;
  private RealisticCursor cursor;

  /** Starts the store, opens the session (with the lease, if any), stores the working set. */
  @Setup(Level.Trial)
  public void setUp() {
    cursor = new RealisticCursor(1);
    store = Store.start(backend);
    try {
      String uri = store.sessionUri();
      if (!lease.equals("none")) {
        uri += (uri.indexOf('?') >= 0 ? "&" : "?") + "lease=" + lease;
      }
      session = Sessions.open(uri);
      Realistic.populate(session, 0, Realistic.WORKING_SET);
    } catch (RuntimeException e) {
      tearDown();
      throw e;
    }
  }

  /** Closes the session (releasing the lease) and stops the store. */
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

  /** The session under test. */
  Session session() {
    return session;
  }

  /** Caches one stored named user with a new access hash. */
  @Benchmark
  public void cachePeer() {
    session.cachePeer(Realistic.peer(cursor.nextUser(), cursor.nextHash()));
  }

  /** Caches 100 stored named users with new access hashes: one op = 100. */
  @Benchmark
  public void cachePeers() {
    session.cachePeers(cursor.nextBatch());
  }
}
