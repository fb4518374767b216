package dev.tgsession.spi;

import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.SessionListener.EncryptionEvent;
import dev.tgsession.TempAuthKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Encryption at rest of one session: the key its auth keys and temporary keys are sealed with and
 * the vault holding them, or neither for a plain session. Every method runs under the session's DC
 * lock (the caller takes it); the store operations are the session's.
 */
final class SessionVault {

  private final AbstractSession session;
  private final SessionEvents events;
  private volatile @Nullable Sealed sealed;

  /** The key auth keys are sealed with, and the vault holding them. */
  private record Sealed(EncryptionKey key, KeyVault vault) {}

  SessionVault(AbstractSession session, SessionEvents events) {
    this.session = session;
    this.events = events;
  }

  @Nullable String fingerprint() {
    Sealed current = sealed;
    return current == null ? null : current.key().fingerprint();
  }

  /**
   * Checks the session's encryption against the key given at open (null for none) and, for a plain
   * session opened with a key, encrypts its auth keys and temporary keys in place.
   */
  void open(@Nullable EncryptionKey key, String description, WriteFence fence) {
    byte[] stored = session.loadKeyVault();
    if (stored != null) {
      KeyVault vault = KeyVault.fromBytes(stored, description);
      if (key == null) {
        throw new IncompatibleSessionException(
            "session "
                + description
                + " keeps its auth keys encrypted with key fingerprint "
                + vault.fingerprint()
                + ", and no key was given; open it with encryption-key=env:NAME or"
                + " encryption-key=file:PATH holding that key",
            null);
      }
      if (!vault.opensWith(key)) {
        throw new IncompatibleSessionException(
            "session "
                + description
                + " keeps its auth keys encrypted with key fingerprint "
                + vault.fingerprint()
                + ", but the key given has fingerprint "
                + key.fingerprint()
                + "; give the key it was encrypted with",
            null);
      }
      vault.open(key, description);
      sealed = new Sealed(key, vault);
      events.encryption(EncryptionEvent.OPENED, key.fingerprint());
    } else if (key != null) {
      StoredDcs plain = session.loadDcs();
      KeyVault vault = KeyVault.create(key);
      List<DcOption> withoutKeys = new ArrayList<>();
      for (DcOption option : plain.options().values()) {
        if (option.authKey() != null) {
          vault = vault.with(key, option.id(), option.authKey());
          withoutKeys.add(option.withAuthKey(null));
        }
      }
      // Plain temporary keys go first: a crash after this leaves a plain session without them
      // (a client binds new ones), never a plain copy beside the vault.
      for (Map.Entry<Map.Entry<Integer, Boolean>, TempAuthKey> temp : plainTempKeys().entrySet()) {
        int dcId = temp.getKey().getKey();
        boolean media = temp.getKey().getValue();
        vault = vault.withTemp(key, dcId, media, temp.getValue());
        session.storeExtra(SessionExtras.tempKey(dcId, media), null, fence);
      }
      session.storeKeyVault(withoutKeys, vault.toBytes(), fence);
      sealed = new Sealed(key, vault);
      events.encryption(EncryptionEvent.ENCRYPTED, key.fingerprint());
    }
  }

  /** Writes a DC option through the vault when the session is encrypted; false when plain. */
  boolean storeDcOption(DcOption option, WriteFence fence) {
    Sealed current = sealed;
    if (current == null) {
      return false;
    }
    KeyVault next = current.vault().with(current.key(), option.id(), option.authKey());
    session.storeKeyVault(List.of(option.withAuthKey(null)), next.toBytes(), fence);
    sealed = new Sealed(current.key(), next);
    return true;
  }

  StoredDcs withOpenedKeys(StoredDcs stored) {
    Sealed current = sealed;
    if (current == null) {
      return stored;
    }
    Map<Integer, AuthKey> keys = current.vault().open(current.key(), session.description());
    Map<Integer, DcOption> options = new HashMap<>();
    stored.options().forEach((id, option) -> options.put(id, option.withAuthKey(keys.get(id))));
    return new StoredDcs(stored.homeDcId(), options);
  }

  void storeTempKey(
      int dcId, boolean media, @Nullable TempAuthKey key, WriteFence fence, boolean capable) {
    Sealed current = sealed;
    if (current == null) {
      if (capable && encryptedElsewhere()) {
        throw new IncompatibleSessionException(
            "session "
                + session.description()
                + " was encrypted by another instance since this one opened it; a temporary key"
                + " is not written plain beside the vault. Close this instance and open the"
                + " session again with its encryption-key",
            null);
      }
      session.storeExtra(
          SessionExtras.tempKey(dcId, media), key == null ? null : SessionExtras.temp(key), fence);
      return;
    }
    // Re-read: another instance may have sealed other temporary keys since ours was read.
    KeyVault stored = storedVault(current);
    KeyVault next = stored.withTemp(current.key(), dcId, media, key);
    session.storeKeyVault(List.of(), next.toBytes(), fence);
    sealed = new Sealed(current.key(), next);
  }

  @Nullable TempAuthKey loadTempKey(int dcId, boolean media) {
    Sealed current = sealed;
    if (current == null) {
      String name = SessionExtras.tempKey(dcId, media);
      return SessionExtras.temp(session.loadExtra(name), name, session.description());
    }
    return storedVault(current).openTemp(current.key(), dcId, media, session.description());
  }

  /** The unexpired temporary keys of the main or ({@code media}) media connections, by DC id. */
  Map<Integer, TempAuthKey> unexpiredTempKeys(boolean media) {
    Map<Integer, TempAuthKey> keys = new TreeMap<>();
    Instant now = Instant.now();
    loadTempKeys()
        .forEach(
            (slot, key) -> {
              if (slot.getValue() == media && !key.expiredAt(now)) {
                keys.put(slot.getKey(), key);
              }
            });
    return keys;
  }

  Map<Map.Entry<Integer, Boolean>, TempAuthKey> loadTempKeys() {
    Sealed current = sealed;
    if (current == null) {
      return plainTempKeys();
    }
    return storedVault(current).openTempKeys(current.key(), session.description());
  }

  private Map<Map.Entry<Integer, Boolean>, TempAuthKey> plainTempKeys() {
    Map<String, byte[]> extras;
    try {
      extras = session.loadExtras();
    } catch (UnsupportedOperationException e) {
      return Map.of();
    }
    Map<Map.Entry<Integer, Boolean>, TempAuthKey> keys = new LinkedHashMap<>();
    extras.forEach(
        (name, value) -> {
          if (SessionExtras.isTempKey(name)) {
            String[] parts = name.split(":");
            TempAuthKey key = SessionExtras.temp(value, name, session.description());
            if (key != null && parts.length == 3) {
              keys.put(Map.entry(Integer.parseInt(parts[1]), "media".equals(parts[2])), key);
            }
          }
        });
    return keys;
  }

  private KeyVault storedVault(Sealed current) {
    byte[] bytes = session.loadKeyVault();
    if (bytes == null) {
      throw new IncompatibleSessionException(
          "session "
              + session.description()
              + " was decrypted or cleared by another instance since this one opened it with key "
              + current.key().fingerprint()
              + "; close this instance and open the session again",
          null);
    }
    KeyVault stored = KeyVault.fromBytes(bytes, session.description());
    if (!stored.opensWith(current.key())) {
      throw new IncompatibleSessionException(
          "session "
              + session.description()
              + " was rekeyed by another instance to key "
              + stored.fingerprint()
              + "; close this instance and open the session again with that key",
          null);
    }
    return stored;
  }

  /**
   * Re-encrypts every auth key and temporary key with another key, or stores them plain again
   * ({@code newKey} null), as one write of the vault.
   */
  void rekey(Map<Integer, DcOption> served, @Nullable EncryptionKey newKey, WriteFence fence) {
    List<DcOption> options = new ArrayList<>();
    for (DcOption stored : session.loadDcs().options().values()) {
      options.add(served.getOrDefault(stored.id(), stored));
    }
    Map<Map.Entry<Integer, Boolean>, TempAuthKey> temps = loadTempKeys();
    String before = fingerprint();
    if (newKey == null) {
      session.storeKeyVault(options, null, fence);
      sealed = null;
      // the vault is gone; temporary keys go back to plain extras
      temps.forEach(
          (slot, key) ->
              session.storeExtra(
                  SessionExtras.tempKey(slot.getKey(), slot.getValue()),
                  SessionExtras.temp(key),
                  fence));
      if (before != null) {
        events.encryption(EncryptionEvent.DECRYPTED, null);
      }
      return;
    }
    KeyVault vault = KeyVault.create(newKey);
    List<DcOption> withoutKeys = new ArrayList<>();
    for (DcOption option : options) {
      if (option.authKey() != null) {
        vault = vault.with(newKey, option.id(), option.authKey());
      }
      withoutKeys.add(option.withAuthKey(null));
    }
    for (Map.Entry<Map.Entry<Integer, Boolean>, TempAuthKey> temp : temps.entrySet()) {
      vault =
          vault.withTemp(newKey, temp.getKey().getKey(), temp.getKey().getValue(), temp.getValue());
      if (before == null) {
        session.storeExtra(
            SessionExtras.tempKey(temp.getKey().getKey(), temp.getKey().getValue()), null, fence);
      }
    }
    session.storeKeyVault(withoutKeys, vault.toBytes(), fence);
    sealed = new Sealed(newKey, vault);
    events.encryption(
        before == null ? EncryptionEvent.ENCRYPTED : EncryptionEvent.REKEYED, newKey.fingerprint());
  }

  /** Writes {@code data} whole through the session's replaceStore, sealed when encrypted. */
  void replace(dev.tgsession.SessionData data, java.time.Instant now, WriteFence fence) {
    Sealed current = sealed;
    if (current == null) {
      if (encryptedElsewhere()) {
        throw new IncompatibleSessionException(
            "session "
                + session.description()
                + " was encrypted by another instance since this one opened it; nothing is"
                + " written plain beside the vault. Open the session again with its encryption-key",
            null);
      }
      session.replaceStore(data, null, now, fence);
      return;
    }
    KeyVault next = KeyVault.create(current.key());
    Map<Integer, DcOption> withoutKeys = new java.util.TreeMap<>();
    for (DcOption option : data.dcOptions().values()) {
      if (option.authKey() != null) {
        next = next.with(current.key(), option.id(), option.authKey());
      }
      withoutKeys.put(option.id(), option.withAuthKey(null));
    }
    for (Map.Entry<Integer, TempAuthKey> temp : data.tempAuthKeys().entrySet()) {
      next = next.withTemp(current.key(), temp.getKey(), false, temp.getValue());
    }
    for (Map.Entry<Integer, TempAuthKey> temp : data.mediaTempAuthKeys().entrySet()) {
      next = next.withTemp(current.key(), temp.getKey(), true, temp.getValue());
    }
    dev.tgsession.SessionData stripped =
        new dev.tgsession.SessionData(
            data.homeDcId(),
            withoutKeys,
            data.peers(),
            data.updatesState(),
            data.mediaDcOptions(),
            Map.of(),
            Map.of(),
            data.homeDcFamily());
    session.replaceStore(stripped, next.toBytes(), now, fence);
    sealed = new Sealed(current.key(), next);
  }

  private boolean encryptedElsewhere() {
    try {
      return session.loadKeyVault() != null;
    } catch (UnsupportedOperationException e) {
      return false;
    }
  }

  /** After clear(): a session opened with a key stays encrypted, marked by an empty vault. */
  void cleared(WriteFence fence) {
    Sealed current = sealed;
    if (current != null) {
      KeyVault empty = KeyVault.create(current.key());
      session.storeKeyVault(List.of(), empty.toBytes(), fence);
      sealed = new Sealed(current.key(), empty);
    }
  }
}
