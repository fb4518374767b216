package dev.tgsession.spi;

import dev.tgsession.AddressFamily;
import dev.tgsession.DcOption;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.SessionEncryption;
import dev.tgsession.SessionLease;
import dev.tgsession.SessionLeasing;
import dev.tgsession.SessionListener;
import dev.tgsession.TempAuthKey;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
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
 * operations (the {@code protected} store operations below).
 *
 * <p>The policies live in small collaborators: {@link DcState} (DCs served from memory), {@link
 * PeerCacheGuard} (the peer cache kept coherent), {@link LeaseHolder} (the lease and its fence),
 * {@link SessionVault} (encryption at rest) and {@link SessionEvents} (listeners). This class
 * checks arguments and the closed state, normalises usernames and phone numbers, reduces batches
 * with {@link PeerBatch}, checks the lease once per write and hands the write its {@link
 * WriteFence}. Store operations are never called after {@link #close()} and never with {@link
 * PeerId#selfUser()} or an unnormalised username.
 *
 * <p>A store operation that fails throws {@link dev.tgsession.SessionStorageException} (build it
 * with {@link SessionFailures#storage}) or {@link dev.tgsession.IncompatibleSessionException} for
 * data it cannot read; when a write fails, what is served from memory is left as it was.
 */
public abstract class AbstractSession implements Session {

  private final String description;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final SessionEvents events;
  private final LeaseHolder lease;
  private final PeerCacheGuard peerCache;
  private final DcState dcState = new DcState();
  private final SessionDcs dcs;
  private final SessionPeers peers;
  private final SessionVault vault;
  private volatile boolean encryptionCapable;

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
    this.peerCache = new PeerCacheGuard(Objects.requireNonNull(peerCache, "peerCache"));
    this.events = new SessionEvents(new SessionListener.Source("unknown", description));
    this.lease = new LeaseHolder(events);
    this.vault = new SessionVault(this, events);
    this.peers = new SessionPeers(this, this.peerCache, lease, events, description);
    this.dcs =
        new SessionDcs(
            this,
            dcState,
            vault,
            lease,
            events,
            description,
            () ->
                events.timed(
                    "dcOptions",
                    0,
                    () -> DcState.Dcs.of(vault.withOpenedKeys(loadDcs()), extras(), description)));
  }

  // ---- store operations -------------------------------------------------------------------

  /** Reads the stored home DC and DC options (called once, before the first DC getter). */
  protected abstract StoredDcs loadDcs();

  /** Writes the home DC. */
  protected abstract void storeHomeDcId(int dcId, WriteFence fence);

  /** Writes (inserts or replaces) one DC option, auth key included. */
  protected abstract void storeDcOption(DcOption option, WriteFence fence);

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
   * merges it into what it holds ({@link PeerMerge}: null keeps, non-null replaces), enforces its
   * claims against every other stored peer (see {@link PeerBatch}) and records {@code cachedAt} as
   * the time the peer was last cached; as one unit where the store can.
   */
  protected abstract void storePeers(
      List<PeerInfo> reducedBatch, Instant cachedAt, WriteFence fence);

  /** Reads the updates state. */
  protected abstract UpdatesState loadUpdatesState();

  /** Applies one change to the stored updates state, as {@link UpdateState} describes. */
  protected abstract void storeUpdateState(UpdateState update, WriteFence fence);

  /** Streams every stored peer; the caller closes the stream. */
  protected abstract Stream<PeerInfo> streamPeers();

  /** Counts the stored peers. */
  protected abstract long countPeers();

  /**
   * Deletes everything this session stored (DCs, peers, updates state, extras, key vault), and
   * nothing else; the lease row or key, if any, stays with its holder.
   */
  protected abstract void clearStore(WriteFence fence);

  /** Releases the store's resources; called once. */
  protected abstract void closeStore();

  /**
   * When the peer was last cached (the {@code cachedAt} of the write that last touched it); null
   * when it is not stored. Backends written before 0.3.0 do not override it: peer ages are then
   * unknown (this default throws {@link UnsupportedOperationException}).
   */
  protected @Nullable Instant loadPeerCachedAt(PeerId id) {
    throw unsupported("loadPeerCachedAt");
  }

  /**
   * Deletes the peers last cached before {@code olderThan}, never the self user, releasing their
   * usernames and phones (one statement, script or transaction where the store can, so a cache
   * write racing it either lands after the delete or keeps its peer).
   *
   * @return how many peers were deleted
   */
  protected long prunePeers(Instant olderThan, WriteFence fence) {
    throw unsupported("prunePeers");
  }

  /**
   * Reads every extra of this session: a small map of names to bytes the core keeps besides DCs and
   * peers (the home DC's address family, media-only DC options, plain temporary keys).
   */
  protected Map<String, byte[]> loadExtras() {
    throw unsupported("loadExtras");
  }

  /** Reads one extra; null when absent. */
  protected byte @Nullable [] loadExtra(String name) {
    return loadExtras().get(name);
  }

  /** Writes one extra, or deletes it when {@code value} is null. */
  protected void storeExtra(String name, byte @Nullable [] value, WriteFence fence) {
    throw unsupported("storeExtra");
  }

  /**
   * Reads the stored key vault (the sealed auth keys of an encrypted session), or null when the
   * session is not encrypted. A backend with capability {@link Capability#ENCRYPTION} overrides
   * this and {@link #storeKeyVault}.
   */
  protected byte @Nullable [] loadKeyVault() {
    throw unsupported("loadKeyVault");
  }

  /**
   * Writes DC options and the key vault as one unit: each option as given (its auth key null when
   * {@code vault} is not null: the keys are in the vault), then the vault, or no vault at all when
   * {@code vault} is null (the session goes back to plain keys). Nothing of the old keys may be
   * left readable in the store (free pages, journals, old fields). A write by an instance whose
   * last read or written vault is no longer the stored one must be refused.
   */
  protected void storeKeyVault(List<DcOption> options, byte @Nullable [] vault, WriteFence fence) {
    throw unsupported("storeKeyVault");
  }

  /**
   * Replaces everything this session stores with {@code data}, as one unit to any reader where the
   * store can (one transaction; or staged under other keys and switched in one atomic step): what
   * an import or a copy into this session writes, so that a crash leaves the old state or the new
   * one, never a mix. {@code data}'s DC options carry no auth key when {@code vault} is not null
   * (the keys are sealed in it); its peers are recorded as cached at {@code cachedAt}. The default
   * runs the single writes one after the other (not atomic): a backend that can do better overrides
   * it.
   */
  protected void replaceStore(
      SessionData data, byte @Nullable [] vault, Instant cachedAt, WriteFence fence) {
    SessionImport.sequentially(this, data, vault, cachedAt, fence);
  }

  /** Replaces everything with {@code data} through {@link #replaceStore} (see SessionImport). */
  final void replaceAll(SessionData data) {
    Objects.requireNonNull(data, "data");
    dcState.lock.lock();
    try {
      ensureOpen();
      WriteFence fence = lease.checkWritable(description);
      Instant now = Instant.now();
      try {
        events.timed(
            "replace",
            data.peers().size(),
            () -> {
              vault.replace(data, now, fence);
              return null;
            });
      } finally {
        peerCache.invalidate();
        dcState.drop();
      }
    } finally {
      dcState.lock.unlock();
    }
  }

  /**
   * The store's lease operations, for a backend that declares {@link Capability#LEASE}; null (the
   * default) for one that does not.
   */
  protected @Nullable LeaseStore leaseStore() {
    return null;
  }

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
    peerCache.invalidate();
    events.cacheInvalidated();
  }

  // ---- opening (called once by SessionOpening before Sessions.open returns) ------------------

  final void opened(SessionOpening.Context context) {
    events.bind(context.source(), context.listeners());
    encryptionCapable = context.capabilities().contains(Capability.ENCRYPTION);
    Duration leaseLength = context.leaseLength();
    if (leaseLength != null) {
      acquireLease(Objects.requireNonNull(context.owner(), "owner"), leaseLength);
    }
    if (encryptionCapable && !(context.clearing() && context.encryptionKey() == null)) {
      dcState.lock.lock();
      try {
        vault.open(context.encryptionKey(), description, lease.checkWritable(description));
        dcState.drop();
      } finally {
        dcState.lock.unlock();
      }
    }
    events.opened();
  }

  // ---- Session: DCs (SessionDcs) -----------------------------------------------------------

  @Override
  public final int homeDcId() {
    return dcs.homeDcId();
  }

  @Override
  public final AddressFamily homeDcFamily() {
    return dcs.homeDcFamily();
  }

  @Override
  public final void setHomeDcId(int dcId) {
    dcs.setHomeDcId(dcId);
  }

  @Override
  public final void setHomeDc(int dcId, AddressFamily family) {
    dcs.setHomeDc(dcId, family);
  }

  @Override
  public final Optional<DcOption> dcOption(int dcId) {
    return dcs.dcOption(dcId);
  }

  @Override
  public final Map<Integer, DcOption> dcOptions() {
    return dcs.dcOptions();
  }

  @Override
  public final void setDcOption(DcOption option) {
    dcs.setDcOption(option);
  }

  @Override
  public final Optional<DcOption> mediaDcOption(int dcId) {
    return dcs.mediaDcOption(dcId);
  }

  @Override
  public final Map<Integer, DcOption> mediaDcOptions() {
    return dcs.mediaDcOptions();
  }

  @Override
  public final void setMediaDcOption(DcOption option) {
    dcs.setMediaDcOption(option);
  }

  @Override
  public final void setTempAuthKey(int dcId, boolean media, @Nullable TempAuthKey key) {
    dcs.setTempAuthKey(dcId, media, key);
  }

  @Override
  public final Optional<TempAuthKey> tempAuthKey(int dcId, boolean media) {
    return dcs.tempAuthKey(dcId, media);
  }

  @Override
  public final Map<Integer, TempAuthKey> tempAuthKeys(boolean media) {
    ensureOpen();
    return events.timed("tempAuthKeys", 0, () -> vault.unexpiredTempKeys(media));
  }

  // ---- Session: peers (SessionPeers) -------------------------------------------------------

  @Override
  public final Optional<PeerInfo> peer(PeerId id) {
    return peers.peer(id);
  }

  @Override
  public final void cachePeer(PeerInfo peer) {
    peers.cachePeer(peer);
  }

  @Override
  public final void cachePeers(Collection<? extends PeerInfo> batch) {
    peers.cachePeers(batch);
  }

  @Override
  public final Optional<PeerInfo> peerByUsername(String username) {
    return peers.peerByUsername(username);
  }

  @Override
  public final Optional<PeerInfo> peerByUsername(String username, Duration maxAge) {
    return peers.peerByUsername(username, maxAge);
  }

  @Override
  public final Optional<PeerInfo> peerByPhone(String phone) {
    return peers.peerByPhone(phone);
  }

  @Override
  public final Optional<Instant> peerCachedAt(PeerId id) {
    return peers.peerCachedAt(id);
  }

  @Override
  public final long prunePeers(Instant olderThan) {
    return peers.prunePeers(olderThan);
  }

  @Override
  public final Stream<PeerInfo> peers() {
    ensureOpen();
    return events.timed("peers", 0, this::streamPeers);
  }

  @Override
  public final long peerCount() {
    ensureOpen();
    return events.timed("peerCount", 0, this::countPeers);
  }

  // ---- Session: updates state, snapshot, clear, close ----------------------------------------

  @Override
  public final UpdatesState updatesState() {
    ensureOpen();
    return events.timed("updatesState", 1, this::loadUpdatesState);
  }

  @Override
  public final void setUpdateState(UpdateState update) {
    Objects.requireNonNull(update, "update");
    ensureOpen();
    WriteFence fence = lease.checkWritable(description);
    events.timed(
        "setUpdateState",
        1,
        () -> {
          storeUpdateState(update, fence);
          return null;
        });
  }

  @Override
  public SessionData snapshot() {
    return events.timed("snapshot", 0, this::readSnapshot);
  }

  private SessionData readSnapshot() {
    DcState.Dcs dc = dcs.current();
    Map<PeerId, PeerInfo> peers = new LinkedHashMap<>();
    try (Stream<PeerInfo> stream = streamPeers()) {
      stream.forEach(peer -> peers.put(peer.peerId(), peer));
    }
    return new SessionData(
        dc.homeDcId(),
        dc.asMap(),
        peers,
        loadUpdatesState(),
        dc.mediaMap(),
        vault.unexpiredTempKeys(false),
        vault.unexpiredTempKeys(true),
        dc.family());
  }

  @Override
  public final void clear() {
    dcState.lock.lock();
    try {
      ensureOpen();
      WriteFence fence = lease.checkWritable(description);
      try {
        events.timed(
            "clear",
            0,
            () -> {
              clearStore(fence);
              return null;
            });
      } finally {
        peerCache.invalidate();
        dcState.drop();
      }
      vault.cleared(fence);
    } finally {
      dcState.lock.unlock();
    }
  }

  @Override
  public final void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        lease.release();
      } finally {
        peerCache.invalidate();
        try {
          closeStore();
        } finally {
          events.closed();
        }
      }
    }
  }

  @Override
  public final boolean isClosed() {
    return closed.get();
  }

  // ---- facets: leases and encryption -------------------------------------------------------

  @Override
  public final Optional<SessionLease> lease() {
    return lease.current();
  }

  @Override
  public final Optional<SessionLeasing> leasing() {
    LeaseStore store = leaseStore();
    return store == null
        ? Optional.empty()
        : Optional.of(lease.facet(store, this::ensureOpen, description));
  }

  private void acquireLease(String owner, Duration length) {
    ensureOpen();
    LeaseStore store = leaseStore();
    if (store == null) {
      throw new UnsupportedOperationException(
          "session " + description + " has no leases: its backend lacks capability LEASE");
    }
    lease.acquire(store, owner, length, description);
  }

  /**
   * Stops renewing the lease without releasing it, as if this process were paused: a test hook for
   * fencing tests, reached through {@link TestHooks#stopLeaseRenewal}, not API.
   */
  final void stopLeaseRenewal() {
    lease.stopRenewal();
  }

  @Override
  public final Optional<SessionEncryption> encryption() {
    return encryptionCapable ? Optional.of(dcs.encryption()) : Optional.empty();
  }

  // ---- helpers ------------------------------------------------------------------------------

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

  boolean encryptionCapable() {
    return encryptionCapable;
  }

  private Map<String, byte[]> extras() {
    try {
      return loadExtras();
    } catch (UnsupportedOperationException e) {
      // a backend written against 0.2.0's SPI keeps no extras: IPv4 home DCs, no media DCs
      return Map.of();
    }
  }

  private UnsupportedOperationException unsupported(String operation) {
    return new UnsupportedOperationException(
        getClass().getSimpleName()
            + " does not implement "
            + operation
            + " (session "
            + description
            + "); a backend written against an older SPI lacks it: see CHANGELOG.md");
  }
}
