package dev.tgsession.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.DcOption;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.AbstractSession;
import dev.tgsession.spi.PeerCache;
import dev.tgsession.spi.SessionUri;
import dev.tgsession.spi.SharedOptions;
import dev.tgsession.spi.StoredDcs;
import dev.tgsession.spi.WriteFence;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The cache in front of a store, kept coherent by AbstractSession with the session's writes. */
class CachedSessionTest {

  /** A store over a memory session that counts the reads by id that reach it. */
  static final class CountingSession extends AbstractSession {
    final Session store = Sessions.open("memory:");
    final AtomicInteger loads = new AtomicInteger();

    CountingSession(PeerCache cache) {
      super("counting:", cache);
    }

    @Override
    protected StoredDcs loadDcs() {
      return StoredDcs.NONE;
    }

    @Override
    protected void storeHomeDcId(int dcId, WriteFence fence) {}

    @Override
    protected void storeDcOption(DcOption option, WriteFence fence) {}

    @Override
    protected @Nullable PeerInfo loadPeer(PeerId id) {
      loads.incrementAndGet();
      return store.peer(id).orElse(null);
    }

    @Override
    protected PeerInfo.@Nullable User loadSelfUser() {
      return (PeerInfo.User) store.peer(PeerId.selfUser()).orElse(null);
    }

    @Override
    protected @Nullable PeerInfo loadPeerByUsername(String username) {
      return store.peerByUsername(username).orElse(null);
    }

    @Override
    protected @Nullable PeerInfo loadPeerByPhone(String phone) {
      return store.peerByPhone(phone).orElse(null);
    }

    @Override
    protected void storePeers(
        List<PeerInfo> reducedBatch, java.time.Instant cachedAt, WriteFence fence) {
      store.cachePeers(reducedBatch);
    }

    @Override
    protected UpdatesState loadUpdatesState() {
      return store.updatesState();
    }

    @Override
    protected void storeUpdateState(UpdateState update, WriteFence fence) {
      store.setUpdateState(update);
    }

    @Override
    protected Stream<PeerInfo> streamPeers() {
      return store.peers();
    }

    @Override
    protected long countPeers() {
      return store.peerCount();
    }

    @Override
    protected void clearStore(WriteFence fence) {
      store.clear();
    }

    @Override
    protected void closeStore() {
      store.close();
    }
  }

  private final CountingSession session =
      new CountingSession(CaffeinePeerCache.of(1000, Duration.ofMinutes(5)));

  @AfterEach
  void close() {
    session.close();
  }

  private static PeerInfo.User user(long id, long hash, String... usernames) {
    return new PeerInfo.User(id, new PeerAuth(hash), null, null, List.of(usernames), null);
  }

  @Test
  @DisplayName("a second read of a peer is served from the cache")
  void hitsAreCached() {
    session.cachePeer(user(1, 10));
    assertThat(session.peer(PeerId.user(1))).contains(user(1, 10));
    assertThat(session.peer(PeerId.user(1))).contains(user(1, 10));
    assertThat(session.loads).hasValue(1);
  }

  @Test
  @DisplayName("a miss is not cached: a peer cached later is found")
  void missesAreNotCached() {
    assertThat(session.peer(PeerId.user(2))).isEmpty();
    session.store.cachePeer(user(2, 20));
    assertThat(session.peer(PeerId.user(2))).contains(user(2, 20));
  }

  @Test
  @DisplayName("caching a peer again invalidates it: the merged value is read next")
  void writeInvalidates() {
    session.cachePeer(user(1, 10, "one"));
    session.peer(PeerId.user(1));
    session.cachePeer(new PeerInfo.User(1, null, Boolean.TRUE, null, null, null));
    assertThat(session.peer(PeerId.user(1)))
        .contains(new PeerInfo.User(1, new PeerAuth(10), true, null, List.of("one"), null));
    assertThat(session.loads).hasValue(2);
  }

  @Test
  @DisplayName("a username claimed by another peer is gone from the cached former holder")
  void usernameClaimInvalidatesHolder() {
    session.cachePeer(user(1, 10, "name", "other"));
    session.peer(PeerId.user(1));
    session.cachePeer(user(2, 20, "name"));
    assertThat(session.peer(PeerId.user(1)).orElseThrow().usernames()).containsExactly("other");
  }

  @Test
  @DisplayName("a phone claimed by another user is gone from the cached former holder")
  void phoneClaimInvalidatesHolder() {
    session.cachePeer(new PeerInfo.User(1, new PeerAuth(1), null, null, null, "15550001"));
    session.peer(PeerId.user(1));
    session.cachePeer(new PeerInfo.User(2, new PeerAuth(2), null, null, null, "15550001"));
    assertThat(((PeerInfo.User) session.peer(PeerId.user(1)).orElseThrow()).phone()).isNull();
  }

  @Test
  @DisplayName("a new self user clears the flag of the cached old one")
  void selfClaimInvalidatesOldSelf() {
    session.cachePeer(new PeerInfo.User(1, new PeerAuth(1), null, true, null, null));
    session.peer(PeerId.user(1));
    session.cachePeers(List.of(new PeerInfo.User(2, new PeerAuth(2), null, true, null, null)));
    assertThat(((PeerInfo.User) session.peer(PeerId.user(1)).orElseThrow()).self()).isFalse();
  }

  @Test
  @DisplayName("clear() empties the cache")
  void clearEmpties() {
    session.cachePeer(user(1, 10));
    session.peer(PeerId.user(1));
    session.clear();
    assertThat(session.peer(PeerId.user(1))).isEmpty();
  }

  @Test
  @DisplayName(
      "a working set read three times survives a scan five times the cache; what it lost comes back on the next read")
  void scanResistance() {
    int size = 1000;
    int workingSet = 500;
    int scanned = 5 * size;
    for (int i = 1; i <= workingSet + scanned; i++) {
      session.store.cachePeer(user(i, i, "u" + i)); // stored, not cached
    }
    for (int round = 0; round < 3; round++) {
      for (int i = 1; i <= workingSet; i++) {
        assertThat(session.peer(PeerId.user(i))).isPresent();
      }
    }
    int loads = session.loads.get();
    assertThat(loads).as("store reads of three passes over the working set").isEqualTo(workingSet);
    for (int i = workingSet + 1; i <= workingSet + scanned; i++) {
      assertThat(session.peer(PeerId.user(i))).isPresent();
    }
    int afterScan = session.loads.get();
    assertThat(afterScan - loads).as("store reads of the scan").isEqualTo(scanned);
    for (int i = 1; i <= workingSet; i++) {
      assertThat(session.peer(PeerId.user(i))).isPresent();
    }
    int firstPass = session.loads.get() - afterScan;
    for (int i = 1; i <= workingSet; i++) {
      assertThat(session.peer(PeerId.user(i))).isPresent();
    }
    int secondPass = session.loads.get() - afterScan - firstPass;
    assertThat(firstPass).as("working-set misses right after the scan").isLessThan(workingSet / 10);
    assertThat(secondPass)
        .as("working-set misses on the next pass (first: %d)", firstPass)
        .isZero();
  }

  @Test
  @DisplayName("the cache holds at most its maximum size")
  void bounded() {
    CaffeinePeerCache cache = CaffeinePeerCache.of(100, Duration.ofMinutes(1));
    for (int i = 1; i <= 1000; i++) {
      cache.put(user(i, i, "u" + i));
    }
    assertThat(cache.size()).isLessThanOrEqualTo(100);
  }

  @Test
  @DisplayName("reads racing writes of one peer never leave a stale entry behind")
  void racingReadsAndWrites() throws Exception {
    session.cachePeer(user(7, 0));
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<?> writer =
          pool.submit(
              () -> {
                for (int hash = 1; hash <= 2000; hash++) {
                  session.cachePeer(user(7, hash));
                }
              });
      List<Future<?>> readers = new java.util.ArrayList<>();
      for (int r = 0; r < 2; r++) {
        readers.add(
            pool.submit(
                () -> {
                  while (!writer.isDone()) {
                    session.peer(PeerId.user(7));
                  }
                }));
      }
      writer.get(1, TimeUnit.MINUTES);
      for (Future<?> reader : readers) {
        reader.get(1, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(session.peer(PeerId.user(7))).contains(user(7, 2000));
  }

  private static SessionUri declared(String uri) {
    return SessionUri.parse(uri)
        .withDeclaredOptions(SharedOptions.PEER_CACHE_OPTIONS, name -> false);
  }

  @Test
  @DisplayName("peer-cache=0 turns the cache off; bad values name the option")
  void options() {
    assertThat(CaffeinePeerCache.fromUri(declared("x:?peer-cache=0"))).isSameAs(PeerCache.none());
    assertThat(CaffeinePeerCache.fromUri(declared("x:"))).isInstanceOf(CaffeinePeerCache.class);
    assertThatThrownBy(() -> CaffeinePeerCache.fromUri(declared("x:?peer-cache=lots")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("peer-cache")
        .hasMessageContaining("lots");
    assertThatThrownBy(() -> CaffeinePeerCache.fromUri(declared("x:?peer-cache-ttl=0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("peer-cache-ttl");
    assertThatThrownBy(() -> CaffeinePeerCache.fromUri(SessionUri.parse("x:")))
        .as("an undeclared option is a provider's bug, said as such")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not declared");
  }
}
