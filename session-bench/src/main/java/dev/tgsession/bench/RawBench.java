package dev.tgsession.bench;

import dev.tgsession.ChannelKind;
import dev.tgsession.PeerInfo;
import java.util.ArrayList;
import java.util.List;
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
 * The raw-driver side of the realistic benchmarks: the lifecycle every {@code *Raw} class shares (a
 * store of its own, the same {@link Realistic} peers stored, the same {@link RealisticCursor} walk
 * as {@link RealisticBench}). Subclasses hold the driver code and the benchmark methods, named as
 * their {@code *Realistic} counterparts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class RawBench {

  /** What one raw read returns: the peer's columns, as a hand-written client would keep them. */
  record RawPeer(
      long id,
      long hash,
      int kind,
      @Nullable Boolean bot,
      @Nullable String username,
      @Nullable String phone) {}

  /** {@link RawPeer#kind()} of a user. */
  static final int USER = 0;

  /** {@link RawPeer#kind()} of a broadcast channel. */
  static final int BROADCAST = 1;

  /** {@link RawPeer#kind()} of a megagroup. */
  static final int MEGAGROUP = 2;

  Store store;
  RealisticCursor cursor;
  String method = RealisticBench.ALL;

  /** Peers stored for {@code coldPeer}; the setup test makes it small. */
  int coldStored = defaultColdStored();

  /** The backend, one of {@link Store}'s names. */
  abstract String backend();

  /** Peers stored for {@code coldPeer}. */
  abstract int defaultColdStored();

  /** Connects to the started store and creates what the driver's layout needs. */
  abstract void connect() throws Exception;

  /** Stores the given peers (the population), in one batch of the driver's kind. */
  abstract void storeBatch(List<PeerInfo> peers) throws Exception;

  /** Closes the connections (the store is stopped afterwards). */
  abstract void disconnect() throws Exception;

  /** Before each iteration of {@code coldPeer}: what a fresh reader needs (default: nothing). */
  void openFreshReader() throws Exception {}

  /** After each iteration of {@code coldPeer}. */
  void closeFreshReader() throws Exception {}

  /** A primary-key read of one peer through the fresh reader (or the driver's one client). */
  abstract @Nullable RawPeer freshRead(long dialogId) throws Exception;

  /** Runs the setup {@code params}' benchmark method needs. */
  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) throws Exception {
    String name = params.getBenchmark();
    setUp(name.substring(name.lastIndexOf('.') + 1));
  }

  /** Runs the setup {@code method} needs ({@link RealisticBench#ALL}: everything). */
  void setUp(String method) throws Exception {
    this.method = method;
    cursor = new RealisticCursor(coldStored);
    store = Store.start(backend());
    try {
      connect();
      boolean cold = RealisticBench.storesCold(method);
      int stored = cold ? Math.max(coldStored, Realistic.WORKING_SET) : Realistic.WORKING_SET;
      ArrayList<PeerInfo> chunk = new ArrayList<>(Realistic.POPULATE_CHUNK);
      for (int i = 0; i < stored; i++) {
        chunk.add(Realistic.peer(i, Realistic.initialHash(i)));
        if (chunk.size() == Realistic.POPULATE_CHUNK || i == stored - 1) {
          storeBatch(chunk);
          chunk.clear();
        }
      }
    } catch (Exception e) {
      tearDown();
      throw e;
    }
  }

  /**
   * For {@code coldPeer} and {@code warmAfterScan}: a fresh reader per iteration where the driver
   * has one to refresh; for {@code warmAfterScan} it then reads what ours reads before measuring
   * (the working set twice, then the scan).
   */
  @Setup(Level.Iteration)
  public void openFresh() throws Exception {
    if (RealisticBench.readsFresh(method)) {
      openFreshReader();
      if (method.equals(RealisticBench.AFTER_SCAN) || method.equals(RealisticBench.ALL)) {
        for (int i : Realistic.workingSetThenScan(coldStored)) {
          if (freshRead(Realistic.peerId(i).botApiDialogId()) == null) {
            throw new IllegalStateException("expected stored peer " + i + ", found none");
          }
        }
      }
    }
  }

  /** 200,000 primary-key reads of random working-set peers right after the scan (single shot). */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(batchSize = RealisticBench.AFTER_SCAN_READS)
  @Measurement(batchSize = RealisticBench.AFTER_SCAN_READS)
  public @Nullable RawPeer warmAfterScan() throws Exception {
    return freshRead(Realistic.peerId(cursor.nextRandomWarm()).botApiDialogId());
  }

  /** Closes it. */
  @TearDown(Level.Iteration)
  public void closeFresh() throws Exception {
    closeFreshReader();
  }

  /** Disconnects and stops the store. */
  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    try {
      closeFreshReader();
      disconnect();
    } finally {
      if (store != null) {
        store.close();
      }
    }
  }

  /** The raw kind of a peer. */
  static int kindOf(PeerInfo peer) {
    if (peer instanceof PeerInfo.Channel channel) {
      return channel.kind() == ChannelKind.MEGAGROUP ? MEGAGROUP : BROADCAST;
    }
    return USER;
  }

  /** The bot flag of a user, null for a channel or when not known. */
  static @Nullable Boolean botOf(PeerInfo peer) {
    return peer instanceof PeerInfo.User user ? user.bot() : null;
  }

  /** The phone of a user, null for a channel or when not known. */
  static @Nullable String phoneOf(PeerInfo peer) {
    return peer instanceof PeerInfo.User user ? user.phone() : null;
  }

  /** The first username of a peer, null when it has none. */
  static @Nullable String usernameOf(PeerInfo peer) {
    List<String> names = peer.usernames();
    return names == null || names.isEmpty() ? null : names.get(0);
  }
}
