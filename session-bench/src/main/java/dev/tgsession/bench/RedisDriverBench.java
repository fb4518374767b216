package dev.tgsession.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * The Jedis baseline: a {@link RedisClient} (pooled, thread-safe) on the fork's own {@code
 * redis-server}; peers in one hash (8-byte id to 8-byte access hash), the state in another.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RedisDriverBench {

  private static final byte[] PEERS = bytes("{bench}:peers");
  private static final byte[] STATE = bytes("{bench}:state");
  private static final byte[] CHANNELS = bytes("{bench}:channels");
  private static final byte[] PTS = bytes("pts");
  private static final byte[] DATE = bytes("date");
  private static final byte[] SEQ = bytes("seq");

  private Store store;
  private RedisClient redis;

  /** Starts redis-server, connects, and stores the {@link Workload}'s users. */
  @Setup(Level.Trial)
  public void setUp() {
    store = Store.start(Store.REDIS);
    redis = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", store.port())).build();
    try (AbstractPipeline pipeline = redis.pipelined()) {
      for (int i = 0; i < Workload.STORED; i++) {
        pipeline.hset(PEERS, id(Workload.storedId(i)), id(Workload.initialHash(i)));
      }
      pipeline.sync();
    }
  }

  /** Disconnects and stops redis-server. */
  @TearDown(Level.Trial)
  public void tearDown() {
    try {
      redis.close();
    } finally {
      store.close();
    }
  }

  /** One {@code HSET} of a stored user's access hash. */
  @Benchmark
  public long hsetPeer(Cursor cursor) {
    return redis.hset(PEERS, id(Workload.storedId(cursor.nextStored())), id(cursor.nextHash()));
  }

  /** 100 {@code HSET}s in one pipeline (one op = one batch). */
  @Benchmark
  public void hsetPeers100Pipelined(Cursor cursor) {
    try (AbstractPipeline pipeline = redis.pipelined()) {
      for (int k = 0; k < Workload.BATCH; k++) {
        pipeline.hset(PEERS, id(Workload.storedId(cursor.nextStored())), id(cursor.nextHash()));
      }
      pipeline.sync();
    }
  }

  /** One {@code HGET} of a stored user. */
  @Benchmark
  public byte[] hgetPeer(Cursor cursor) {
    return redis.hget(PEERS, id(Workload.storedId(cursor.nextStored())));
  }

  /** One {@code HSET} of pts, date and seq. */
  @Benchmark
  public long hsetStatePrimary(Cursor cursor) {
    byte[] pts = bytes(Integer.toString(cursor.nextPts()));
    return redis.hset(STATE, Map.of(PTS, pts, DATE, pts, SEQ, pts));
  }

  /** One {@code HSET} of a channel's pts. */
  @Benchmark
  public long hsetChannelPts(Cursor cursor) {
    return redis.hset(
        CHANNELS,
        bytes(Long.toString(cursor.nextChannel())),
        bytes(Integer.toString(cursor.nextPts())));
  }

  /** {@link #hsetPeer} from 4 threads. */
  @Benchmark
  @Threads(4)
  public long hsetPeer4T(Cursor cursor) {
    return hsetPeer(cursor);
  }

  /** {@link #hgetPeer} from 4 threads. */
  @Benchmark
  @Threads(4)
  public byte[] hgetPeer4T(Cursor cursor) {
    return hgetPeer(cursor);
  }

  /** {@link #hsetStatePrimary} from 4 threads. */
  @Benchmark
  @Threads(4)
  public long hsetStatePrimary4T(Cursor cursor) {
    return hsetStatePrimary(cursor);
  }

  private static byte[] id(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
