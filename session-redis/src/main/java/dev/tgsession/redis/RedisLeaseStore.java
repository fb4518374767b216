package dev.tgsession.redis;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.SessionLease;
import dev.tgsession.spi.LeaseStore;
import dev.tgsession.spi.SessionFailures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The lease in two keys of the session's slot: {@code lease} holds {@code "token owner"} and
 * expires with the lease ({@code PX}); {@code lease-token} counts the tokens ever issued and
 * outlives {@code clear()} (deleted only with the whole session), so a token is not reused while
 * the session exists, and every fenced write compares with it.
 */
final class RedisLeaseStore implements LeaseStore {

  private static final RedisScript LEASE_ACQUIRE = RedisScript.load("lease_acquire");
  private static final RedisScript LEASE_RENEW = RedisScript.load("lease_renew");
  private static final RedisScript LEASE_RELEASE = RedisScript.load("lease_release");

  private final RedisCalls calls;
  private final RedisKeys keys;
  private final String description;

  RedisLeaseStore(RedisCalls calls, RedisKeys keys, String description) {
    this.calls = calls;
    this.keys = keys;
    this.description = description;
  }

  @Override
  public SessionLease acquire(String owner, Duration length) {
    long millis = length.toMillis();
    Object reply =
        calls.write(
            "take the lease",
            redis ->
                LEASE_ACQUIRE.run(
                    redis,
                    List.of(keys.lease, keys.leaseToken),
                    List.of(bytes(owner), number(millis))));
    List<?> parts = (List<?>) reply;
    long token = (Long) parts.get(0);
    if (token == 0) {
      throw SessionFailures.leased(
          description, holder(keys, description, (byte[]) parts.get(1), (Long) parts.get(2)));
    }
    return new SessionLease(owner, token, Instant.now().plusMillis(millis));
  }

  @Override
  public SessionLease renew(SessionLease lease, Duration length) {
    long millis = length.toMillis();
    Object renewed =
        calls.write(
            "renew the lease",
            redis ->
                LEASE_RENEW.run(
                    redis,
                    List.of(keys.lease, keys.leaseToken),
                    List.of(number(lease.token()), bytes(lease.owner()), number(millis))));
    if (!Long.valueOf(1).equals(renewed)) {
      throw SessionFailures.leaseLost(description, lease);
    }
    return new SessionLease(lease.owner(), lease.token(), Instant.now().plusMillis(millis));
  }

  @Override
  public void release(SessionLease lease) {
    calls.write(
        "release the lease",
        redis -> LEASE_RELEASE.run(redis, List.of(keys.lease), List.of(number(lease.token()))));
  }

  @Override
  public Optional<SessionLease> current() {
    List<Object> reply =
        calls.read(
            "read the lease",
            redis -> {
              byte[] held = redis.get(keys.lease);
              return held == null ? null : List.of(held, redis.pttl(keys.lease));
            });
    if (reply == null || (Long) reply.get(1) <= 0) {
      return Optional.empty();
    }
    return Optional.of(holder(keys, description, (byte[]) reply.get(0), (Long) reply.get(1)));
  }

  /** The lease a {@code "token owner"} value with {@code remainingMillis} left stands for. */
  static SessionLease holder(
      RedisKeys keys, String description, byte[] held, long remainingMillis) {
    String value = string(held);
    int space = value.indexOf(' ');
    if (space < 1) {
      throw new IncompatibleSessionException(
          "expected 'token owner' in the lease key under "
              + keys.tag()
              + " of "
              + description
              + ", found '"
              + value
              + "'");
    }
    return new SessionLease(
        value.substring(space + 1),
        token(value.substring(0, space), keys, description),
        Instant.now().plusMillis(Math.max(0, remainingMillis)));
  }

  private static long token(String text, RedisKeys keys, String description) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IncompatibleSessionException(
          "expected a decimal lease token under "
              + keys.tag()
              + " of "
              + description
              + ", found '"
              + text
              + "'",
          e);
    }
  }

  private static byte[] number(long value) {
    return bytes(Long.toString(value));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
