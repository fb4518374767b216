package dev.tgsession.sqlite;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the file holds for the peers this session's batches last read or wrote, so that a batch of
 * peers written again (the same users with new access hashes, the common case) need not read their
 * rows back inside its write transaction. Used and changed only under the writer's lock, inside a
 * batch's {@code BEGIN IMMEDIATE} transaction.
 *
 * <p>It is exact, or empty: {@link #begin} compares the writer's {@code PRAGMA data_version}, which
 * changes with every commit of another connection (another instance, another process) and never
 * with the writer's own, with the value it had when the entries were last exact, and forgets them
 * all when it moved. The writer's own writes keep them exact because every write of this session
 * other than the batch path itself and the updates-state and DC writes (which touch no peer table)
 * forgets them first ({@link SqliteConnections}); the batch path records what it read and what its
 * access-hash-only upserts wrote, and forgets everything after a batch that wrote any other row (a
 * claim of a username, phone or self flag may change another peer's row), and after a failure. At
 * most as many peers as the session's peer cache holds ({@code peer-cache}, default 10,000), the
 * least recently used forgotten first; none with {@code peer-cache=0}, which keeps no copy of any
 * peer in the process.
 */
final class StoredPeers {

  private final int capacity;

  private final Map<PeerId, PeerInfo> peers =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, PeerInfo> eldest) {
          return size() > capacity;
        }
      };

  /** Remembers at most {@code capacity} peers (0: none, every batch reads its rows back). */
  StoredPeers(int capacity) {
    this.capacity = Math.max(0, capacity);
  }

  /** Whether it remembers anything at all. */
  boolean enabled() {
    return capacity > 0;
  }

  /** The writer's data_version when the entries were last known exact; -1: never. */
  private long version = -1;

  /**
   * Inside a batch's write transaction, before any entry is used: forgets every entry if another
   * connection committed since they were last known exact.
   */
  void begin(SqliteConnection writer) throws SQLException {
    long now = SqliteCoherence.dataVersion(writer);
    if (now != version || now == -1) {
      peers.clear();
    }
    version = now;
  }

  /** What the file holds for this peer, or null when not remembered. */
  @Nullable PeerInfo get(PeerId id) {
    return peers.get(id);
  }

  /**
   * Records what the file holds for this peer now (inside the transaction that read or wrote it).
   */
  void put(PeerInfo peer) {
    if (capacity > 0) {
      peers.put(peer.peerId(), peer);
    }
  }

  /** Forgets this peer (a write changed its row in a way not decoded here). */
  void forget(PeerId id) {
    peers.remove(id);
  }

  /** Forgets every entry (a write that may have changed any peer's row, or a failed one). */
  void clear() {
    peers.clear();
  }

  /** How many peers are remembered (for tests). */
  int size() {
    return peers.size();
  }
}
