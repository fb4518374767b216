package dev.tgsession.bench;

import dev.tgsession.PeerInfo;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The realistic workload on the mongo backend ({@code Sessions.open}, default options); compared
 * method by method with {@link MongoRaw}. See {@link RealisticBench}.
 */
public class MongoRealistic extends RealisticBench {

  /** Peers stored for {@link #coldPeer}. */
  static final int COLD_STORED = 10_000;

  /** Cold reads per iteration, each of another peer, by a fresh instance. */
  static final int COLD_READS = 2_000;

  /**
   * Cold reads of the warm-up shot: enough for the JIT, a quarter of a measured shot's (the suite
   * runs 6 forks of this pair, each with a warm-up shot; only the measured shots are reported).
   */
  static final int COLD_WARMUP_READS = COLD_READS / 4;

  @Override
  String backend() {
    return Store.MONGO;
  }

  @Override
  int defaultColdStored() {
    return COLD_STORED;
  }

  /**
   * Cold {@code peer(id)}: a fresh instance per iteration reads {@value #COLD_READS} distinct
   * stored peers of {@value #COLD_STORED}, in a shuffled order, each once: every read is a miss.
   * One op = one iteration's {@value #COLD_READS} reads (single shot).
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(batchSize = COLD_WARMUP_READS)
  @Measurement(batchSize = COLD_READS)
  public Optional<PeerInfo> coldPeer() {
    return coldRead();
  }
}
