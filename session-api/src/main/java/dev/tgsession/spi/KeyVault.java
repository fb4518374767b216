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
import org.jspecify.annotations.Nullable;

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
  // Version 2 adds entries for temporary keys; a vault without them is still written as 1.
  private static final int VERSION_WITH_TEMP_KEYS = 2;
  private static final int TEMP_MAIN = 0x1000_0000;
  private static final int TEMP_MEDIA = 0x2000_0000;
  private static final int SLOT_KIND = 0x3000_0000;

  /** The largest DC id a temporary key can be stored for (the slot's kind takes the top bits). */
  static final int MAX_TEMP_DC_ID = TEMP_MAIN - 1;

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
  KeyVault with(EncryptionKey key, int dcId, @Nullable AuthKey authKey) {
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
          if ((dcId & SLOT_KIND) != 0) {
            return;
          }
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

  /** This vault with a temporary key sealed anew (its expiry inside the seal), or removed. */
  KeyVault withTemp(
      EncryptionKey key, int dcId, boolean media, dev.tgsession.@Nullable TempAuthKey tempKey) {
    int slot = (media ? TEMP_MEDIA : TEMP_MAIN) | dcId;
    Map<Integer, byte[]> copy = new TreeMap<>(sealed);
    if (tempKey == null) {
      copy.remove(slot);
    } else {
      byte[] plain =
          ByteBuffer.allocate(8 + AuthKey.LENGTH)
              .putLong(tempKey.expiresAt().getEpochSecond())
              .put(tempKey.key().bytes())
              .array();
      copy.put(slot, sealBytes(key, slot, plain));
      java.util.Arrays.fill(plain, (byte) 0);
    }
    return new KeyVault(id, fingerprint, check, copy);
  }

  /** The temporary key of one DC connection, opened; null when none is sealed here. */
  dev.tgsession.@Nullable TempAuthKey openTemp(
      EncryptionKey key, int dcId, boolean media, String description) {
    int slot = (media ? TEMP_MEDIA : TEMP_MAIN) | dcId;
    byte[] entry = sealed.get(slot);
    if (entry == null) {
      return null;
    }
    byte[] plain = unseal(key, slot, entry, description);
    ByteBuffer in = ByteBuffer.wrap(plain);
    java.time.Instant expiresAt = java.time.Instant.ofEpochSecond(in.getLong());
    byte[] keyBytes = new byte[AuthKey.LENGTH];
    in.get(keyBytes);
    java.util.Arrays.fill(plain, (byte) 0);
    return new dev.tgsession.TempAuthKey(AuthKey.of(keyBytes), expiresAt);
  }

  /** Every temporary key sealed here, opened: (dc id, media) pairs to keys. */
  Map<java.util.Map.Entry<Integer, Boolean>, dev.tgsession.TempAuthKey> openTempKeys(
      EncryptionKey key, String description) {
    Map<java.util.Map.Entry<Integer, Boolean>, dev.tgsession.TempAuthKey> keys =
        new java.util.LinkedHashMap<>();
    for (int slot : sealed.keySet()) {
      int kind = slot & SLOT_KIND;
      if (kind != 0) {
        int dcId = slot & ~SLOT_KIND;
        boolean media = kind == TEMP_MEDIA;
        dev.tgsession.TempAuthKey opened = openTemp(key, dcId, media, description);
        if (opened != null) {
          keys.put(Map.entry(dcId, media), opened);
        }
      }
    }
    return keys;
  }

  private byte[] unseal(EncryptionKey key, int slot, byte[] entry, String description) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key.bytes(), "AES"),
          new GCMParameterSpec(128, entry, 0, NONCE_LENGTH));
      cipher.updateAAD(associatedData(slot));
      return cipher.doFinal(entry, NONCE_LENGTH, entry.length - NONCE_LENGTH);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IncompatibleSessionException(
          "session "
              + description
              + " holds an encrypted temporary key for DC "
              + (slot & ~SLOT_KIND)
              + " that does not decrypt with key "
              + key.fingerprint()
              + " (damaged, or moved from another session or DC)",
          null);
    }
  }

  byte[] toBytes() {
    int size = MAGIC.length + 1 + ID_LENGTH + 4 + 32 + 2;
    for (byte[] entry : sealed.values()) {
      size += 4 + 2 + entry.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    boolean temp = sealed.keySet().stream().anyMatch(slot -> (slot & SLOT_KIND) != 0);
    out.put(MAGIC)
        .put((byte) (temp ? VERSION_WITH_TEMP_KEYS : VERSION))
        .put(id)
        .put(HexFormat.of().parseHex(fingerprint))
        .put(check);
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
      if (version != VERSION && version != VERSION_WITH_TEMP_KEYS) {
        throw new IncompatibleSessionException(
            "session "
                + description
                + " keeps its auth keys in a key vault of version "
                + version
                + "; this tgsession reads versions "
                + VERSION
                + " and "
                + VERSION_WITH_TEMP_KEYS
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
        int plain = (dcId & SLOT_KIND) == 0 ? AuthKey.LENGTH : 8 + AuthKey.LENGTH;
        if (length != NONCE_LENGTH + plain + 16) {
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
    return sealBytes(key, dcId, authKey.bytes());
  }

  private byte[] sealBytes(EncryptionKey key, int dcId, byte[] plain) {
    try {
      byte[] nonce = new byte[NONCE_LENGTH];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(key.bytes(), "AES"),
          new GCMParameterSpec(128, nonce));
      cipher.updateAAD(associatedData(dcId));
      byte[] ciphertext = cipher.doFinal(plain);
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
