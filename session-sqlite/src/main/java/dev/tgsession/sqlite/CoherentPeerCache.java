package dev.tgsession.sqlite;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.spi.PeerCache;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a peer cache coherent with the writes of other connections to the file (other instances,
 * other processes): before an entry is served, the WAL index header ({@link WalIndex}) says whether
 * anyone committed since the cache was last known current. When someone did, the writer's {@code
 * PRAGMA data_version} tells our own commits (which {@link dev.tgsession.spi.AbstractSession}
 * already applied to the cache) from another connection's; on another's, the cache is emptied. A
 * hit costs six memory loads beyond the cache itself; the first read after any commit costs one
 * {@code PRAGMA} on the writer.
 *
 * <p>A load that overlapped such an emptying is not cached: {@link #get} notes the generation on a
 * miss and {@link #put} drops the peer when it changed.
 */
final class CoherentPeerCache implements PeerCache {

  private final PeerCache cache;
  private final @Nullable WalIndex index;
  private final LongSupplier writerDataVersion;
  private final AtomicLong generation = new AtomicLong();
  private final ThreadLocal<long[]> missedAt = ThreadLocal.withInitial(() -> new long[] {-1});
  private final ReentrantLock syncLock = new ReentrantLock();
  private volatile WalIndex.@Nullable Stamp seen;
  private volatile long dataVersion;

  /**
   * @param writerDataVersion the writer's data_version, or -1 when it cannot be asked now
   */
  CoherentPeerCache(PeerCache cache, @Nullable WalIndex index, LongSupplier writerDataVersion) {
    this.cache = cache;
    this.index = index;
    this.writerDataVersion = writerDataVersion;
    WalIndex.Stamp stamp = index == null ? null : index.read();
    long version = writerDataVersion.getAsLong();
    this.dataVersion = version;
    this.seen = version < 0 ? null : stamp;
  }

  @Override
  public @Nullable PeerInfo get(PeerId id) {
    WalIndex.Stamp stamp = seen;
    if (stamp == null || index == null || !index.unchangedSince(stamp)) {
      if (!synchronize()) {
        missedAt.get()[0] = -1;
        return null;
      }
    }
    PeerInfo peer = cache.get(id);
    if (peer == null) {
      missedAt.get()[0] = generation.get();
    }
    return peer;
  }

  @Override
  public void put(PeerInfo peer) {
    long[] missed = missedAt.get();
    long at = missed[0];
    missed[0] = -1;
    WalIndex.Stamp stamp = seen;
    if (at < 0
        || at != generation.get()
        || stamp == null
        || index == null
        || !index.unchangedSince(stamp)) {
      return; // the store may have changed since the load began
    }
    cache.put(peer);
    if (at != generation.get()) {
      cache.written(List.of(peer)); // emptied meanwhile: take it out again
    }
  }

  @Override
  public void written(List<PeerInfo> reducedBatch) {
    cache.written(reducedBatch);
  }

  @Override
  public void clear() {
    generation.incrementAndGet();
    cache.clear();
  }

  /**
   * Brings the cache up to date with the file; false when that cannot be told now (the writer is
   * busy), and the caller reads the store instead.
   */
  private boolean synchronize() {
    syncLock.lock();
    try {
      WalIndex.Stamp before = index == null ? null : index.read();
      long version = writerDataVersion.getAsLong();
      if (version < 0) {
        return false;
      }
      if (version != dataVersion) {
        clear();
        dataVersion = version;
      }
      if (before == null) {
        return true; // no index to remember: every read asks the writer
      }
      seen = before;
      return true;
    } finally {
      syncLock.unlock();
    }
  }
}
