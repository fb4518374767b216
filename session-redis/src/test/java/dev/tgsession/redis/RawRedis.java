package dev.tgsession.redis;

import dev.tgsession.spi.SessionUri;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The raw values of every key of a session, read with plain Jedis, for the scans that look for auth
 * keys in the store. The key layout is known ({@link RedisKeys}): no {@code KEYS} or {@code SCAN}.
 * Hashes are read field and value ({@code HGETALL}), strings with {@code GET}: exactly the bytes
 * the server keeps (a {@code DUMP} may be LZF-compressed and hide what it holds).
 */
final class RawRedis {

  private RawRedis() {}

  /** A client for a {@code redis://} URI (password and database included). */
  static UnifiedJedis standalone(String uri) {
    return RedisClient.create(URI.create(uri.replaceFirst("\\?.*$", "")));
  }

  /** A client for a {@code redis-cluster://} URI without password. */
  static UnifiedJedis cluster(String uri) {
    Set<HostAndPort> nodes = new LinkedHashSet<>();
    for (SessionUri.Host host : SessionUri.parse(uri).hosts()) {
      nodes.add(new HostAndPort(host.host(), host.port()));
    }
    return RedisClusterClient.create(nodes);
  }

  /** Every key of session {@code name} under prefix {@code tgsession}: names and values, raw. */
  static List<byte[]> values(UnifiedJedis redis, String name) {
    RedisKeys keys = new RedisKeys("tgsession", name);
    List<byte[]> all = new ArrayList<>(keys.all());
    all.add(keys.lease);
    all.add(keys.leaseToken);
    List<byte[]> raw = new ArrayList<>();
    for (byte[] key : all) {
      String type = redis.type(key);
      switch (type) {
        case "none" -> {}
        case "hash" -> {
          for (Map.Entry<byte[], byte[]> entry : redis.hgetAll(key).entrySet()) {
            raw.add(entry.getKey());
            raw.add(entry.getValue());
          }
        }
        case "string" -> raw.add(redis.get(key));
        default ->
            throw new AssertionError(
                "expected a hash or a string at "
                    + new String(key, StandardCharsets.UTF_8)
                    + ", found a "
                    + type);
      }
    }
    return raw;
  }
}
