package dev.tgsession;

import java.time.Instant;
import java.util.Objects;

/**
 * A temporary auth key (perfect forward secrecy): bound to a datacenter's permanent key with {@code
 * auth.bindTempAuthKey} and valid until {@code expiresAt}.
 *
 * <p>{@link Session#tempAuthKey} answers empty once {@code expiresAt} has passed by the JVM's
 * clock; {@link Session#setTempAuthKey} refuses a key whose expiry has already passed. {@link
 * #toString()} never shows key bytes.
 *
 * @param key the 256-byte key
 * @param expiresAt when Telegram stops accepting it
 * @since 0.3.0
 */
public record TempAuthKey(AuthKey key, Instant expiresAt) {

  public TempAuthKey {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** Whether the key has expired at {@code now}. */
  public boolean expiredAt(Instant now) {
    return !expiresAt.isAfter(now);
  }

  @Override
  public String toString() {
    return "TempAuthKey[keyId=" + Long.toHexString(key.keyId()) + ", expiresAt=" + expiresAt + "]";
  }
}
