package dev.tgsession.redis;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Protocol;

/**
 * A session's reads of stored peers: by id, through the username and phone indexes and the self
 * user's key, and the time a peer was cached. Each read is one round trip and one consistent view
 * of the {@code peers} and {@code info} hashes.
 */
final class RedisPeerReads {

  private static final byte[] BY_ID = bytes("id");
  private static final byte[] BY_FIELD = bytes("field");
  private static final byte[] BY_STRING = bytes("string");
  private static final RedisScript LOOKUP_PEER = RedisScript.load("lookup_peer");

  private final RedisCalls calls;
  private final RedisKeys keys;
  private final StateRedisCodec state;
  private final boolean cluster;

  RedisPeerReads(RedisCalls calls, RedisKeys keys, StateRedisCodec state) {
    this.calls = calls;
    this.keys = keys;
    this.state = state;
    this.cluster = calls.isCluster();
  }

  /**
   * A cold read by id: on one server the {@code HGET}s of {@code peers} and {@code info} in one
   * transaction (one round trip, one consistent view, no script: a script's call costs the server
   * more than both {@code HGET}s, see docs/profiles/redis.md); on a cluster {@code
   * lookup_peer.lua}, whose redirections the driver follows.
   */
  @Nullable PeerInfo peer(PeerId id) {
    byte[] field = PeerRedisCodec.id(id);
    if (cluster) {
      return lookup("read peer " + id, null, BY_ID, field);
    }
    List<Object> both =
        calls.readTogether(
            "read peer " + id,
            new CommandArguments(Protocol.Command.HGET).key(keys.peers).add(field),
            new CommandArguments(Protocol.Command.HGET).key(keys.info).add(field));
    byte[] hash = (byte[]) both.get(0);
    byte[] info = (byte[]) both.get(1);
    if (hash == null) {
      return null;
    }
    return PeerRedisCodec.decode(id, hash, info == null || info.length == 0 ? null : info);
  }

  /** The self user (whatever kind of peer the key names; the session checks it is a user). */
  @Nullable PeerInfo self() {
    return lookup("read the self user", keys.self, BY_STRING, null);
  }

  @Nullable PeerInfo byUsername(String username) {
    return lookup("look up a peer by username", keys.usernames, BY_FIELD, bytes(username));
  }

  @Nullable PeerInfo byPhone(String phone) {
    return lookup("look up a user by phone", keys.phones, BY_FIELD, bytes(phone));
  }

  /**
   * Reads a peer with {@code lookup_peer.lua}: by its id ({@code index} null), through a field of
   * an index hash, or through the self user's string key.
   */
  private @Nullable PeerInfo lookup(
      String what, byte @Nullable [] index, byte[] mode, byte @Nullable [] argument) {
    List<byte[]> scriptKeys =
        index == null ? List.of(keys.peers, keys.info) : List.of(keys.peers, keys.info, index);
    List<byte[]> args = argument == null ? List.of(mode) : List.of(mode, argument);
    Object result = calls.read(what, redis -> LOOKUP_PEER.run(redis, scriptKeys, args));
    if (!(result instanceof List<?> parts) || parts.size() != 3) {
      return null;
    }
    PeerId id = PeerRedisCodec.id((byte[]) parts.get(0));
    byte[] info = (byte[]) parts.get(2);
    return PeerRedisCodec.decode(id, (byte[]) parts.get(1), info.length == 0 ? null : info);
  }

  /** When the peer was last cached; {@link Instant#EPOCH} for a peer stored before times were. */
  @Nullable Instant cachedAt(PeerId id) {
    byte[] field = PeerRedisCodec.id(id);
    byte[] stored =
        calls.read("read when peer " + id + " was cached", redis -> redis.hget(keys.peers, field));
    if (stored == null) {
      return null;
    }
    byte[] time = PeerRedisCodec.time(stored);
    if (time == null) { // written by 0.3.0: the time is in the cached hash
      time =
          calls.read(
              "read when peer " + id + " was cached", redis -> redis.hget(keys.cached, field));
    }
    // Stored before times were kept: as old as can be (and pruned first).
    return time == null
        ? Instant.EPOCH
        : StateRedisCodec.instant(state.parseLong(time, "the time peer " + id + " was cached"));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
