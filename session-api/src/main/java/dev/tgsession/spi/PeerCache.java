package dev.tgsession.spi;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An in-process cache of peers read from a store, so that {@link dev.tgsession.Session#peer} (which
 * every outgoing request needs) does not pay a round trip on a hit. {@link AbstractSession} keeps
 * it coherent with the writes made through the same session: it calls {@link #written} after every
 * batch, and puts a loaded peer only if no write ran while it was loading.
 *
 * <p>Writes made by another process or another {@code Session} instance are not seen by a cached
 * entry until it is evicted or expires; implementations bound that time.
 */
public interface PeerCache {

  /** The cached peer with this id, or null. */
  @Nullable PeerInfo get(PeerId id);

  /** Caches a peer just read from the store. */
  void put(PeerInfo peer);

  /**
   * Invalidates what a batch (reduced by {@link PeerBatch#reduce}) written to the store may have
   * changed: its own peers, and the cached peers that held a username or phone it claims or were
   * the self user when it claims that.
   */
  void written(List<PeerInfo> reducedBatch);

  /** Forgets everything. */
  void clear();

  /** A cache that holds nothing. */
  static PeerCache none() {
    return NoPeerCache.INSTANCE;
  }
}

/** The cache that holds nothing. */
enum NoPeerCache implements PeerCache {
  INSTANCE;

  @Override
  public @Nullable PeerInfo get(PeerId id) {
    return null;
  }

  @Override
  public void put(PeerInfo peer) {}

  @Override
  public void written(List<PeerInfo> reducedBatch) {}

  @Override
  public void clear() {}
}
