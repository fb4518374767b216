package dev.tgsession.spi;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The peer side of a session's policy: lookups through the coherent peer cache, normalised
 * usernames and phones, reduced batches, each write fenced once and stamped with the time it was
 * cached, ages and pruning.
 */
final class SessionPeers {

  private final AbstractSession session;
  private final PeerCacheGuard peerCache;
  private final LeaseHolder lease;
  private final SessionEvents events;
  private final String description;

  SessionPeers(
      AbstractSession session,
      PeerCacheGuard peerCache,
      LeaseHolder lease,
      SessionEvents events,
      String description) {
    this.session = session;
    this.peerCache = peerCache;
    this.lease = lease;
    this.events = events;
    this.description = description;
  }

  Optional<PeerInfo> peer(PeerId id) {
    Objects.requireNonNull(id, "id");
    session.ensureOpen();
    if (id.equals(PeerId.selfUser())) {
      return Optional.ofNullable(events.timed("peer", 1, session::loadSelfUser));
    }
    PeerInfo cached = peerCache.get(id);
    if (cached != null) {
      if (session.cachedPeersCurrent()) {
        events.cacheAccess(true);
        return Optional.of(cached);
      }
      session.peersChangedElsewhere();
    }
    events.cacheAccess(false);
    long version = peerCache.version();
    PeerInfo loaded = events.timed("peer", 1, () -> session.loadPeer(id));
    if (loaded != null) {
      peerCache.putIfCurrent(loaded, version);
    }
    return Optional.ofNullable(loaded);
  }

  void cachePeer(PeerInfo peer) {
    Objects.requireNonNull(peer, "peer");
    session.ensureOpen();
    write("cachePeer", List.of(peer));
  }

  void cachePeers(Collection<? extends PeerInfo> peers) {
    Objects.requireNonNull(peers, "peers");
    session.ensureOpen();
    List<PeerInfo> reduced = PeerBatch.reduce(peers);
    if (!reduced.isEmpty()) {
      write("cachePeers", reduced);
    }
  }

  private void write(String operation, List<PeerInfo> reduced) {
    WriteFence fence = lease.checkWritable(description);
    Instant now = Instant.now();
    try {
      events.timed(
          operation,
          reduced.size(),
          () -> {
            session.storePeers(reduced, now, fence);
            return null;
          });
    } finally {
      peerCache.written(reduced);
    }
  }

  Optional<PeerInfo> peerByUsername(String username) {
    String normalized = PeerInfo.normalizeUsername(username);
    session.ensureOpen();
    return Optional.ofNullable(
        events.timed("peerByUsername", 1, () -> session.loadPeerByUsername(normalized)));
  }

  Optional<PeerInfo> peerByUsername(String username, Duration maxAge) {
    String normalized = PeerInfo.normalizeUsername(username);
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("expected a positive maxAge, found " + maxAge);
    }
    session.ensureOpen();
    Instant since = Instant.now().minus(maxAge);
    return Optional.ofNullable(
        events.timed(
            "peerByUsername",
            1,
            () -> {
              PeerInfo owner = session.loadPeerByUsername(normalized);
              if (owner == null) {
                return null;
              }
              Instant at = session.loadPeerCachedAt(owner.peerId());
              return at != null && !at.isBefore(since) ? owner : null;
            }));
  }

  Optional<PeerInfo> peerByPhone(String phone) {
    String normalized = PeerInfo.normalizePhone(phone);
    session.ensureOpen();
    return Optional.ofNullable(
        events.timed("peerByPhone", 1, () -> session.loadPeerByPhone(normalized)));
  }

  Optional<Instant> peerCachedAt(PeerId id) {
    Objects.requireNonNull(id, "id");
    session.ensureOpen();
    PeerId stored = id;
    if (id.equals(PeerId.selfUser())) {
      PeerInfo.User self = events.timed("peer", 1, session::loadSelfUser);
      if (self == null) {
        return Optional.empty();
      }
      stored = self.peerId();
    }
    PeerId lookup = stored;
    return Optional.ofNullable(
        events.timed("peerCachedAt", 1, () -> session.loadPeerCachedAt(lookup)));
  }

  long prunePeers(Instant olderThan) {
    Objects.requireNonNull(olderThan, "olderThan");
    Instant now = Instant.now();
    if (olderThan.isAfter(now)) {
      throw new IllegalArgumentException(
          "expected olderThan at or before now ("
              + now
              + "), found "
              + olderThan
              + " in the future");
    }
    session.ensureOpen();
    WriteFence fence = lease.checkWritable(description);
    try {
      return events.timed("prunePeers", 0, () -> session.prunePeers(olderThan, fence));
    } finally {
      peerCache.invalidate();
    }
  }
}
