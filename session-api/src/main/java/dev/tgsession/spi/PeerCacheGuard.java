package dev.tgsession.spi;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PeerCache} kept coherent with the session's writes and with what other instances did: a
 * version bumped when a write ends and when another instance's change is seen, so a load that
 * overlapped either is not cached (a versioned put).
 */
final class PeerCacheGuard {

  private final PeerCache cache;
  private final Object lock = new Object();
  // Written under lock; read without it before a load (a volatile read is enough there).
  private volatile long version;

  PeerCacheGuard(PeerCache cache) {
    this.cache = cache;
  }

  @Nullable PeerInfo get(PeerId id) {
    return cache.get(id);
  }

  long version() {
    return version;
  }

  /** Caches a loaded peer unless a write ended or a foreign change was seen since {@code since}. */
  void putIfCurrent(PeerInfo loaded, long since) {
    synchronized (lock) {
      if (version == since) {
        cache.put(loaded);
      }
    }
  }

  void written(List<PeerInfo> reducedBatch) {
    synchronized (lock) {
      version++;
      cache.written(reducedBatch);
    }
  }

  void invalidate() {
    synchronized (lock) {
      version++;
      cache.clear();
    }
  }
}
