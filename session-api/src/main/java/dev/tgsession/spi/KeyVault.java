package dev.tgsession.spi;

import dev.tgsession.AuthKey;
import dev.tgsession.IncompatibleSessionException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The auth keys of one session, sealed with AES-256-GCM: one random 96-bit nonce per key and write,
 * the vault's random id and the DC id as associated data (a ciphertext cannot be moved to another
 * DC or session), and a key check value so a wrong key is known before anything is written.
 *
 * <pre>
 * "TGSK" u8 version=1 | vault id (16) | fingerprint (4) | check = HMAC-SHA256(key, "tgsession key check" || id) (32)
 * u16 count | count x ( i32 dc id | nonce (12) | u16 length | ciphertext with tag )
 * </pre>
 */
final class KeyVault {

  private static final byte[] MAGIC = "TGSK".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final int ID_LENGTH = 16;
  private static final int NONCE_LENGTH = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] id;
  private final String fingerprint;
  private final byte[] check;
  private final Map<Integer, byte[]> sealed;

  private KeyVault(byte[] id, String fingerprint, byte[] check, Map<Integer, byte[]> sealed) {
    this.id = id;
    this.fingerprint = fingerprint;
    this.check = check;
    this.sealed = sealed;
  }

  /** A new, empty vault for this key. */
  static KeyVault create(EncryptionKey key) {
    byte[] id = new byte[ID_LENGTH];
    RANDOM.nextBytes(id);
    return new KeyVault(id, key.fingerprint(), check(key, id), new TreeMap<>());
  }

  /** The fingerprint of the key that sealed this vault. */
  String fingerprint() {
    return fingerprint;
  }

  /** Whether {@code key} is the key this vault was sealed with. */
  boolean opensWith(EncryptionKey key) {
    return MessageDigest.isEqual(check, check(key, id));
  }

  /** This vault with the key of one DC sealed anew (a fresh nonce), or removed when null. */
  KeyVault with(EncryptionKey key, int dcId, @org.jspecify.annotations.Nullable AuthKey authKey) {
    Map<Integer, byte[]> copy = new TreeMap<>(sealed);
    if (authKey == null) {
      copy.remove(dcId);
    } else {
      copy.put(dcId, seal(key, dcId, authKey));
    }
    return new KeyVault(id, fingerprint, check, copy);
  }

  /** Every sealed auth key, opened. */
  Map<Integer, AuthKey> open(EncryptionKey key, String description) {
    Map<Integer, AuthKey> keys = new TreeMap<>();
    sealed.forEach(
        (dcId, entry) -> {
          try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                Cipher.DECRYPT_MODE,
                new SecretKeySpec(key.bytes(), "AES"),
                new GCMParameterSpec(128, entry, 0, NONCE_LENGTH));
            cipher.updateAAD(associatedData(dcId));
            keys.put(
                dcId, AuthKey.of(cipher.doFinal(entry, NONCE_LENGTH, entry.length - NONCE_LENGTH)));
          } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IncompatibleSessionException(
                "session "
                    + description
                    + " holds an encrypted auth key for DC "
                    + dcId
                    + " that does not decrypt with key "
                    + key.fingerprint()
                    + " (damaged, or moved from another session or DC)",
                null);
          }
        });
    return keys;
  }

  byte[] toBytes() {
    int size = MAGIC.length + 1 + ID_LENGTH + 4 + 32 + 2;
    for (byte[] entry : sealed.values()) {
      size += 4 + 2 + entry.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(MAGIC).put((byte) VERSION).put(id).put(HexFormat.of().parseHex(fingerprint)).put(check);
    out.putShort((short) sealed.size());
    sealed.forEach(
        (dcId, entry) -> {
          out.putInt(dcId);
          out.putShort((short) entry.length);
          out.put(entry);
        });
    return out.array();
  }

  /**
   * Reads a stored vault.
   *
   * @throws IncompatibleSessionException when it is damaged or of a newer version
   */
  static KeyVault fromBytes(byte[] bytes, String description) {
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      byte[] magic = new byte[MAGIC.length];
      in.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw damaged(description, "it does not start with TGSK");
      }
      int version = in.get() & 0xff;
      if (version != VERSION) {
        throw new IncompatibleSessionException(
            "session "
                + description
                + " keeps its auth keys in a key vault of version "
                + version
                + "; this tgsession reads version "
                + VERSION
                + ": upgrade tgsession",
            null);
      }
      byte[] id = new byte[ID_LENGTH];
      in.get(id);
      byte[] fingerprint = new byte[4];
      in.get(fingerprint);
      byte[] check = new byte[32];
      in.get(check);
      int count = in.getShort() & 0xffff;
      Map<Integer, byte[]> sealed = new TreeMap<>();
      for (int i = 0; i < count; i++) {
        int dcId = in.getInt();
        int length = in.getShort() & 0xffff;
        if (length != NONCE_LENGTH + AuthKey.LENGTH + 16) {
          throw damaged(description, "DC " + dcId + "'s entry has " + length + " bytes");
        }
        byte[] entry = new byte[length];
        in.get(entry);
        sealed.put(dcId, entry);
      }
      if (in.hasRemaining()) {
        throw damaged(description, in.remaining() + " bytes follow its last entry");
      }
      return new KeyVault(id, HexFormat.of().formatHex(fingerprint), check, sealed);
    } catch (java.nio.BufferUnderflowException e) {
      throw damaged(description, "it ends early (" + bytes.length + " bytes)");
    }
  }

  private static IncompatibleSessionException damaged(String description, String why) {
    return new IncompatibleSessionException(
        "session " + description + " holds a damaged key vault: " + why, null);
  }

  private byte[] seal(EncryptionKey key, int dcId, AuthKey authKey) {
    try {
      byte[] nonce = new byte[NONCE_LENGTH];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(key.bytes(), "AES"),
          new GCMParameterSpec(128, nonce));
      cipher.updateAAD(associatedData(dcId));
      byte[] ciphertext = cipher.doFinal(authKey.bytes());
      byte[] entry = Arrays.copyOf(nonce, NONCE_LENGTH + ciphertext.length);
      System.arraycopy(ciphertext, 0, entry, NONCE_LENGTH, ciphertext.length);
      return entry;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's AES-GCM failed", e);
    }
  }

  private byte[] associatedData(int dcId) {
    return ByteBuffer.allocate(ID_LENGTH + 4).put(id).putInt(dcId).array();
  }

  private static byte[] check(EncryptionKey key, byte[] id) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.bytes(), "HmacSHA256"));
      mac.update("tgsession key check".getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(id);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's HMAC-SHA256 failed", e);
    }
  }
}
