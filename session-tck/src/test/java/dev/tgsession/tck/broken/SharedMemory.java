package dev.tgsession.tck.broken;

import dev.tgsession.DcOption;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionLease;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.AbstractSession;
import dev.tgsession.spi.LeaseStore;
import dev.tgsession.spi.StoredDcs;
import dev.tgsession.spi.WriteFence;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A store in this JVM shared by every instance of one name (a memory session kept open), with a
 * lease record per name: the smallest SHARED + LEASE backend built on {@link AbstractSession}, to
 * run the kit's sharing and lease groups here. {@code fenced = false} makes it skip fencing.
 */
final class SharedMemory extends AbstractSession {

  private static final Map<String, Store> STORES = new ConcurrentHashMap<>();

  /** One named store: the data and its lease record. */
  static final class Store {
    final java.util.Map<String, byte[]> extras = new java.util.TreeMap<>();
    final Session data = Sessions.open("memory:");
    @Nullable SessionLease lease;
    long lastToken;
    byte @Nullable [] vault;
  }

  private final Store store;
  private final boolean fenced;

  SharedMemory(String description, String name, boolean fenced) {
    super(description);
    this.store = STORES.computeIfAbsent(name, key -> new Store());
    this.fenced = fenced;
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
    if (fenced && lease != null) {
      synchronized (store) {
        if (store.lastToken != lease.token()) {
          throw fence.lost();
        }
      }
    }
  }

  @Override
  protected StoredDcs loadDcs() {
    return new StoredDcs(store.data.homeDcId(), store.data.dcOptions());
  }

  @Override
  protected void storeHomeDcId(int dcId, WriteFence fence) {
    fence(fence);
    store.data.setHomeDcId(dcId);
  }

  @Override
  protected void storeDcOption(DcOption option, WriteFence fence) {
    fence(fence);
    store.data.setDcOption(option);
  }

  @Override
  protected @Nullable PeerInfo loadPeer(PeerId id) {
    return store.data.peer(id).orElse(null);
  }

  @Override
  protected PeerInfo.@Nullable User loadSelfUser() {
    return (PeerInfo.User) store.data.peer(PeerId.selfUser()).orElse(null);
  }

  @Override
  protected @Nullable PeerInfo loadPeerByUsername(String username) {
    return store.data.peerByUsername(username).orElse(null);
  }

  @Override
  protected @Nullable PeerInfo loadPeerByPhone(String phone) {
    return store.data.peerByPhone(phone).orElse(null);
  }

  @Override
  protected void storePeers(List<PeerInfo> reducedBatch, Instant cachedAt, WriteFence fence) {
    fence(fence);
    store.data.cachePeers(reducedBatch);
  }

  @Override
  protected @Nullable Instant loadPeerCachedAt(PeerId id) {
    return store.data.peerCachedAt(id).orElse(null);
  }

  @Override
  protected long prunePeers(Instant olderThan, WriteFence fence) {
    fence(fence);
    return store.data.prunePeers(olderThan);
  }

  @Override
  protected Map<String, byte[]> loadExtras() {
    synchronized (store) {
      return new TreeMap<>(store.extras);
    }
  }

  @Override
  protected void storeExtra(String name, byte @Nullable [] value, WriteFence fence) {
    fence(fence);
    synchronized (store) {
      if (value == null) {
        store.extras.remove(name);
      } else {
        store.extras.put(name, value.clone());
      }
    }
  }

  @Override
  protected UpdatesState loadUpdatesState() {
    return store.data.updatesState();
  }

  @Override
  protected void storeUpdateState(UpdateState update, WriteFence fence) {
    fence(fence);
    store.data.setUpdateState(update);
  }

  @Override
  protected Stream<PeerInfo> streamPeers() {
    return store.data.peers();
  }

  @Override
  protected long countPeers() {
    return store.data.peerCount();
  }

  @Override
  protected void clearStore(WriteFence fence) {
    fence(fence);
    store.data.clear();
    synchronized (store) {
      store.vault = null;
      store.extras.clear();
    }
  }

  @Override
  protected byte @Nullable [] loadKeyVault() {
    synchronized (store) {
      return store.vault == null ? null : store.vault.clone();
    }
  }

  @Override
  protected void storeKeyVault(List<DcOption> options, byte @Nullable [] vault, WriteFence fence) {
    fence(fence);
    synchronized (store) {
      options.forEach(store.data::setDcOption);
      store.vault = vault == null ? null : vault.clone();
    }
  }

  @Override
  protected void closeStore() {}
}
