package dev.tgsession.postgres;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.spi.PeerCache;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The peer cache of one session instance, kept coherent with writes made elsewhere: by the other
 * instances of the same session in this JVM (told synchronously, before their write returns) and by
 * other processes (told by the pool's {@code LISTEN} connection when their {@code NOTIFY} arrives).
 *
 * <p>It serves and accepts entries only while that listener is connected and listening: a write
 * announced while it was not could not be seen. Every invalidation bumps an epoch; a peer loaded
 * before an invalidation and put after it is dropped, so a read that overlapped a foreign write
 * does not cache the old value.
 */
final class NotifiedPeerCache implements PeerCache {

  private final PeerCache delegate;
  private final ThreadLocal<long[]> loadEpoch = ThreadLocal.withInitial(() -> new long[1]);
  private final Object lock = new Object();
  private long epoch; // guarded by lock
  private volatile boolean live;

  NotifiedPeerCache(PeerCache delegate) {
    this.delegate = delegate;
  }

  /** Called by the session right before it reads a peer from the store on this thread. */
  void loading() {
    synchronized (lock) {
      loadEpoch.get()[0] = epoch;
    }
  }

  @Override
  public @Nullable PeerInfo get(PeerId id) {
    return live ? delegate.get(id) : null;
  }

  @Override
  public void put(PeerInfo peer) {
    synchronized (lock) {
      if (live && loadEpoch.get()[0] == epoch) {
        delegate.put(peer);
      }
    }
  }

  @Override
  public void written(List<PeerInfo> reducedBatch) {
    synchronized (lock) {
      epoch++;
      delegate.written(reducedBatch);
    }
  }

  /** Forgets the peers with these ids (written, or stripped of a name, phone or the self flag). */
  void invalidate(Collection<PeerId> ids) {
    List<PeerInfo> stubs = ids.stream().map(NotifiedPeerCache::stub).toList();
    synchronized (lock) {
      epoch++;
      // A record with only the id invalidates exactly that entry (it claims nothing).
      delegate.written(stubs);
    }
  }

  @Override
  public void clear() {
    synchronized (lock) {
      epoch++;
      delegate.clear();
    }
  }

  /** Starts (true) or stops (false) serving entries; either way forgets everything. */
  void live(boolean live) {
    synchronized (lock) {
      epoch++;
      delegate.clear();
      this.live = live;
    }
  }

  boolean isLive() {
    return live;
  }

  private static PeerInfo stub(PeerId id) {
    return switch (id.kind()) {
      case USER, USER_SELF -> new PeerInfo.User(id.bareId(), null, null, null, null, null);
      case CHAT -> new PeerInfo.Chat(id.bareId());
      case CHANNEL -> new PeerInfo.Channel(id.bareId(), null, null, null);
    };
  }
}
