package dev.tgsession.redis;

import dev.tgsession.spi.WriteFence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Protocol;

/**
 * The most common named write without a script: peers re-cached with a new access hash and the
 * record already stored for them (an update carrying a user as it was). One transaction writes
 * their {@code peers} values (hash and time, as the hash-only write does) and reads their stored
 * {@code info} records; a record equal byte for byte to the stored one changes nothing more, since
 * its claims are already in the indexes (a record holds a username, phone or the self flag exactly
 * when the index points to it; {@code store_peers.lua} ends there for the same reason), so those
 * peers are done. The others still go through {@code store_peers.lua}, which writes their {@code
 * peers} values again and merges and claims as always.
 *
 * <p>What a reader can see differs from the script alone only for those others: between the two
 * round trips, their new access hash beside their stored record, as after a hash-only write of
 * them. Under a lease the same two commands run in {@code recache.lua} behind the fence (the token
 * compared before anything is written), since a transaction cannot compare it. Not tried on a
 * cluster or with {@code wait-replicas} without a lease, nor for peers without an access hash (the
 * script keeps the stored one).
 */
final class RedisRecache {

  /**
   * Calls that skip the attempt after one that found most records new or changed; doubled after
   * each such attempt in a row, up to {@link #MAX_BACKOFF}, so that a stream of new peers pays the
   * wasted transaction at most once in 65 calls (about 1% of a batch of 100 new users' server
   * time), and a session back to re-caching known users tries again within 8 calls of it.
   */
  static final int BACKOFF = 8;

  static final int MAX_BACKOFF = 64;

  private static final RedisScript RECACHE = RedisScript.load("recache");
  private static final RedisScript RECACHE_FENCED = RECACHE.fenced();

  private final RedisCalls calls;
  private final RedisWrites writes;

  /*
   * Attempts left to skip, and the attempts in a row that found most records new or changed. Hints
   * only, read and written without synchronisation: a lost update costs an attempt too many or too
   * few, never a wrong write.
   */
  private int skip;
  private int misses;

  RedisRecache(RedisCalls calls, RedisWrites writes) {
    this.calls = calls;
    this.writes = writes;
  }

  /**
   * Writes the access hashes and times of peers {@code from} to {@code to} and reads their stored
   * records in one transaction.
   *
   * @return the indexes in the batch of the peers that still need {@code store_peers.lua} (empty
   *     when none does), or {@code null} when the attempt was not made: then all of them do
   */
  int @Nullable [] attempt(
      String what,
      RedisKeys into,
      PeerRedisCodec.Batch batch,
      int from,
      int to,
      byte[] time,
      WriteFence fence) {
    boolean leased = fence.lease() != null;
    if ((!leased && !calls.canWriteTogether()) || !batch.hashesKnown(from, to)) {
      return null;
    }
    if (skip > 0) {
      skip--;
      return null;
    }
    Map<byte[], byte[]> values = batch.values(from, to, time);
    List<?> stored;
    if (leased) {
      List<byte[]> args = new ArrayList<>(2 * values.size());
      values.forEach(
          (id, value) -> {
            args.add(id);
            args.add(value);
          });
      stored =
          (List<?>)
              writes.script(
                  fence, what, RECACHE, RECACHE_FENCED, List.of(into.peers, into.info), args);
    } else {
      CommandArguments hset = new CommandArguments(Protocol.Command.HSET).key(into.peers);
      for (Map.Entry<byte[], byte[]> field : values.entrySet()) {
        hset.add(field.getKey()).add(field.getValue());
      }
      CommandArguments hmget = new CommandArguments(Protocol.Command.HMGET).key(into.info);
      for (int i = from; i < to; i++) {
        hmget.add(batch.ids().get(i));
      }
      stored = (List<?>) calls.writeTogether(what, hset, hmget).get(1);
    }
    int[] changed = new int[to - from];
    int count = 0;
    for (int i = from; i < to; i++) {
      byte[] info = batch.infos().get(i);
      if (info != null && !Arrays.equals(info, (byte[]) stored.get(i - from))) {
        changed[count++] = i;
      }
    }
    if (2 * count > to - from) {
      skip = Math.min(MAX_BACKOFF, BACKOFF << Math.min(misses, 3));
      misses++;
    } else {
      misses = 0;
    }
    return Arrays.copyOf(changed, count);
  }
}
