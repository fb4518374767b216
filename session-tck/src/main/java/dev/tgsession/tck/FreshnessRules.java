package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.Capability;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kit's group "peer freshness and pruning": when each peer was last cached, pruning by age, and
 * lookups by username bounded by age. Times are compared across a whole second, so a store that
 * keeps them to the second passes.
 */
abstract class FreshnessRules extends TckGroup {

  FreshnessRules(SessionTck kit) {
    super(kit);
  }

  private static Instant cachedAt(Session session, PeerId id) {
    return session
        .peerCachedAt(id)
        .orElseThrow(() -> new AssertionError("expected a cache time for " + id));
  }

  private static SessionData withoutPeers(SessionData data) {
    return new SessionData(
        data.homeDcId(),
        data.dcOptions(),
        Map.of(),
        data.updatesState(),
        data.mediaDcOptions(),
        data.tempAuthKeys(),
        data.mediaTempAuthKeys(),
        data.homeDcFamily());
  }

  @Test
  @DisplayName("cachePeer and cachePeers record when each peer was cached")
  void recorded() {
    Session session = open();
    Instant before = Instant.now().minusSeconds(1);
    session.cachePeer(user(1, 1));
    session.cachePeers(List.of(new PeerInfo.Chat(2), channel(3, 3)));
    Instant after = Instant.now().plusSeconds(1);
    for (PeerId id : List.of(PeerId.user(1), PeerId.chat(2), PeerId.channel(3))) {
      assertThat(cachedAt(session, id)).as("the cache time of %s", id).isBetween(before, after);
    }
    assertThat(session.peerCachedAt(PeerId.user(4))).as("a peer never cached").isEmpty();
  }

  @Test
  @DisplayName("peerCachedAt(selfUser()) is the self user's cache time")
  void selfUserTime() {
    Session session = open();
    assertThat(session.peerCachedAt(PeerId.selfUser())).as("with no self user").isEmpty();
    session.cachePeer(self(7, 70));
    assertThat(session.peerCachedAt(PeerId.selfUser()))
        .as("selfUser()'s time against user 7's")
        .contains(cachedAt(session, PeerId.user(7)));
  }

  @Test
  @DisplayName("a merge that keeps the access hash still refreshes the cache time")
  void mergeRefreshes() throws InterruptedException {
    Session session = open();
    session.cachePeer(user(1, 100));
    Instant first = cachedAt(session, PeerId.user(1));
    Instant boundary = nextSecond();
    session.cachePeer(new PeerInfo.User(1, null, Boolean.TRUE, null, null, null));
    assertThat(cachedAt(session, PeerId.user(1)))
        .as("the cache time after a merge without the hash (first cached at %s)", first)
        .isAfterOrEqualTo(boundary);
    assertThat(stored(session, 1).auth())
        .as("the hash the merge kept")
        .isEqualTo(new PeerAuth(100));
  }

  @Test
  @DisplayName("prunePeers removes only the peers last cached before the time, and counts them")
  void prunesOlder() throws InterruptedException {
    Session session = open();
    session.cachePeers(List.of(user(1, 1), new PeerInfo.Chat(2), channel(3, 3), user(5, 55)));
    Instant boundary = nextSecond();
    session.cachePeers(List.of(user(4, 4), new PeerInfo.User(5, null, null, null, null, null)));
    assertThat(session.prunePeers(boundary)).as("what prunePeers returns").isEqualTo(3);
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(session.peer(PeerId.user(1))).as("user 1, cached before").isEmpty();
    soft.assertThat(session.peer(PeerId.chat(2))).as("chat 2, cached before").isEmpty();
    soft.assertThat(session.peer(PeerId.channel(3))).as("channel 3, cached before").isEmpty();
    soft.assertThat(session.peer(PeerId.user(4))).as("user 4, cached after").isPresent();
    soft.assertThat(session.peer(PeerId.user(5)).map(PeerInfo::auth))
        .as("user 5, re-cached after without its hash")
        .contains(new PeerAuth(55));
    soft.assertThat(session.peerCount()).as("peerCount()").isEqualTo(2);
    soft.assertThat(all(session).keySet())
        .as("peers()")
        .containsExactlyInAnyOrder(PeerId.user(4), PeerId.user(5));
    soft.assertThat(session.peerCachedAt(PeerId.user(1))).as("user 1's cache time").isEmpty();
    soft.assertAll();
    assertThat(session.prunePeers(boundary)).as("a second prune at the same time").isZero();
  }

  @Test
  @DisplayName("prunePeers never removes the self user")
  void keepsSelf() throws InterruptedException {
    Session session = open();
    session.cachePeers(List.of(self(1, 11), user(2, 2)));
    Instant boundary = nextSecond();
    assertThat(session.prunePeers(boundary)).as("what prunePeers returns").isEqualTo(1);
    assertThat(session.peer(PeerId.selfUser())).as("the self user").contains(self(1, 11));
    assertThat(session.peer(PeerId.user(1))).as("user 1 by id").isPresent();
    assertThat(session.peerCount()).as("peerCount()").isEqualTo(1);
  }

  @Test
  @DisplayName("prunePeers releases the usernames and phones of the peers it removes")
  void releasesNames() throws InterruptedException {
    Session session = open();
    session.cachePeers(
        List.of(named(1, "old_name", "old_alias"), withPhone(2, "15550001"), named(3, "kept_one")));
    Instant boundary = nextSecond();
    session.cachePeer(user(3, 3));
    session.prunePeers(boundary);
    assertThat(session.peerByUsername("old_name")).as("old_name").isEmpty();
    assertThat(session.peerByUsername("old_alias")).as("old_alias").isEmpty();
    assertThat(session.peerByPhone("15550001")).as("the pruned user's phone").isEmpty();
    assertThat(ownerOf(session, "kept_one")).as("the kept user's name").isEqualTo(PeerId.user(3));
    session.cachePeer(named(9, "old_name"));
    assertThat(ownerOf(session, "old_name")).as("old_name claimed anew").isEqualTo(PeerId.user(9));
  }

  @Test
  @DisplayName(
      "a username and a phone that moved to a newer owner stay with it when the old owner is pruned")
  void movedNameStays() throws InterruptedException {
    Session session = open();
    session.cachePeers(
        List.of(
            new PeerInfo.User(
                1, new PeerAuth(1), null, null, List.of("moved_name", "own_name"), "15550002")));
    Instant boundary = nextSecond();
    session.cachePeers(List.of(named(2, "moved_name"), withPhone(3, "15550002")));
    assertThat(session.prunePeers(boundary)).as("what prunePeers returns").isEqualTo(1);
    assertThat(ownerOf(session, "moved_name")).as("moved_name").isEqualTo(PeerId.user(2));
    assertThat(stored(session, 2).usernames()).as("user 2's names").containsExactly("moved_name");
    assertThat(session.peerByPhone("15550002").map(PeerInfo::peerId))
        .as("the phone")
        .contains(PeerId.user(3));
    assertThat(session.peerByUsername("own_name")).as("the pruned user's own name").isEmpty();
  }

  @Test
  @DisplayName("prunePeers leaves DC options, the home DC and the updates state untouched")
  void leavesTheRest() throws InterruptedException {
    Session session = open();
    session.setHomeDcId(4);
    session.setDcOption(dc(4, 44));
    session.setUpdateState(
        new UpdateState.All(
            new UpdatesState(10, 20, 30, 40, List.of(new dev.tgsession.ChannelState(3, 33)))));
    session.cachePeers(List.of(fullUser(1), channel(3, 3)));
    SessionData before = session.snapshot();
    session.prunePeers(nextSecond());
    SessionData after = session.snapshot();
    assertThat(after.peers()).as("peers after the prune").isEmpty();
    assertThat(withoutPeers(after)).as("everything but the peers").isEqualTo(withoutPeers(before));
  }

  @Test
  @DisplayName("peerByUsername(name, maxAge) answers only when the owner was cached within maxAge")
  void usernameWithinMaxAge() throws InterruptedException {
    Session session = open();
    session.cachePeer(named(1, "aging"));
    assertThat(session.peerByUsername("aging", Duration.ofHours(1)).map(PeerInfo::peerId))
        .as("within an hour, right after caching")
        .contains(PeerId.user(1));
    sleepPast(nextSecond().plusMillis(500));
    assertThat(session.peerByUsername("@Aging", Duration.ofMillis(300)))
        .as("within 300 ms, more than a second after caching")
        .isEmpty();
    assertThat(session.peerByUsername("aging", Duration.ofHours(1)))
        .as("within an hour")
        .isPresent();
    assertThat(session.peerByUsername("aging")).as("without an age").isPresent();
    session.cachePeer(user(1, 1));
    assertThat(session.peerByUsername("aging", Duration.ofSeconds(30)).map(PeerInfo::peerId))
        .as("within 30 s, after re-caching the owner")
        .contains(PeerId.user(1));
    assertThat(session.peerByUsername("nobody_has", Duration.ofHours(1)))
        .as("a name nobody owns")
        .isEmpty();
  }

  @Test
  @DisplayName(
      "olderThan in the future and maxAge <= 0 are refused with IllegalArgumentException,"
          + " and change nothing")
  void badInput() {
    Session session = open();
    session.cachePeers(List.of(self(1, 1), named(2, "some_name")));
    SessionData before = session.snapshot();
    Instant cached = cachedAt(session, PeerId.user(2));
    SoftAssertions soft = new SoftAssertions();
    soft.assertThatThrownBy(() -> session.prunePeers(Instant.now().plusSeconds(3600)))
        .as("olderThan an hour ahead")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("future");
    soft.assertThatThrownBy(() -> session.peerByUsername("some_name", Duration.ZERO))
        .as("maxAge 0")
        .isInstanceOf(IllegalArgumentException.class);
    soft.assertThatThrownBy(() -> session.peerByUsername("some_name", Duration.ofSeconds(-5)))
        .as("maxAge -5 s")
        .isInstanceOf(IllegalArgumentException.class);
    soft.assertThatThrownBy(() -> session.prunePeers(null))
        .isInstanceOf(NullPointerException.class);
    soft.assertThatThrownBy(() -> session.peerCachedAt(null))
        .isInstanceOf(NullPointerException.class);
    soft.assertAll();
    assertThat(session.snapshot()).as("the session after the refused calls").isEqualTo(before);
    assertThat(cachedAt(session, PeerId.user(2))).as("user 2's cache time").isEqualTo(cached);
  }

  @Test
  @DisplayName("cache times survive close and reopen, and a prune is durable (DURABLE)")
  void durable() throws InterruptedException {
    assumeCapability(Capability.DURABLE);
    Instant boundary;
    Instant time;
    try (Session first = open()) {
      first.cachePeers(List.of(named(1, "durable_old"), user(2, 2)));
      boundary = nextSecond();
      first.cachePeer(user(3, 3));
      time = cachedAt(first, PeerId.user(3));
    }
    try (Session second = open()) {
      assertThat(cachedAt(second, PeerId.user(3))).as("user 3's time after reopen").isEqualTo(time);
      assertThat(second.prunePeers(boundary)).as("the prune after reopen").isEqualTo(2);
    }
    try (Session third = open()) {
      assertThat(all(third).keySet())
          .as("peers after the prune and reopen")
          .containsExactly(PeerId.user(3));
      assertThat(third.peerByUsername("durable_old")).as("the pruned name").isEmpty();
    }
  }

  @Test
  @DisplayName(
      "a prune through one instance is seen at once by another that read the peers (SHARED)")
  void sharedPrune() throws InterruptedException {
    assumeCapability(Capability.SHARED);
    Session a = open();
    Session b = open();
    a.cachePeers(List.of(named(1, "shared_old"), user(2, 2)));
    assertThat(b.peer(PeerId.user(1))).as("B's read before the prune").isPresent();
    assertThat(b.peer(PeerId.user(2))).as("B's read before the prune").isPresent();
    Instant boundary = nextSecond();
    a.cachePeer(user(3, 3));
    assertThat(a.prunePeers(boundary)).as("A's prune").isEqualTo(2);
    assertThat(b.peer(PeerId.user(1))).as("B's read of user 1 right after A's prune").isEmpty();
    assertThat(b.peer(PeerId.user(2))).as("B's read of user 2 right after A's prune").isEmpty();
    assertThat(b.peerByUsername("shared_old")).as("B's lookup of the pruned name").isEmpty();
    assertThat(b.peerCount()).as("B's peer count").isEqualTo(1);
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  @DisplayName("prunes racing cache writes leave a consistent store that keeps every newer write")
  void pruneRacingWrites() throws Exception {
    Session session = open();
    Session other = capabilities().contains(Capability.SHARED) ? open() : session;
    int old = 100;
    List<PeerInfo> olds = new ArrayList<>();
    for (int i = 1; i <= old; i++) {
      olds.add(new PeerInfo.User(i, new PeerAuth(i), null, null, List.of("race" + i), null));
    }
    session.cachePeers(olds);
    Instant boundary = nextSecond();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      // the writer re-caches every other old peer (taking over its name) and caches new ones
      Future<?> writer =
          pool.submit(
              () -> {
                start.await();
                for (int i = 1; i <= old; i++) {
                  try {
                    if (i % 2 == 0) {
                      session.cachePeer(named(i, "race" + i));
                    }
                    session.cachePeer(named(1000 + i, "fresh" + i));
                  } catch (Throwable e) {
                    errors.add(e);
                  }
                }
                return null;
              });
      Future<?> pruner =
          pool.submit(
              () -> {
                start.await();
                for (int round = 0; round < 20; round++) {
                  try {
                    other.prunePeers(boundary);
                  } catch (Throwable e) {
                    errors.add(e);
                  }
                }
                return null;
              });
      start.countDown();
      writer.get(2, TimeUnit.MINUTES);
      pruner.get(2, TimeUnit.MINUTES);
    } finally {
      pool.shutdownNow();
    }
    assertThat(errors).as("what the threads threw").isEmpty();
    session.prunePeers(boundary);
    SoftAssertions soft = new SoftAssertions();
    for (int i = 1; i <= old; i++) {
      soft.assertThat(session.peer(PeerId.user(1000 + i)).map(PeerInfo::usernames))
          .as("new user %d, cached after the boundary", 1000 + i)
          .contains(List.of("fresh" + i));
      soft.assertThat(session.peer(PeerId.user(i)).isPresent())
          .as("old user %d, %s", i, i % 2 == 0 ? "re-cached after the boundary" : "never re-cached")
          .isEqualTo(i % 2 == 0);
      PeerId owner = session.peerByUsername("race" + i).map(PeerInfo::peerId).orElse(null);
      soft.assertThat(owner)
          .as("the owner of race%d", i)
          .isEqualTo(i % 2 == 0 ? PeerId.user(i) : null);
    }
    soft.assertThat(session.peerCount()).as("peerCount()").isEqualTo(old + old / 2);
    soft.assertThat((long) all(session).size()).as("peers() streamed").isEqualTo(old + old / 2);
    soft.assertAll();
  }
}
