package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tgsession.PeerId;
import dev.tgsession.Session;
import dev.tgsession.SessionLease;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.SessionLockedException;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.TestHooks;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The kit's group "leases (LEASE)" (rule 12). */
abstract class LeaseRules extends TckGroup {

  LeaseRules(SessionTck kit) {
    super(kit);
  }

  @BeforeEach
  void requireLease() {
    assumeCapability(Capability.LEASE);
  }

  private Session leased(String owner, int seconds) {
    return openUri(sessionName(), uriWith(sessionName(), "lease=" + seconds + "&owner=" + owner));
  }

  private static void sleepPast(Instant instant) throws InterruptedException {
    long millis = Duration.between(Instant.now(), instant).toMillis() + 700;
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  private static void stopRenewal(Session session) {
    TestHooks.stopLeaseRenewal(session);
  }

  private static SessionLease leaseOf(Session session) {
    return session
        .lease()
        .orElseThrow(() -> new AssertionError("expected the session to hold a lease"));
  }

  @Test
  @DisplayName("open with lease= holds the lease: lease() names the owner, a token and the expiry")
  void leaseHeld() {
    Instant before = Instant.now();
    Session session = leased("owner-a", 30);
    SessionLease lease = leaseOf(session);
    assertThat(lease.owner()).as("the lease's owner").isEqualTo("owner-a");
    assertThat(lease.token()).as("the fencing token").isPositive();
    assertThat(lease.expiresAt())
        .as("the expiry of a 30 s lease")
        .isAfter(before.plusSeconds(20))
        .isBefore(Instant.now().plusSeconds(40));
  }

  @Test
  @DisplayName("a session opened without lease= holds none")
  void noLeaseWithoutOption() {
    assertThat(open().lease()).as("lease() of a session opened without lease=").isEmpty();
  }

  @Test
  @DisplayName("a second owner is refused at once, with the holder's name and expiry")
  void secondOwnerRefused() {
    Session first = leased("owner-a", 30);
    Instant expires = leaseOf(first).expiresAt();
    SessionLeasedException refused =
        catchThrowableOfType(SessionLeasedException.class, () -> leased("owner-b", 30));
    assertThat(refused).as("what the second owner's open throws").isNotNull();
    assertThat(refused).isInstanceOf(SessionLockedException.class);
    assertThat(refused.holder()).as("holder()").isEqualTo("owner-a");
    assertThat(refused.getMessage()).as("the message").contains("owner-a");
    assertThat(refused.expiresAt())
        .as("expiresAt(), against the holder's own expiry")
        .isBetween(expires.minusSeconds(5), expires.plusSeconds(30));
  }

  @Test
  @DisplayName("the default owner is hostname:pid")
  void defaultOwner() {
    Session session = openUri(sessionName(), uriWith(sessionName(), "lease=30"));
    assertThat(leaseOf(session).owner())
        .as("the default owner")
        .isEqualTo(Sessions.defaultOwner())
        .endsWith(":" + ProcessHandle.current().pid());
  }

  @Test
  @DisplayName("close() releases the lease: the next owner gets it at once")
  void closeReleases() {
    Session first = leased("owner-a", 60);
    long firstToken = leaseOf(first).token();
    first.close();
    Session second = leased("owner-b", 60);
    assertThat(leaseOf(second).owner()).as("the next owner").isEqualTo("owner-b");
    assertThat(leaseOf(second).token())
        .as("the next token, against the released one")
        .isGreaterThan(firstToken);
  }

  @Test
  @DisplayName("the lease is renewed in the background while its holder runs")
  void renewalKeepsIt() throws InterruptedException {
    Session first = leased("owner-a", 2);
    Instant firstExpiry = leaseOf(first).expiresAt();
    sleepPast(firstExpiry);
    assertThat(leaseOf(first).expiresAt()).as("the expiry after renewals").isAfter(firstExpiry);
    assertThatThrownBy(() -> leased("owner-b", 2))
        .as("another owner, past the first expiry")
        .isInstanceOf(SessionLeasedException.class);
    first.cachePeer(user(1, 1));
    assertThat(stored(first, 1).auth().accessHash()).as("a write by the holder").isEqualTo(1);
  }

  @Test
  @DisplayName("a lease that is not renewed expires, and another owner takes the session")
  void expiry() throws InterruptedException {
    Session first = leased("owner-a", 2);
    stopRenewal(first);
    sleepPast(leaseOf(first).expiresAt());
    Session second = leased("owner-b", 30);
    assertThat(leaseOf(second).owner()).as("the owner after expiry").isEqualTo("owner-b");
  }

  @Test
  @DisplayName("a holder that lost its lease throws on its next write and writes nothing after")
  void fencing() throws InterruptedException {
    Session first = leased("owner-a", 2);
    first.cachePeer(user(1, 100));
    stopRenewal(first);
    sleepPast(leaseOf(first).expiresAt());
    Session second = leased("owner-b", 30);
    assertThatThrownBy(() -> first.cachePeer(user(1, 666)))
        .as("the old holder's write after the takeover")
        .isInstanceOf(SessionLeaseLostException.class);
    assertThatThrownBy(() -> first.setUpdateState(new UpdateState.Secondary(666)))
        .as("and every write after that")
        .isInstanceOf(SessionLeaseLostException.class);
    assertThatThrownBy(() -> first.setHomeDcId(5)).isInstanceOf(SessionLeaseLostException.class);
    assertThat(stored(second, 1).auth().accessHash())
        .as("user 1 as the new owner reads it")
        .isEqualTo(100);
    assertThat(second.updatesState().qts()).as("qts as the new owner reads it").isZero();
    assertThat(stored(first, 1).auth().accessHash())
        .as("reads by the old holder still work")
        .isEqualTo(100);
    second.cachePeer(user(1, 200));
    assertThat(stored(second, 1).auth().accessHash()).as("the new owner writes").isEqualTo(200);
  }

  @Test
  @DisplayName("a session opened without lease= neither takes nor checks the lease")
  void leaseLessOpens() {
    Session holder = leased("owner-a", 30);
    holder.cachePeer(named(1, "leased_name"));
    Session plain = open();
    assertThat(ownerOf(plain, "leased_name")).as("a lease-less read").isEqualTo(PeerId.user(1));
    plain.cachePeer(user(2, 2));
    assertThat(holder.peer(PeerId.user(2)))
        .as("a lease-less write, read by the holder")
        .isPresent();
    assertThat(plain.lease()).isEmpty();
  }

  @Test
  @DisplayName("tokens only grow, across owners and releases")
  void tokensGrow() {
    long last = 0;
    for (int round = 0; round < 3; round++) {
      Session session = leased("owner-" + round, 30);
      long token = leaseOf(session).token();
      assertThat(token).as("the token of lease %d", round).isGreaterThan(last);
      last = token;
      session.close();
    }
  }
}
