package dev.tgsession.spi;

import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The part of a {@link Session} every backend shares, so a backend is only its store's native
 * operations (the {@code protected abstract} methods).
 *
 * <p>This class checks arguments and the closed state, normalises usernames and phone numbers
 * before lookups, reduces batches with {@link PeerBatch}, loads the home DC and DC options once and
 * serves them from memory (writing through), and turns {@link #snapshot()} into calls of the store
 * operations. The store operations are never called after {@link #close()} and never with {@link
 * PeerId#selfUser()} or an unnormalised username.
 *
 * <p>A store operation that fails throws {@link dev.tgsession.SessionStorageException} (or {@link
 * dev.tgsession.IncompatibleSessionException} for data it cannot read); when a write fails, the
 * in-memory DC options are left as they were.
 */
public abstract class AbstractSession implements Session {

  private final String description;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final java.util.concurrent.locks.ReentrantLock dcLock =
      new java.util.concurrent.locks.ReentrantLock();
  private volatile @Nullable DcCache dcs;
  private final PeerCache peerCache;
  // Bumped when a peer write ends (under cacheLock, with the invalidation) and when another
  // instance's change is seen: a load that overlapped either is not cached (versioned put).
  private final Object cacheLock = new Object();
  // Written under cacheLock; read without it before a load (a volatile read is enough there).
  private volatile long cacheVersion;
  private final LeaseHolder lease = new LeaseHolder();
  private volatile @Nullable Encryption encryption;

  /** The key auth keys are sealed with, and the vault holding them. */
  private record Encryption(EncryptionKey key, KeyVault vault) {}

  /**
   * Creates the shared part, without a peer cache.
   *
   * @param description how messages name this session: a redacted URI ({@link
   *     SessionUri#toString()}), never one with a password
   */
  protected AbstractSession(String description) {
    this(description, PeerCache.none());
  }

  /**
   * Creates the shared part with a peer cache in front of {@link #loadPeer}.
   *
   * @param description how messages name this session: a redacted URI, never one with a password
   * @param peerCache the cache of peers read by id; this session keeps it coherent with its own
   *     writes
   */
  protected AbstractSession(String description, PeerCache peerCache) {
    this.description = Objects.requireNonNull(description, "description");
    this.peerCache = Objects.requireNonNull(peerCache, "peerCache");
  }

  // ---- store operations -------------------------------------------------------------------

  /** Reads the stored home DC and DC options (called once, before the first DC getter). */
  protected abstract StoredDcs loadDcs();

  /** Writes the home DC. */
  protected abstract void storeHomeDcId(int dcId);

  /** Writes (inserts or replaces) one DC option, auth key included. */
  protected abstract void storeDcOption(DcOption option);

  /** Reads one peer; never called with {@link PeerId#selfUser()}. */
  protected abstract @Nullable PeerInfo loadPeer(PeerId id);

  /** Reads the user stored with {@code self = TRUE}. */
  protected abstract PeerInfo.@Nullable User loadSelfUser();

  /** Reads the peer owning a username, given lower-case without {@code @}. */
  protected abstract @Nullable PeerInfo loadPeerByUsername(String username);

  /** Reads the user owning a phone number, given as digits. */
  protected abstract @Nullable PeerInfo loadPeerByPhone(String phone);

  /**
   * Writes a batch reduced by {@link PeerBatch#reduce}: one record per peer, no username, phone or
   * self flag claimed twice, so the records may be applied in any order. For each record the store
   * merges it into what it holds ({@link PeerMerge}: null keeps, non-null replaces) and enforces
   * its claims against every other stored peer (see {@link PeerBatch}); as one unit where the store
   * can.
   */
  protected abstract void storePeers(List<PeerInfo> reducedBatch);

  /** Reads the updates state. */
  protected abstract UpdatesState loadUpdatesState();

  /** Applies one change to the stored updates state, as {@link UpdateState} describes. */
  protected abstract void storeUpdateState(UpdateState update);

  /** Streams every stored peer; the caller closes the stream. */
  protected abstract Stream<PeerInfo> streamPeers();

  /** Counts the stored peers. */
  protected abstract long countPeers();

  /** Deletes everything this session stored, and nothing else. */
  protected abstract void clearStore();

  /** Releases the store's resources; called once. */
  protected abstract void closeStore();

  // ---- Session ----------------------------------------------------------------------------

  @Override
  public final int homeDcId() {
    return dcCache().homeDcId;
  }

  @Override
  public final void setHomeDcId(int dcId) {
    if (dcId <= 0) {
      throw new IllegalArgumentException("expected a positive DC id, found " + dcId);
    }
    dcLock.lock();
    try {
      DcCache current = dcCache();
      lease.checkWritable(description);
      storeHomeDcId(dcId);
      dcs = new DcCache(dcId, current.options);

    } finally {
      dcLock.unlock();
    }
  }

  @Override
  public final Optional<DcOption> dcOption(int dcId) {
    return dcCache().options.getOrDefault(dcId, Optional.empty());
  }

  @Override
  public final Map<Integer, DcOption> dcOptions() {
    return dcCache().asMap();
  }

  @Override
  public final void setDcOption(DcOption option) {
    Objects.requireNonNull(option, "option");
    dcLock.lock();
    try {
      DcCache current = dcCache();
      lease.checkWritable(description);
      Encryption sealed = encryption;
      if (sealed == null) {
        storeDcOption(option);
      } else {
        KeyVault next = sealed.vault().with(sealed.key(), option.id(), option.authKey());
        storeKeyVault(List.of(option.withAuthKey(null)), next.toBytes());
        encryption = new Encryption(sealed.key(), next);
      }
      Map<Integer, Optional<DcOption>> options = new HashMap<>(current.options);
      options.put(option.id(), Optional.of(option));
      dcs = new DcCache(current.homeDcId, options);

    } finally {
      dcLock.unlock();
    }
  }

  @Override
  public final Optional<PeerInfo> peer(PeerId id) {
    Objects.requireNonNull(id, "id");
    ensureOpen();
    if (id.equals(PeerId.selfUser())) {
      return Optional.ofNullable(loadSelfUser());
    }
    PeerInfo cached = peerCache.get(id);
    if (cached != null) {
      if (cachedPeersCurrent()) {
        return Optional.of(cached);
      }
      peersChangedElsewhere();
    }
    long version = cacheVersion;
    PeerInfo loaded = loadPeer(id);
    if (loaded != null) {
      synchronized (cacheLock) {
        // Only if no write ended and no foreign change was seen while loading: else the loaded
        // copy may predate it, and the invalidation it brought has already run.
        if (cacheVersion == version) {
          peerCache.put(loaded);
        }
      }
    }
    return Optional.ofNullable(loaded);
  }

  @Override
  public final void cachePeer(PeerInfo peer) {
    Objects.requireNonNull(peer, "peer");
    ensureOpen();
    write(List.of(peer));
  }

  @Override
  public final void cachePeers(Collection<? extends PeerInfo> peers) {
    Objects.requireNonNull(peers, "peers");
    ensureOpen();
    List<PeerInfo> reduced = PeerBatch.reduce(peers);
    if (!reduced.isEmpty()) {
      write(reduced);
    }
  }

  private void write(List<PeerInfo> reduced) {
    lease.checkWritable(description);
    try {
      storePeers(reduced);
    } finally {
      synchronized (cacheLock) {
        cacheVersion++;
        peerCache.written(reduced);
      }
    }
  }

  @Override
  public final Optional<PeerInfo> peerByUsername(String username) {
    String normalized = PeerInfo.normalizeUsername(username);
    ensureOpen();
    return Optional.ofNullable(loadPeerByUsername(normalized));
  }

  @Override
  public final Optional<PeerInfo> peerByPhone(String phone) {
    String normalized = PeerInfo.normalizePhone(phone);
    ensureOpen();
    return Optional.ofNullable(loadPeerByPhone(normalized));
  }

  @Override
  public final UpdatesState updatesState() {
    ensureOpen();
    return loadUpdatesState();
  }

  @Override
  public final void setUpdateState(UpdateState update) {
    Objects.requireNonNull(update, "update");
    ensureOpen();
    lease.checkWritable(description);
    storeUpdateState(update);
  }

  @Override
  public final Stream<PeerInfo> peers() {
    ensureOpen();
    return streamPeers();
  }

  @Override
  public final long peerCount() {
    ensureOpen();
    return countPeers();
  }

  @Override
  public SessionData snapshot() {
    DcCache dc = dcCache();
    Map<PeerId, PeerInfo> peers = new LinkedHashMap<>();
    try (Stream<PeerInfo> stream = streamPeers()) {
      stream.forEach(peer -> peers.put(peer.peerId(), peer));
    }
    return new SessionData(dc.homeDcId, dc.asMap(), peers, loadUpdatesState());
  }

  @Override
  public final void clear() {
    dcLock.lock();
    try {
      ensureOpen();
      lease.checkWritable(description);
      try {
        clearStore();
      } finally {
        synchronized (cacheLock) {
          cacheVersion++;
          peerCache.clear();
        }
      }
      dcs = null;
      Encryption sealed = encryption;
      if (sealed != null) {
        // A session opened with a key stays encrypted: an empty vault marks it so.
        KeyVault empty = KeyVault.create(sealed.key());
        storeKeyVault(List.of(), empty.toBytes());
        encryption = new Encryption(sealed.key(), empty);
      }

    } finally {
      dcLock.unlock();
    }
  }

  @Override
  public final void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        lease.release();
      } finally {
        peerCache.clear();
        closeStore();
      }
    }
  }

  // ---- leases (Capability.LEASE) -------------------------------------------------------------

  /**
   * The store's lease operations, for a backend that declares {@link Capability#LEASE}; null (the
   * default) for one that does not.
   */
  protected @Nullable LeaseStore leaseStore() {
    return null;
  }

  /**
   * Takes the lease and renews it in the background until {@link #close()}. Called by {@link
   * dev.tgsession.Sessions#open} for a URI with {@code lease=}; not for application code.
   *
   * @throws dev.tgsession.SessionLeasedException when another owner holds it
   * @throws IllegalStateException when this session already holds a lease or is closed
   * @throws UnsupportedOperationException when the backend has no {@link #leaseStore()}
   */
  public final void acquireLease(String owner, java.time.Duration length) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(length, "length");
    ensureOpen();
    LeaseStore store = leaseStore();
    if (store == null) {
      throw new UnsupportedOperationException(
          getClass().getSimpleName() + " does not support leases (capability LEASE)");
    }
    lease.acquire(store, owner, length, description);
  }

  @Override
  public final Optional<dev.tgsession.SessionLease> lease() {
    return lease.current();
  }

  /**
   * The unexpired lease held on this session now, by anyone (for {@code tgsession info}); empty
   * when none is held or the backend has no leases.
   */
  public final Optional<dev.tgsession.SessionLease> currentLease() {
    ensureOpen();
    LeaseStore store = leaseStore();
    return store == null ? Optional.empty() : store.current();
  }

  /**
   * The lease a write must be fenced with: null when this session holds none. A backend checks its
   * token against the stored one, atomically with the write where the store can, and throws {@link
   * #leaseLost()} on a mismatch.
   *
   * @throws dev.tgsession.SessionLeaseLostException when the lease is already known lost
   */
  protected final dev.tgsession.@Nullable SessionLease heldLease() {
    return lease.checkWritable(description);
  }

  /**
   * Marks the lease lost (for good: this session writes nothing from now on) and returns the
   * exception to throw. For a backend whose fenced write found another token.
   */
  protected final dev.tgsession.SessionLeaseLostException leaseLost() {
    return lease.lost(description);
  }

  /**
   * Stops renewing the lease without releasing it, as if this process were paused: a test hook (the
   * TCK's fencing tests use it). Writes go on until another owner takes the lease over.
   */
  public final void stopLeaseRenewal() {
    lease.stopRenewal();
  }

  // ---- encryption at rest -------------------------------------------------------------------

  /**
   * Reads the stored key vault (the sealed auth keys of an encrypted session), or null when the
   * session is not encrypted. A backend that supports encryption at rest overrides this and {@link
   * #storeKeyVault}, and declares {@link SharedOptions#ENCRYPTION_KEY}.
   */
  protected byte @Nullable [] loadKeyVault() {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " does not support encryption at rest");
  }

  /**
   * Writes DC options and the key vault as one unit: each option as given (its auth key null when
   * {@code vault} is not null: the keys are in the vault), then the vault, or no vault at all when
   * {@code vault} is null (the session goes back to plain keys). Nothing of the old keys may be
   * left readable in the store (free pages, journals, old fields).
   */
  protected void storeKeyVault(List<DcOption> options, byte @Nullable [] vault) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " does not support encryption at rest");
  }

  /**
   * Checks the session's encryption against the key the URI gives (null for none) and, for a plain
   * session opened with a key, encrypts its auth keys in place. Called by {@link
   * dev.tgsession.Sessions#open} for a provider that declares {@link SharedOptions#ENCRYPTION_KEY};
   * not for application code.
   *
   * @throws dev.tgsession.IncompatibleSessionException when the session is encrypted and the key is
   *     missing or another one (the message names both fingerprints); nothing is changed then
   */
  public final void openEncryption(@Nullable EncryptionKey key) {
    ensureOpen();
    dcLock.lock();
    try {
      byte[] stored = loadKeyVault();
      if (stored != null) {
        KeyVault vault = KeyVault.fromBytes(stored, description);
        if (key == null) {
          throw new dev.tgsession.IncompatibleSessionException(
              "session "
                  + description
                  + " keeps its auth keys encrypted with key fingerprint "
                  + vault.fingerprint()
                  + ", and no key was given; open it with encryption-key=env:NAME or"
                  + " encryption-key=file:PATH holding that key",
              null);
        }
        if (!vault.opensWith(key)) {
          throw new dev.tgsession.IncompatibleSessionException(
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
        encryption = new Encryption(key, vault);
        dcs = null;
      } else if (key != null) {
        StoredDcs plain = loadDcs();
        KeyVault vault = KeyVault.create(key);
        List<DcOption> withoutKeys = new ArrayList<>();
        for (DcOption option : plain.options().values()) {
          if (option.authKey() != null) {
            vault = vault.with(key, option.id(), option.authKey());
            withoutKeys.add(option.withAuthKey(null));
          }
        }
        lease.checkWritable(description);
        storeKeyVault(withoutKeys, vault.toBytes());
        encryption = new Encryption(key, vault);
        dcs = null;
      }
    } finally {
      dcLock.unlock();
    }
  }

  /**
   * Re-encrypts every auth key with another key, or stores them plain again ({@code newKey} null),
   * as one write: after a crash the session opens with the old key or the new one, never neither.
   */
  public final void rekey(@Nullable EncryptionKey newKey) {
    dcLock.lock();
    try {
      DcCache current = dcCache();
      lease.checkWritable(description);
      List<DcOption> options = new ArrayList<>();
      for (DcOption stored : loadDcs().options().values()) {
        options.add(current.options.getOrDefault(stored.id(), Optional.of(stored)).orElse(stored));
      }
      if (newKey == null) {
        storeKeyVault(options, null);
        encryption = null;
      } else {
        KeyVault vault = KeyVault.create(newKey);
        List<DcOption> withoutKeys = new ArrayList<>();
        for (DcOption option : options) {
          if (option.authKey() != null) {
            vault = vault.with(newKey, option.id(), option.authKey());
          }
          withoutKeys.add(option.withAuthKey(null));
        }
        storeKeyVault(withoutKeys, vault.toBytes());
        encryption = new Encryption(newKey, vault);
      }
      dcs = null;
    } finally {
      dcLock.unlock();
    }
  }

  /** The fingerprint of the key this session's auth keys are encrypted with; empty when plain. */
  public final Optional<String> encryptionFingerprint() {
    Encryption sealed = encryption;
    return sealed == null ? Optional.empty() : Optional.of(sealed.key().fingerprint());
  }

  private StoredDcs withOpenedKeys(StoredDcs stored) {
    Encryption sealed = encryption;
    if (sealed == null) {
      return stored;
    }
    Map<Integer, dev.tgsession.AuthKey> keys = sealed.vault().open(sealed.key(), description);
    Map<Integer, DcOption> options = new HashMap<>();
    stored.options().forEach((id, option) -> options.put(id, option.withAuthKey(keys.get(id))));
    return new StoredDcs(stored.homeDcId(), options);
  }

  // ---- peer cache coherence ----------------------------------------------------------------

  /**
   * Whether the cached peers may still be served: called on every cache hit, after the lookup (so a
   * miss costs no check). A backend whose invalidations are applied by another thread must make
   * sure an entry dropped between the lookup and this call is not served: return false when any
   * invalidation arrived since the last call, or check inside its {@link PeerCache#get}. A SHARED
   * backend that can tell cheaply that another instance changed peers since the last call returns
   * false; the cache is then dropped and the peer loaded. The default, true, suits a store nobody
   * else writes to, or a backend that calls {@link #peersChangedElsewhere()} itself.
   */
  protected boolean cachedPeersCurrent() {
    return true;
  }

  /**
   * Drops every cached peer because another instance changed peers, and keeps loads that started
   * before this call from caching what they read. Safe to call from any thread (a listener of the
   * store's change notifications).
   */
  protected final void peersChangedElsewhere() {
    synchronized (cacheLock) {
      cacheVersion++;
      peerCache.clear();
    }
  }

  /** Whether {@link #close()} was called. */
  public final boolean isClosed() {
    return closed.get();
  }

  /**
   * Throws unless the session is open.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  protected final void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException(
          "session " + description + " is closed; open it again with Sessions.open");
    }
  }

  /** How messages name this session (a redacted URI). */
  protected final String description() {
    return description;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + description + "]";
  }

  private DcCache dcCache() {
    ensureOpen();
    DcCache cache = dcs;
    if (cache == null) {
      dcLock.lock();
      try {
        cache = dcs;
        if (cache == null) {
          cache = DcCache.of(withOpenedKeys(loadDcs()));
          dcs = cache;
        }

      } finally {
        dcLock.unlock();
      }
    }
    return cache;
  }

  /** Immutable: home DC and options (known DCs filled in), looked up without allocating. */
  private record DcCache(int homeDcId, Map<Integer, Optional<DcOption>> options) {
    static DcCache of(StoredDcs stored) {
      Map<Integer, Optional<DcOption>> options = new HashMap<>();
      KnownDcs.all().forEach((id, option) -> options.put(id, Optional.of(option)));
      stored.options().forEach((id, option) -> options.put(id, Optional.of(option)));
      int home = stored.homeDcId() == 0 ? KnownDcs.DEFAULT_HOME_DC : stored.homeDcId();
      return new DcCache(home, Map.copyOf(options));
    }

    Map<Integer, DcOption> asMap() {
      Map<Integer, DcOption> map = new java.util.TreeMap<>();
      options.forEach((id, option) -> option.ifPresent(o -> map.put(id, o)));
      return java.util.Collections.unmodifiableMap(map);
    }
  }
}
