package dev.tgsession;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A permanent MTProto authorization key: 256 bytes that let whoever holds them act as the account.
 * Copies go in and out, {@link #equals} runs in constant time, and {@link #toString} shows only the
 * {@linkplain #keyId() key id}, never the bytes.
 */
public final class AuthKey {

  /** The length of every auth key, in bytes. */
  public static final int LENGTH = 256;

  private final byte[] bytes;
  private final long keyId;

  private AuthKey(byte[] bytes) {
    this.bytes = bytes;
    this.keyId = computeKeyId(bytes);
  }

  /**
   * Wraps a copy of {@code bytes}.
   *
   * @throws IllegalArgumentException unless {@code bytes} is exactly 256 bytes long
   */
  public static AuthKey of(byte[] bytes) {
    java.util.Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException(
          "expected an auth key of " + LENGTH + " bytes, found " + bytes.length + " bytes");
    }
    return new AuthKey(bytes.clone());
  }

  /** A copy of the key's bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /**
   * The key's id as MTProto computes it: the low 64 bits of the SHA-1 of the key (its last eight
   * bytes, little-endian). Telegram sends it in the clear with every message, so it is safe to
   * show.
   */
  public long keyId() {
    return keyId;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AuthKey that && MessageDigest.isEqual(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(keyId);
  }

  @Override
  public String toString() {
    return "AuthKey[id=" + Long.toHexString(keyId) + "]";
  }

  private static long computeKeyId(byte[] key) {
    byte[] sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1").digest(key);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java platform has SHA-1", e);
    }
    long id = 0;
    for (int i = sha1.length - 1; i >= sha1.length - 8; i--) {
      id = (id << 8) | (sha1[i] & 0xFF);
    }
    return id;
  }
}
