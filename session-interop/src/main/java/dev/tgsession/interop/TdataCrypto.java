package dev.tgsession.interop;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The cryptography of Telegram Desktop's local storage, with the JDK only: the local key from the
 * passcode (SHA-512, then PBKDF2-HMAC-SHA512 with 100,000 iterations, or 1 without a passcode) and
 * {@code decryptLocal} (AES-256-IGE keyed by MTProto 1.0's key derivation from a 16-byte message
 * key, checked by SHA-1).
 */
final class TdataCrypto {
  static final int LOCAL_KEY_LENGTH = 256;
  static final int PASSCODE_ITERATIONS = 100_000;

  private TdataCrypto() {}

  /** {@code PBKDF2-HMAC-SHA512(SHA-512(salt + passcode + salt), salt, iterations, 256 bytes)}. */
  static byte[] passcodeKey(byte[] salt, byte[] passcode) {
    MessageDigest sha512 = digest("SHA-512");
    sha512.update(salt);
    sha512.update(passcode);
    sha512.update(salt);
    byte[] password = sha512.digest();
    try {
      return pbkdf2(password, salt, passcode.length == 0 ? 1 : PASSCODE_ITERATIONS);
    } finally {
      Arrays.fill(password, (byte) 0);
    }
  }

  /** PBKDF2 with HMAC-SHA512 over a binary password (the JDK's factory takes chars only). */
  static byte[] pbkdf2(byte[] password, byte[] salt, int iterations) {
    try {
      Mac mac = Mac.getInstance("HmacSHA512");
      mac.init(new SecretKeySpec(password, "HmacSHA512"));
      byte[] out = new byte[LOCAL_KEY_LENGTH];
      int blocks = LOCAL_KEY_LENGTH / 64;
      for (int block = 1; block <= blocks; block++) {
        mac.update(salt);
        mac.update(ByteBuffer.allocate(4).putInt(block).array());
        byte[] u = mac.doFinal();
        byte[] t = u.clone();
        for (int i = 1; i < iterations; i++) {
          mac.update(u);
          mac.doFinal(u, 0);
          for (int j = 0; j < t.length; j++) {
            t[j] ^= u[j];
          }
        }
        System.arraycopy(t, 0, out, (block - 1) * 64, 64);
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA512 is part of every JDK", e);
    }
  }

  /**
   * Telegram Desktop's {@code decryptLocal}: the first 16 bytes are the message key, the rest
   * AES-256-IGE ciphertext whose plaintext starts with its own length (4 bytes, little-endian).
   *
   * @return the payload, or {@code null} when the SHA-1 check fails (a wrong key)
   * @throws IllegalArgumentException naming what is malformed when the check passes but the lengths
   *     do not fit, or when the ciphertext has an impossible length
   */
  static byte @Nullable [] decryptLocal(byte[] encrypted, byte[] key) {
    if (encrypted.length < 32 || (encrypted.length - 16) % 16 != 0) {
      throw new IllegalArgumentException(
          "expected an encrypted block of 16 + a multiple of 16 bytes, found "
              + encrypted.length
              + " bytes");
    }
    byte[] messageKey = Arrays.copyOf(encrypted, 16);
    byte[] data = Arrays.copyOfRange(encrypted, 16, encrypted.length);
    byte[] decrypted = igeDecrypt(data, messageKey, key);
    byte[] check = Arrays.copyOf(digest("SHA-1").digest(decrypted), 16);
    if (!MessageDigest.isEqual(check, messageKey)) {
      Arrays.fill(decrypted, (byte) 0);
      return null;
    }
    int length = ByteBuffer.wrap(decrypted).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (length > decrypted.length || length <= data.length - 16 || length < 4) {
      throw new IllegalArgumentException(
          "expected a decrypted length of "
              + Math.max(4, data.length - 15)
              + ".."
              + decrypted.length
              + ", found "
              + length);
    }
    byte[] payload = Arrays.copyOfRange(decrypted, 4, length);
    Arrays.fill(decrypted, (byte) 0);
    return payload;
  }

  /**
   * Telegram Desktop's {@code encryptLocal}: the payload prefixed with its length + 4 (4 bytes,
   * little-endian), padded to a multiple of 16 with {@code padding} bytes, AES-256-IGE encrypted
   * under the key derived from the first 16 bytes of its SHA-1, which lead the result.
   *
   * @param random gives the padding bytes (Telegram Desktop and mtcute pad with random bytes)
   */
  static byte[] encryptLocal(
      byte[] data, byte[] key, java.util.function.IntFunction<byte[]> random) {
    int size = data.length + 4;
    byte[] padding = (size & 15) != 0 ? random.apply(16 - (size & 15)) : new byte[0];
    byte[] plain = new byte[size + padding.length];
    ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN).putInt(size);
    System.arraycopy(data, 0, plain, 4, data.length);
    System.arraycopy(padding, 0, plain, size, padding.length);
    byte[] messageKey = Arrays.copyOf(digest("SHA-1").digest(plain), 16);
    byte[] encrypted = ige(plain, messageKey, key, true);
    Arrays.fill(plain, (byte) 0);
    byte[] out = new byte[16 + encrypted.length];
    System.arraycopy(messageKey, 0, out, 0, 16);
    System.arraycopy(encrypted, 0, out, 16, encrypted.length);
    return out;
  }

  private static byte[] igeDecrypt(byte[] data, byte[] messageKey, byte[] authKey) {
    return ige(data, messageKey, authKey, false);
  }

  /** AES-256-IGE with MTProto 1.0's key and IV from the message key (server side, x = 8). */
  private static byte[] ige(byte[] data, byte[] messageKey, byte[] authKey, boolean encrypt) {
    int x = 8;
    MessageDigest sha1 = digest("SHA-1");
    byte[] a = sha1(sha1, messageKey, Arrays.copyOfRange(authKey, x, x + 32));
    byte[] b =
        sha1(
            sha1,
            Arrays.copyOfRange(authKey, 32 + x, 48 + x),
            messageKey,
            Arrays.copyOfRange(authKey, 48 + x, 64 + x));
    byte[] c = sha1(sha1, Arrays.copyOfRange(authKey, 64 + x, 96 + x), messageKey);
    byte[] d = sha1(sha1, messageKey, Arrays.copyOfRange(authKey, 96 + x, 128 + x));
    byte[] aesKey = new byte[32];
    System.arraycopy(a, 0, aesKey, 0, 8);
    System.arraycopy(b, 8, aesKey, 8, 12);
    System.arraycopy(c, 4, aesKey, 20, 12);
    byte[] iv = new byte[32];
    System.arraycopy(a, 8, iv, 0, 12);
    System.arraycopy(b, 0, iv, 12, 8);
    System.arraycopy(c, 16, iv, 20, 4);
    System.arraycopy(d, 0, iv, 24, 8);
    try {
      Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
      aes.init(
          encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, new SecretKeySpec(aesKey, "AES"));
      // IGE, iv = y_0 || x_0 (previous ciphertext, previous plaintext):
      // encrypt y_i = E(x_i ^ y_{i-1}) ^ x_{i-1}; decrypt x_i = D(y_i ^ x_{i-1}) ^ y_{i-1}
      byte[] previousOut = Arrays.copyOfRange(iv, encrypt ? 0 : 16, encrypt ? 16 : 32);
      byte[] previousIn = Arrays.copyOfRange(iv, encrypt ? 16 : 0, encrypt ? 32 : 16);
      byte[] out = new byte[data.length];
      byte[] block = new byte[16];
      for (int offset = 0; offset < data.length; offset += 16) {
        for (int i = 0; i < 16; i++) {
          block[i] = (byte) (data[offset + i] ^ previousOut[i]);
        }
        byte[] result = aes.doFinal(block);
        for (int i = 0; i < 16; i++) {
          result[i] ^= previousIn[i];
        }
        System.arraycopy(result, 0, out, offset, 16);
        previousIn = Arrays.copyOfRange(data, offset, offset + 16);
        previousOut = result;
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES is part of every JDK", e);
    } finally {
      Arrays.fill(aesKey, (byte) 0);
    }
  }

  static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every JDK", e);
    }
  }

  private static byte[] sha1(MessageDigest sha1, byte[]... parts) {
    for (byte[] part : parts) {
      sha1.update(part);
    }
    return sha1.digest();
  }
}
