package dev.tgsession.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.spi.PeerCache;
import dev.tgsession.spi.SessionUri;
import dev.tgsession.spi.SharedOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A bounded {@link PeerCache} on Caffeine. Besides the entries it indexes which cached peer holds
 * each username and phone number and which is the self user, so that a write that claims one of
 * them invalidates the peer that lost it.
 *
 * <p>Options of a session URI (list them in the provider's known options with {@link #OPTIONS}):
 *
 * <ul>
 *   <li>{@code peer-cache}: the most peers kept, default {@value #DEFAULT_SIZE}; 0 turns the cache
 *       off;
 *   <li>{@code peer-cache-ttl}: seconds an entry lives after it was read, default {@value
 *       #DEFAULT_TTL_SECONDS} (up to about a tenth of a second more: the clock a hit reads is
 *       {@link CoarseTicker}'s): it bounds memory and age, not coherence.
 * </ul>
 *
 * <p>Coherence with other instances and processes is the backend's part, not this cache's (see
 * {@link PeerCache}): a shared backend asks the store before an entry is served, or clears the
 * cache when the store reports a change, so a peer changed elsewhere is never served. Only a
 * backend that can do neither (its cache is off by default), with the cache turned on by the user,
 * serves such a peer until its entry expires.
 */
public final class CaffeinePeerCache implements PeerCache {

  /** The URI options this cache reads. */
  public static final List<String> OPTIONS = List.of("peer-cache", "peer-cache-ttl");

  /** The default number of peers kept. */
  public static final int DEFAULT_SIZE = 10_000;

  /** The default lifetime of an entry, in seconds. */
  public static final int DEFAULT_TTL_SECONDS = 300;

  private final Cache<PeerId, PeerInfo> peers;
  private final Map<String, PeerId> usernameHolders = new ConcurrentHashMap<>();
  private final Map<String, PeerId> phoneHolders = new ConcurrentHashMap<>();
  private volatile @Nullable PeerId selfUser;

  private CaffeinePeerCache(long maximumSize, Duration ttl) {
    this.peers =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .expireAfterWrite(ttl)
            .ticker(CoarseTicker.INSTANCE)
            .executor(Runnable::run)
            .removalListener(
                (PeerId id, PeerInfo peer, RemovalCause cause) -> {
                  // A replaced entry's names were just indexed again by put(); keep them.
                  if (id != null && peer != null && cause != RemovalCause.REPLACED) {
                    forget(id, peer);
                  }
                })
            .build();
  }

  /**
   * The cache a URI asks for: {@link PeerCache#none()} when {@code peer-cache=0}. The provider
   * declares {@link SharedOptions#PEER_CACHE} and {@link SharedOptions#PEER_CACHE_TTL} (with its
   * own defaults, if any); their values are read typed, never parsed again.
   *
   * @throws IllegalArgumentException naming the option when a value is not a valid number
   */
  public static PeerCache fromUri(SessionUri uri) {
    int size = uri.get(SharedOptions.PEER_CACHE);
    int ttl = uri.get(SharedOptions.PEER_CACHE_TTL);
    return size == 0 ? PeerCache.none() : of(size, Duration.ofSeconds(ttl));
  }

  /**
   * A cache of at most {@code maximumSize} peers, each kept at most {@code ttl} after it was read.
   *
   * @throws IllegalArgumentException on a size below 1 or a ttl that is not positive
   */
  public static CaffeinePeerCache of(long maximumSize, Duration ttl) {
    if (maximumSize < 1) {
      throw new IllegalArgumentException("expected a peer cache size >= 1, found " + maximumSize);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("expected a positive peer cache ttl, found " + ttl);
    }
    return new CaffeinePeerCache(maximumSize, ttl);
  }

  @Override
  public @Nullable PeerInfo get(PeerId id) {
    return peers.getIfPresent(id);
  }

  @Override
  public void put(PeerInfo peer) {
    PeerId id = peer.peerId();
    List<String> usernames = peer.usernames();
    if (usernames != null) {
      for (String username : usernames) {
        usernameHolders.put(username, id);
      }
    }
    if (peer instanceof PeerInfo.User user) {
      if (user.phone() != null) {
        phoneHolders.put(user.phone(), id);
      }
      if (user.isSelf()) {
        selfUser = id;
      }
    }
    peers.put(id, peer);
  }

  @Override
  public void written(List<PeerInfo> reducedBatch) {
    for (PeerInfo peer : reducedBatch) {
      PeerId id = peer.peerId();
      peers.invalidate(id);
      List<String> usernames = peer.usernames();
      if (usernames != null) {
        for (String username : usernames) {
          invalidateHolder(usernameHolders.remove(username), id);
        }
      }
      if (peer instanceof PeerInfo.User user) {
        if (user.phone() != null) {
          invalidateHolder(phoneHolders.remove(user.phone()), id);
        }
        if (user.isSelf()) {
          invalidateHolder(selfUser, id);
        }
      }
    }
  }

  @Override
  public void clear() {
    peers.invalidateAll();
    usernameHolders.clear();
    phoneHolders.clear();
    selfUser = null;
  }

  /** How many peers are cached now (for tests and diagnostics). */
  public long size() {
    peers.cleanUp();
    return peers.estimatedSize();
  }

  private void invalidateHolder(@Nullable PeerId holder, PeerId claimer) {
    if (holder != null && !holder.equals(claimer)) {
      peers.invalidate(holder);
    }
  }

  private void forget(PeerId id, PeerInfo peer) {
    List<String> usernames = peer.usernames();
    if (usernames != null) {
      usernames.forEach(username -> usernameHolders.remove(username, id));
    }
    if (peer instanceof PeerInfo.User user) {
      if (user.phone() != null) {
        phoneHolders.remove(user.phone(), id);
      }
      if (id.equals(selfUser)) {
        selfUser = null;
      }
    }
  }
}
