package dev.tgsession.redis;

import dev.tgsession.SessionLease;
import dev.tgsession.spi.WriteFence;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A session's writes, fenced when it holds a lease: a command is run by {@code fenced.lua} and a
 * script by its fenced variant, both after comparing the lease token counter with the fence's token
 * in the same script; on a mismatch nothing is written and {@link WriteFence#lost()} thrown.
 */
final class RedisWrites {

  private static final RedisScript FENCED = RedisScript.load("fenced");
  private static final byte[] HSET = "HSET".getBytes(StandardCharsets.UTF_8);

  private final RedisCalls calls;
  private final byte[] leaseToken;

  RedisWrites(RedisCalls calls, byte[] leaseToken) {
    this.calls = calls;
    this.leaseToken = leaseToken;
  }

  /** One {@code HSET}; with a lease, run by {@code fenced.lua} after checking the token. */
  void hset(WriteFence fence, String what, byte[] key, Map<byte[], byte[]> fields) {
    SessionLease lease = fence.lease();
    if (lease == null) {
      calls.write(what, redis -> redis.hset(key, fields));
      return;
    }
    List<byte[]> args = new ArrayList<>(2 * fields.size());
    fields.forEach(
        (field, value) -> {
          args.add(field);
          args.add(value);
        });
    command(fence, what, HSET, List.of(key), args);
  }

  void command(
      WriteFence fence, String what, byte[] command, List<byte[]> commandKeys, List<byte[]> rest) {
    List<byte[]> scriptKeys = new ArrayList<>(1 + commandKeys.size());
    scriptKeys.add(leaseToken);
    scriptKeys.addAll(commandKeys);
    List<byte[]> args = new ArrayList<>(2 + rest.size());
    args.add(number(fence.token()));
    args.add(command);
    args.addAll(rest);
    try {
      calls.write(what, redis -> FENCED.run(redis, scriptKeys, args));
    } catch (RedisCalls.FencedOut e) {
      throw fence.lost();
    }
  }

  /** One script; with a lease, its fenced variant with the token counter and the token last. */
  Object script(
      WriteFence fence,
      String what,
      RedisScript plain,
      RedisScript fenced,
      List<byte[]> scriptKeys,
      List<byte[]> args) {
    SessionLease lease = fence.lease();
    if (lease == null) {
      return calls.write(what, redis -> plain.run(redis, scriptKeys, args));
    }
    List<byte[]> fencedKeys = new ArrayList<>(scriptKeys);
    fencedKeys.add(leaseToken);
    List<byte[]> fencedArgs = new ArrayList<>(args);
    fencedArgs.add(number(lease.token()));
    try {
      return calls.write(what, redis -> fenced.run(redis, fencedKeys, fencedArgs));
    } catch (RedisCalls.FencedOut e) {
      throw fence.lost();
    }
  }

  private static byte[] number(long value) {
    return StateRedisCodec.number(value);
  }
}
