package dev.tgsession.tck.broken;

import dev.tgsession.DcOption;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.SessionLease;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.AbstractSession;
import dev.tgsession.spi.LeaseStore;
import dev.tgsession.spi.PeerBatch;
import dev.tgsession.spi.StoredDcs;
import dev.tgsession.spi.WriteFence;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A store in this JVM shared by every instance of one name (a memory session kept open), with a
 * lease record per name: the smallest SHARED + LEASE backend built on {@link AbstractSession}, to
 * run the kit's sharing and lease groups here. {@code fenced = false} makes it skip fencing.
 */
final class SharedMemory extends AbstractSession {

  static final Map<String, Store> STORES = new ConcurrentHashMap<>();

  /** How a variant differs from the correct backend (the kit must catch each). */
  enum Flaw {
    NONE,
    /** Writes are not fenced by the lease token. */
    UNFENCED,
    /** replace() writes the data over what is stored instead of replacing it. */
    REPLACE_MERGES,
    /** replace() runs its single writes one by one, slowly, with readers between them. */
    REPLACE_TORN
  }

  /** One named store: the data and its lease record. */
  static final class Store {
    final java.util.Map<String, byte[]> extras = new java.util.TreeMap<>();
    final Session data = Sessions.open("memory:");
    // readers and single writes share it; a replace takes it alone, so readers see old or new
    final ReentrantReadWriteLock replacing = new ReentrantReadWriteLock();
    @Nullable SessionLease lease;
    long lastToken;
    byte @Nullable [] vault;
    volatile boolean written;
    volatile boolean deleted;
    volatile @Nullable Instant updatedAt;
  }

  private final Store store;
  private final Flaw flaw;

  SharedMemory(String description, String name, boolean fenced) {
    this(description, name, fenced ? Flaw.NONE : Flaw.UNFENCED);
  }

  SharedMemory(String description, String name, Flaw flaw) {
    super(description);
    this.store = STORES.computeIfAbsent(name, key -> new Store());
    this.flaw = flaw;
  }

  private <T> T read(Supplier<T> body) {
    store.replacing.readLock().lock();
    try {
      return body.get();
    } finally {
      store.replacing.readLock().unlock();
    }
  }

  /** A single write: fenced, recorded as the store's last write, never inside a replace. */
  private void write(WriteFence fence, Runnable body) {
    store.replacing.readLock().lock();
    try {
      fence(fence);
      body.run();
      store.written = true;
      store.updatedAt = Instant.now();
    } finally {
      store.replacing.readLock().unlock();
    }
  }

  @Override
  protected @Nullable LeaseStore leaseStore() {
    return new LeaseStore() {
      @Override
      public SessionLease acquire(String owner, Duration length) {
        synchronized (store) {
          SessionLease held = store.lease;
          if (held != null && held.expiresAt().isAfter(Instant.now())) {
            throw new SessionLeasedException(description(), held.owner(), held.expiresAt());
          }
          store.lease = new SessionLease(owner, ++store.lastToken, Instant.now().plus(length));
          return store.lease;
        }
      }

      @Override
      public SessionLease renew(SessionLease lease, Duration length) {
        synchronized (store) {
          if (store.lastToken != lease.token()) {
            throw new SessionLeaseLostException("taken over");
          }
          store.lease = new SessionLease(lease.owner(), lease.token(), Instant.now().plus(length));
          return store.lease;
        }
      }

      @Override
      public void release(SessionLease lease) {
        synchronized (store) {
          if (store.lastToken == lease.token()) {
            store.lease = null;
          }
        }
      }

      @Override
      public Optional<SessionLease> current() {
        synchronized (store) {
          SessionLease held = store.lease;
          return held != null && held.expiresAt().isAfter(Instant.now())
              ? Optional.of(held)
              : Optional.empty();
        }
      }
    };
  }

  private void fence(WriteFence fence) {
    SessionLease lease = fence.lease();
    if (flaw != Flaw.UNFENCED && lease != null) {
      synchronized (store) {
        if (store.deleted || store.lastToken != lease.token()) {
          throw fence.lost();
        }
      }
    }
  }

  @Override
  protected StoredDcs loadDcs() {
    return read(() -> new StoredDcs(store.data.homeDcId(), store.data.dcOptions()));
  }

  @Override
  protected void storeHomeDcId(int dcId, WriteFence fence) {
    write(fence, () -> store.data.setHomeDcId(dcId));
  }

  @Override
  protected void storeDcOption(DcOption option, WriteFence fence) {
    write(fence, () -> store.data.setDcOption(option));
    if (flaw == Flaw.REPLACE_TORN) {
      LockSupport.parkNanos(1_000_000);
    }
  }

  @Override
  protected @Nullable PeerInfo loadPeer(PeerId id) {
    return read(() -> store.data.peer(id).orElse(null));
  }

  @Override
  protected PeerInfo.@Nullable User loadSelfUser() {
    return read(() -> (PeerInfo.User) store.data.peer(PeerId.selfUser()).orElse(null));
  }

  @Override
  protected @Nullable PeerInfo loadPeerByUsername(String username) {
    return read(() -> store.data.peerByUsername(username).orElse(null));
  }

  @Override
  protected @Nullable PeerInfo loadPeerByPhone(String phone) {
    return read(() -> store.data.peerByPhone(phone).orElse(null));
  }

  @Override
  protected void storePeers(List<PeerInfo> reducedBatch, Instant cachedAt, WriteFence fence) {
    write(fence, () -> store.data.cachePeers(reducedBatch));
  }

  @Override
  protected @Nullable Instant loadPeerCachedAt(PeerId id) {
    return read(() -> store.data.peerCachedAt(id).orElse(null));
  }

  @Override
  protected long prunePeers(Instant olderThan, WriteFence fence) {
    long[] pruned = new long[1];
    write(fence, () -> pruned[0] = store.data.prunePeers(olderThan));
    return pruned[0];
  }

  @Override
  protected Map<String, byte[]> loadExtras() {
    return read(
        () -> {
          synchronized (store) {
            return new TreeMap<>(store.extras);
          }
        });
  }

  @Override
  protected void storeExtra(String name, byte @Nullable [] value, WriteFence fence) {
    write(
        fence,
        () -> {
          synchronized (store) {
            if (value == null) {
              store.extras.remove(name);
            } else {
              store.extras.put(name, value.clone());
            }
          }
        });
  }

  @Override
  protected UpdatesState loadUpdatesState() {
    return read(store.data::updatesState);
  }

  @Override
  protected void storeUpdateState(UpdateState update, WriteFence fence) {
    write(fence, () -> store.data.setUpdateState(update));
  }

  @Override
  protected Stream<PeerInfo> streamPeers() {
    return read(() -> all(store.data)).stream();
  }

  @Override
  protected long countPeers() {
    return read(store.data::peerCount);
  }

  @Override
  protected void clearStore(WriteFence fence) {
    write(
        fence,
        () -> {
          store.data.clear();
          synchronized (store) {
            store.vault = null;
            store.extras.clear();
          }
        });
  }

  @Override
  protected byte @Nullable [] loadKeyVault() {
    return read(
        () -> {
          synchronized (store) {
            return store.vault == null ? null : store.vault.clone();
          }
        });
  }

  @Override
  protected void storeKeyVault(List<DcOption> options, byte @Nullable [] vault, WriteFence fence) {
    write(
        fence,
        () -> {
          synchronized (store) {
            options.forEach(store.data::setDcOption);
            store.vault = vault == null ? null : vault.clone();
          }
        });
  }

  @Override
  protected void replaceStore(
      SessionData data, byte @Nullable [] vault, Instant cachedAt, WriteFence fence) {
    if (flaw == Flaw.REPLACE_MERGES) {
      data.dcOptions().values().forEach(option -> storeDcOption(option, fence));
      storeHomeDcId(data.homeDcId(), fence);
      storePeers(PeerBatch.reduce(data.peers().values()), cachedAt, fence);
      storeUpdateState(new UpdateState.All(data.updatesState()), fence);
      return;
    }
    if (flaw == Flaw.REPLACE_TORN) {
      super.replaceStore(data, vault, cachedAt, fence);
      return;
    }
    store.replacing.writeLock().lock();
    try {
      super.replaceStore(data, vault, cachedAt, fence);
    } finally {
      store.replacing.writeLock().unlock();
    }
  }

  private static List<PeerInfo> all(Session session) {
    try (Stream<PeerInfo> peers = session.peers()) {
      return peers.toList();
    }
  }

  @Override
  protected void closeStore() {}
}
