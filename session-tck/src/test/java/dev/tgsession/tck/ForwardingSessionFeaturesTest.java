package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.AddressFamily;
import dev.tgsession.ForwardingSession;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerId;
import dev.tgsession.Session;
import dev.tgsession.SessionLease;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.SessionStore;
import dev.tgsession.Sessions;
import dev.tgsession.TempAuthKey;
import dev.tgsession.spi.TestHooks;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A {@link ForwardingSession} around the reference backend with leases, encryption and a directory
 * ({@code test-leased}) keeps every feature: the facets answer for the wrapped session.
 */
class ForwardingSessionFeaturesTest {

  private static final AtomicLong NAMES = new AtomicLong();

  private static String name() {
    return "forwarding-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
  }

  @Test
  @DisplayName("lease(), leasing() and close() work through the wrapper")
  void leases() {
    String name = name();
    Session wrapper =
        new ForwardingSession(
            Sessions.open("test-leased:?session=" + name + "&lease=30&owner=fw-owner"));
    SessionLease held = wrapper.lease().orElseThrow();
    assertThat(held.owner()).as("the lease's owner").isEqualTo("fw-owner");
    assertThat(wrapper.leasing()).as("leasing()").isPresent();
    assertThat(wrapper.leasing().orElseThrow().held()).as("leasing().held()").contains(held);
    assertThat(wrapper.leasing().orElseThrow().current().map(SessionLease::owner))
        .as("leasing().current(), as the store holds it")
        .contains("fw-owner");
    assertThatThrownBy(
            () -> Sessions.open("test-leased:?session=" + name + "&lease=30&owner=other"))
        .as("another owner while the wrapped session holds the lease")
        .isInstanceOf(SessionLeasedException.class);
    assertThat(wrapper.isClosed()).as("isClosed() while open").isFalse();
    wrapper.close();
    assertThat(wrapper.isClosed()).as("isClosed() after close()").isTrue();
    try (Session next =
        Sessions.open("test-leased:?session=" + name + "&lease=30&owner=next-owner")) {
      assertThat(next.lease().map(SessionLease::owner))
          .as("the next owner, after the wrapper's close() released the lease")
          .contains("next-owner");
      next.clear();
    }
  }

  @Test
  @DisplayName("leasing().acquire() through the wrapper takes the lease for the wrapped session")
  void acquire() {
    String name = name();
    try (Session wrapper = new ForwardingSession(Sessions.open("test-leased:?session=" + name))) {
      assertThat(wrapper.lease()).as("lease() before acquire").isEmpty();
      SessionLease lease =
          wrapper.leasing().orElseThrow().acquire("fw-acquirer", Duration.ofSeconds(30));
      assertThat(wrapper.lease()).as("lease() after acquire").contains(lease);
      wrapper.cachePeer(user(1, 1));
      wrapper.clear();
    }
  }

  @Test
  @DisplayName("encryption() through the wrapper: its fingerprint, and a rekey that holds")
  void encryption() {
    String name = name();
    try (TckKeyFiles keys = new TckKeyFiles()) {
      String base = "test-leased:?session=" + name + "&";
      try (Session wrapper = new ForwardingSession(Sessions.open(base + keys.option(1)))) {
        assertThat(wrapper.encryption().orElseThrow().fingerprint())
            .as("the fingerprint")
            .contains(TckKeyFiles.fingerprint(1));
        wrapper.setDcOption(dc(2, 22));
        wrapper.encryption().orElseThrow().rekey(TckKeyFiles.key(2));
        assertThat(wrapper.encryption().orElseThrow().fingerprint())
            .as("the fingerprint after rekey")
            .contains(TckKeyFiles.fingerprint(2));
      }
      assertThatThrownBy(() -> Sessions.open(base + keys.option(1)))
          .as("the old key after the rekey through the wrapper")
          .isInstanceOf(IncompatibleSessionException.class);
      try (Session again = Sessions.open(base + keys.option(2))) {
        assertThat(again.dcOption(2).orElseThrow().authKey()).as("DC 2's key").isEqualTo(key(22));
        again.clear();
      }
    }
  }

  @Test
  @DisplayName("temporary keys, media DCs, the family, freshness and pruning work through it")
  void storeFeatures() throws InterruptedException {
    String name = name();
    try (Session wrapper = new ForwardingSession(Sessions.open("test-leased:?session=" + name))) {
      wrapper.setDcOption(dc(2, 22));
      wrapper.setMediaDcOption(mediaDc(2));
      wrapper.setHomeDc(2, AddressFamily.IPV6);
      TempAuthKey temp = tempKey(5);
      wrapper.setTempAuthKey(2, false, temp);
      wrapper.cachePeers(List.of(self(1, 1), named(2, "old_name")));
      Instant boundary = nextSecond();
      wrapper.cachePeer(named(3, "new_name"));
      try (Session plain = Sessions.open("test-leased:?session=" + name)) {
        assertThat(plain.tempAuthKey(2, false)).as("the temporary key, read bare").contains(temp);
        assertThat(plain.mediaDcOption(2).orElseThrow().authKey())
            .as("the media key, read bare")
            .isEqualTo(key(22));
        assertThat(plain.homeDcFamily()).as("the family, read bare").isEqualTo(AddressFamily.IPV6);
      }
      assertThat(wrapper.peerCachedAt(PeerId.user(3))).as("user 3's cache time").isPresent();
      assertThat(wrapper.peerByUsername("new_name", Duration.ofMinutes(1))).isPresent();
      assertThat(wrapper.prunePeers(boundary)).as("the prune").isEqualTo(1);
      assertThat(wrapper.peer(PeerId.selfUser())).as("the self user").isPresent();
      try (SessionStore store = Sessions.store("test-leased:")) {
        assertThat(store.summary(name).orElseThrow().peerCount())
            .as("the directory's count after the prune")
            .isEqualTo(2);
        assertThat(store.forceDelete(name)).as("deleting the session").isTrue();
      }
    }
  }

  @Test
  @DisplayName("the lease-renewal test hook refuses a wrapper, naming what it needs")
  void testHookNeedsTheCore() {
    try (Session wrapper = new ForwardingSession(Sessions.open("test-leased:?session=" + name()))) {
      assertThatThrownBy(() -> TestHooks.stopLeaseRenewal(wrapper))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("AbstractSession");
    }
  }
}
