package dev.tgsession.bench;

import dev.tgsession.PeerInfo;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * The Jedis baseline of {@link RedisRealistic}: a {@link RedisClient} on the fork's own {@code
 * redis-server}; one hash field per peer (8-byte dialog id to a record of access hash, kind, bot
 * flag, username and phone) and the index hashes {@code usernames} and {@code phones} (name to
 * 8-byte dialog id). A write is a pipeline of {@code HSET}s: the peer's field plus its username and
 * phone index fields; it overwrites the record (no read, no merge, no script).
 */
public class RedisRaw extends RawBench {

  private static final byte[] PEERS = bytes("{raw}:peers");
  private static final byte[] USERNAMES = bytes("{raw}:usernames");
  private static final byte[] PHONES = bytes("{raw}:phones");
  private static final byte[] STATE = bytes("{raw}:state");
  private static final byte[] CHANNELS = bytes("{raw}:channels");
  private static final byte[] PTS = bytes("pts");
  private static final byte[] DATE = bytes("date");
  private static final byte[] SEQ = bytes("seq");

  private RedisClient redis;

  @Override
  String backend() {
    return Store.REDIS;
  }

  @Override
  int defaultColdStored() {
    return RedisRealistic.COLD_STORED;
  }

  @Override
  void connect() {
    redis = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", store.port())).build();
  }

  @Override
  void storeBatch(List<PeerInfo> peers) {
    write(peers);
  }

  @Override
  @Nullable RawPeer freshRead(long dialogId) {
    return get(dialogId);
  }

  @Override
  void disconnect() {
    if (redis != null) {
      redis.close();
    }
  }

  private void write(List<PeerInfo> peers) {
    try (AbstractPipeline pipeline = redis.pipelined()) {
      for (PeerInfo peer : peers) {
        byte[] id = id(peer.peerId().botApiDialogId());
        pipeline.hset(PEERS, id, record(peer));
        String username = usernameOf(peer);
        if (username != null) {
          pipeline.hset(USERNAMES, bytes(username), id);
        }
        String phone = phoneOf(peer);
        if (phone != null) {
          pipeline.hset(PHONES, bytes(phone), id);
        }
      }
      pipeline.sync();
    }
  }

  /**
   * {@code u64 hash, u8 kind, u8 bot (0 no, 1 yes, 2 unknown), u8 len + username, u8 len + phone}.
   */
  static byte[] record(PeerInfo peer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(48);
    out.writeBytes(id(peer.authOrAmbient().accessHash()));
    out.write(kindOf(peer));
    Boolean bot = botOf(peer);
    out.write(bot == null ? 2 : bot ? 1 : 0);
    for (String text : new String[] {usernameOf(peer), phoneOf(peer)}) {
      byte[] b = text == null ? new byte[0] : bytes(text);
      out.write(b.length);
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  static @Nullable RawPeer decode(long id, byte @Nullable [] record) {
    if (record == null) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(record);
    long hash = in.getLong();
    int kind = in.get();
    int bot = in.get();
    String[] texts = new String[2];
    for (int k = 0; k < 2; k++) {
      int length = in.get() & 0xFF;
      texts[k] =
          length == 0 ? null : new String(record, in.position(), length, StandardCharsets.US_ASCII);
      in.position(in.position() + length);
    }
    return new RawPeer(id, hash, kind, bot == 2 ? null : bot == 1, texts[0], texts[1]);
  }

  private @Nullable RawPeer get(long id) {
    return decode(id, redis.hget(PEERS, id(id)));
  }

  private @Nullable RawPeer byIndex(byte[] index, @Nullable String name) {
    byte[] id = redis.hget(index, bytes(name == null ? "" : name));
    if (id == null) {
      return null;
    }
    return get(ByteBuffer.wrap(id).getLong());
  }

  /** A pipeline of the {@code HSET}s of 100 peers and their index fields: one op = 100. */
  @Benchmark
  public void batch100Named() {
    write(cursor.nextBatch());
  }

  /** The same for 100 users never stored: one op = 100. */
  @Benchmark
  public void batch100New() {
    write(cursor.nextNewBatch());
  }

  /** The {@code HSET}s of one peer and its index fields, pipelined (one round trip). */
  @Benchmark
  public void singleNamed() {
    write(List.of(Realistic.peer(cursor.nextUser(), cursor.nextHash())));
  }

  /** One {@code HSET} of the state's pts, date and seq fields. */
  @Benchmark
  public long updateStatePrimary() {
    int pts = cursor.nextPts();
    return redis.hset(
        STATE, Map.of(PTS, number(pts), DATE, number(Realistic.date(pts)), SEQ, number(pts)));
  }

  /** One {@code HSET} of a channel's pts. */
  @Benchmark
  public long updateStateChannel() {
    return redis.hset(CHANNELS, id(cursor.nextChannel()), number(cursor.nextPts()));
  }

  /** One {@code HGET} over the 5,000-peer working set. */
  @Benchmark
  public @Nullable RawPeer warmPeer() {
    return get(Realistic.peerId(cursor.nextWarm()).botApiDialogId());
  }

  /** {@code HGET} of the username's index field, then {@code HGET} of the peer. */
  @Benchmark
  public @Nullable RawPeer peerByUsername() {
    return byIndex(USERNAMES, Realistic.username(cursor.nextNamed()));
  }

  /** {@code HGET} of the phone's index field, then {@code HGET} of the peer. */
  @Benchmark
  public @Nullable RawPeer peerByPhone() {
    return byIndex(PHONES, Realistic.phone(cursor.nextPhone()));
  }

  /** The pipelined {@code HSET}s of one peer, then one {@code HGET} of it. */
  @Benchmark
  public @Nullable RawPeer coherentRead() {
    int i = cursor.nextUser();
    write(List.of(Realistic.peer(i, cursor.nextHash())));
    return get(Realistic.peerId(i).botApiDialogId());
  }

  /**
   * One {@code HGET} each of {@value RedisRealistic#COLD_READS} distinct peers of {@value
   * RedisRealistic#COLD_STORED}, in the order {@link RedisRealistic#coldPeer} reads them. One op =
   * one iteration's reads.
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(batchSize = RedisRealistic.COLD_WARMUP_READS)
  @Measurement(batchSize = RedisRealistic.COLD_READS)
  public @Nullable RawPeer coldPeer() {
    return get(Realistic.peerId(cursor.nextCold()).botApiDialogId());
  }

  static byte[] id(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  static byte[] number(int value) {
    return ByteBuffer.allocate(Integer.BYTES).putInt(value).array();
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
