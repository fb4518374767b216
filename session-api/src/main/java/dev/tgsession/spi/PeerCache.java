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
 * <p>A cache sees only the writes made through its own session. Keeping it coherent with writes
 * made by another instance or process is the backend's part: a backend that declares {@link
 * Capability#SHARED} must never serve a peer another instance changed (the contract's rule 9), so
 * it checks with the store before a cached entry is served ({@link
 * AbstractSession#cachedPeersCurrent()}) or drops the cache when the store reports a change ({@link
 * AbstractSession#peersChangedElsewhere()}); a backend that can do neither keeps its cache off by
 * default. The entries' lifetime ({@code peer-cache-ttl}) bounds memory and age, not coherence.
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
