package dev.tgsession.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.commands.JedisBinaryCommands;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script run with {@code EVALSHA}; when the server does not know it yet (first use, restart,
 * {@code SCRIPT FLUSH}) it is sent once with {@code EVAL}, which also caches it on the server.
 */
final class RedisScript {

  private final String name;
  private final byte[] source;
  private final byte[] sha;

  private RedisScript(String name, byte[] source) {
    this.name = name;
    this.source = source;
    this.sha = sha1Hex(source).getBytes(StandardCharsets.US_ASCII);
  }

  /** Loads {@code name}.lua from this package's resources. */
  static RedisScript load(String name) {
    try (InputStream in = RedisScript.class.getResourceAsStream(name + ".lua")) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + ".lua next to RedisScript");
      }
      return new RedisScript(name, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + name + ".lua", e);
    }
  }

  /**
   * This script behind {@code fence_prelude.lua}: it takes one more key (the lease token counter)
   * and one more argument (the token), last, and refuses to run when they differ.
   */
  RedisScript fenced() {
    RedisScript prelude = load("fence_prelude");
    byte[] both = new byte[prelude.source.length + source.length];
    System.arraycopy(prelude.source, 0, both, 0, prelude.source.length);
    System.arraycopy(source, 0, both, prelude.source.length, source.length);
    return new RedisScript(name + "+fence", both);
  }

  /** Runs the script; the first key routes it on a cluster. */
  Object run(JedisBinaryCommands redis, List<byte[]> keys, List<byte[]> args) {
    try {
      return redis.evalsha(sha, keys, args);
    } catch (JedisNoScriptException e) {
      return redis.eval(source, keys, args);
    }
  }

  @Override
  public String toString() {
    return name + ".lua";
  }

  private static String sha1Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java platform has SHA-1", e);
    }
  }
}
