package dev.tgsession.redis;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.spi.PeerCache;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A peer cache whose {@link #clear()} costs nothing: each entry remembers the generation it was put
 * in, and a clear starts a new generation, so older entries are no longer served and age out of the
 * delegate on their own. The tracking drops the whole cache on every change of the session's peers,
 * its own writes included; dropping thousands of entries one by one on every write would cost more
 * than the write.
 */
final class GenerationPeerCache implements PeerCache {

  private final PeerCache delegate;
  private final Map<PeerId, Long> generations = new ConcurrentHashMap<>();
  private volatile long generation;
  private volatile BooleanSupplier current = () -> true;

  GenerationPeerCache(PeerCache delegate) {
    this.delegate = delegate;
  }

  /** Makes every {@link #get} ask {@code current} (which drops the cache when it says no) first. */
  void watch(BooleanSupplier current) {
    this.current = current;
  }

  @Override
  public @Nullable PeerInfo get(PeerId id) {
    // Generation first, entry second, tracking third, generation compared last: an entry put
    // after a drop carries the new generation only once it is in the delegate (see put), and a
    // drop by a drain that ran before or during the check is seen by the comparison.
    Long put = generations.get(id);
    if (put == null) {
      return null;
    }
    PeerInfo peer = delegate.get(id);
    if (peer == null || !current.getAsBoolean()) {
      return null;
    }
    return put == generation ? peer : null;
  }

  @Override
  public void put(PeerInfo peer) {
    // AbstractSession puts and clears under one lock, so the generation cannot move in between.
    delegate.put(peer);
    generations.put(peer.peerId(), generation);
  }

  @Override
  public void written(List<PeerInfo> reducedBatch) {
    delegate.written(reducedBatch);
  }

  @Override
  public void clear() {
    generation++;
    if (generations.size() > 100_000) {
      generations.clear(); // bounded: entries without a generation are not served
    }
  }
}
