package dev.tgsession.bench;

import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Our side of the realistic benchmarks, single-threaded, on a session opened with {@link
 * Sessions#open(String)} with default options (peer cache on, as a user gets it). Each backend's
 * subclass ({@code SqliteRealistic}, {@code RedisRealistic}, ...) is compared method by method with
 * its raw baseline ({@code SqliteRaw}, ...), which has the same method names. The subclass declares
 * {@code coldPeer}, whose batch size depends on the backend.
 *
 * <p>The trial setup stores the {@link Realistic#WORKING_SET} (and, for {@code coldPeer}, the
 * backend's cold size), opens the second instance only for {@code coherentRead}, and reads the
 * working set once only for {@code warmPeer}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class RealisticBench {

  /** The method names whose setup needs something more than the working set. */
  static final String COLD = "coldPeer";

  static final String COHERENT = "coherentRead";
  static final String WARM = "warmPeer";
  static final String AFTER_SCAN = "warmAfterScan";

  /** Reads of one {@code warmAfterScan} shot: 200,000 random reads over the working set. */
  static final int AFTER_SCAN_READS = 200_000;

  /** Whether {@code method}'s setup stores the cold peers too. */
  static boolean storesCold(String method) {
    return method.equals(COLD) || method.equals(AFTER_SCAN) || method.equals(ALL);
  }

  /** Whether {@code method} reads through a fresh instance (or connection) per iteration. */
  static boolean readsFresh(String method) {
    return storesCold(method);
  }

  /** Every part of the setup: what the setup test asks for. */
  static final String ALL = "*";

  private Store store;
  private Session session;
  private @Nullable Session other;
  private @Nullable Session fresh;
  private RealisticCursor cursor;
  private String method = ALL;
  private long staleReads;
  private long coherentReads;

  /** Peers stored for {@code coldPeer}; the setup test makes it small. */
  int coldStored = defaultColdStored();

  /** The backend, one of {@link Store}'s names. */
  abstract String backend();

  /** Peers stored for {@code coldPeer} on this backend (at least its cold batch size). */
  abstract int defaultColdStored();

  /** Options appended to the store's session URI (none here). */
  String extraOptions() {
    return "";
  }

  /** Runs the setup {@code params}' benchmark method needs. */
  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) {
    String name = params.getBenchmark();
    setUp(name.substring(name.lastIndexOf('.') + 1));
  }

  /** Runs the setup {@code method} needs ({@link #ALL}: everything). */
  void setUp(String method) {
    this.method = method;
    cursor = new RealisticCursor(coldStored);
    store = Store.start(backend());
    try {
      session = Sessions.open(uri());
      boolean cold = storesCold(method);
      Realistic.populate(
          session, 0, cold ? Math.max(coldStored, Realistic.WORKING_SET) : Realistic.WORKING_SET);
      if (method.equals(COHERENT) || method.equals(ALL)) {
        other = Sessions.open(uri());
      }
      if (method.equals(WARM) || method.equals(ALL)) {
        for (int i = 0; i < Realistic.WORKING_SET; i++) {
          if (session.peer(Realistic.peerId(i)).isEmpty()) {
            throw new IllegalStateException("expected stored peer " + i + ", found none");
          }
        }
      }
    } catch (RuntimeException e) {
      tearDown();
      throw e;
    }
  }

  String uri() {
    String uri = store.sessionUri();
    String extra = extraOptions();
    if (extra.isEmpty()) {
      return uri;
    }
    return uri + (uri.indexOf('?') >= 0 ? "&" : "?") + extra;
  }

  /**
   * For {@code coldPeer} and {@code warmAfterScan}: a fresh instance per iteration, so its peer
   * cache starts empty; for {@code warmAfterScan} it then reads the working set twice (a session
   * that has been serving it) and every other stored peer once (the scan, more than its cache
   * holds) before the measured reads.
   */
  @Setup(Level.Iteration)
  public void openFresh() {
    if (readsFresh(method)) {
      Session reader = Sessions.open(uri());
      fresh = reader;
      if (method.equals(AFTER_SCAN) || method.equals(ALL)) {
        for (int i : Realistic.workingSetThenScan(coldStored)) {
          if (reader.peer(Realistic.peerId(i)).isEmpty()) {
            throw new IllegalStateException("expected stored peer " + i + ", found none");
          }
        }
      }
    }
  }

  /** Closes the fresh instance of the iteration. */
  @TearDown(Level.Iteration)
  public void closeFresh() {
    if (fresh != null) {
      fresh.close();
      fresh = null;
    }
  }

  /** Closes the instances and stops the store; reports stale reads of {@code coherentRead}. */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (coherentReads > 0) {
      System.out.println(
          "tgsession-bench coherence: "
              + getClass().getSimpleName().replace("_jmhType", "")
              + " "
              + staleReads
              + " stale of "
              + coherentReads
              + " reads right after the other instance's write");
    }
    try {
      closeFresh();
      for (Session s : new Session[] {other, session}) {
        if (s != null) {
          s.close();
        }
      }
    } finally {
      if (store != null) {
        store.close();
      }
    }
  }

  /** The session under test. */
  Session session() {
    return session;
  }

  /** Reads {@code coherentRead} found stale, and reads it made. */
  long[] staleOfCoherent() {
    return new long[] {staleReads, coherentReads};
  }

  /** Caches 100 stored users (names, phones, bot flags) with new access hashes: one op = 100. */
  @Benchmark
  public void batch100Named() {
    session.cachePeers(cursor.nextBatch());
  }

  /** Caches 100 users never seen before, each with a username: one op = 100. */
  @Benchmark
  public void batch100New() {
    session.cachePeers(cursor.nextNewBatch());
  }

  /** Caches one stored user (name, maybe phone, bot flag) with a new access hash. */
  @Benchmark
  public void singleNamed() {
    session.cachePeer(Realistic.peer(cursor.nextUser(), cursor.nextHash()));
  }

  /**
   * One write of the common updates sequence (pts, date and seq), as a client makes after each
   * update it applied.
   */
  @Benchmark
  public void updateStatePrimary() {
    int pts = cursor.nextPts();
    session.setUpdateState(new UpdateState.Primary(pts, Realistic.date(pts), pts));
  }

  /** One write of a channel's pts, over the working set's 500 channels. */
  @Benchmark
  public void updateStateChannel() {
    session.setUpdateState(new UpdateState.Channel(cursor.nextChannel(), cursor.nextPts()));
  }

  /** {@code peer(id)} over the 5,000-peer working set, all read once before: all hits. */
  @Benchmark
  public Optional<PeerInfo> warmPeer() {
    return session.peer(Realistic.peerId(cursor.nextWarm()));
  }

  /** {@code peerByUsername} of a stored user. */
  @Benchmark
  public Optional<PeerInfo> peerByUsername() {
    String name = Realistic.username(cursor.nextNamed());
    return session.peerByUsername(name == null ? "none" : name);
  }

  /** {@code peerByPhone} of a stored user. */
  @Benchmark
  public Optional<PeerInfo> peerByPhone() {
    String phone = Realistic.phone(cursor.nextPhone());
    return session.peerByPhone(phone == null ? "0000" : phone);
  }

  /**
   * The cost of coherence: the other instance caches a user with a new access hash, then this
   * instance reads it by id (one op = that write and that read). A read that does not return the
   * new hash is counted stale and reported when the trial ends.
   */
  @Benchmark
  public Optional<PeerInfo> coherentRead() {
    int i = cursor.nextUser();
    long hash = cursor.nextHash();
    Session writer = other;
    if (writer == null) {
      throw new IllegalStateException("expected the second instance of coherentRead");
    }
    writer.cachePeer(Realistic.peer(i, hash));
    Optional<PeerInfo> read = session.peer(Realistic.peerId(i));
    coherentReads++;
    if (read.isEmpty() || read.get().authOrAmbient().accessHash() != hash) {
      staleReads++;
    }
    return read;
  }

  /**
   * {@code peer(id)} of a random working-set peer by an instance that read its working set twice
   * and has just read every other stored peer once (a scan of 45,000 peers on the sqlite,
   * PostgreSQL and Redis backends, over four times the default peer cache): 200,000 reads over the
   * 5,000 peers per shot. What a session's working set costs right after a walk over all dialogs:
   * whatever of it the scan pushed out must come back within a few reads.
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(batchSize = AFTER_SCAN_READS)
  @Measurement(batchSize = AFTER_SCAN_READS)
  public Optional<PeerInfo> warmAfterScan() {
    Session reader = fresh;
    if (reader == null) {
      throw new IllegalStateException("expected the fresh instance of warmAfterScan");
    }
    return reader.peer(Realistic.peerId(cursor.nextRandomWarm()));
  }

  /** One cold {@code peer(id)}: a peer the iteration's fresh instance has not read yet. */
  Optional<PeerInfo> coldRead() {
    Session reader = fresh;
    if (reader == null) {
      throw new IllegalStateException("expected the fresh instance of coldPeer");
    }
    return reader.peer(Realistic.peerId(cursor.nextCold()));
  }
}
