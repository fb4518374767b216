package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.AddressFamily;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.SessionStore;
import dev.tgsession.SessionSummary;
import dev.tgsession.Sessions;
import dev.tgsession.spi.Capability;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kit's group "the directory of a store (DIRECTORY)": {@link SessionStore} on the store of
 * {@link SessionTck#storeUri()}. Every session of a test is named {@code <test's name>-<suffix>},
 * so a listing by that prefix sees only the test's own sessions; they are deleted when it ends.
 */
abstract class DirectoryRules extends TckGroup {

  private final List<Session> sessions = new CopyOnWriteArrayList<>();
  private final List<SessionStore> stores = new CopyOnWriteArrayList<>();

  DirectoryRules(SessionTck kit) {
    super(kit);
  }

  @BeforeEach
  void requireDirectory() {
    assumeCapability(Capability.DIRECTORY);
    Assumptions.assumeTrue(
        storeUri().isPresent(),
        () ->
            "the provider of '"
                + scheme()
                + "' declares DIRECTORY, but the backend's test does not give the store's URI"
                + " (override SessionTck.storeUri())");
  }

  @AfterEach
  void deleteSessions() {
    for (Session session : sessions) {
      try {
        session.close();
      } catch (RuntimeException e) {
        // a session whose lease was taken away may fail to release it; keep cleaning
      }
    }
    sessions.clear();
    Optional<String> uri = storeUri();
    if (uri.isPresent() && capabilities().contains(Capability.DIRECTORY)) {
      try (SessionStore store = Sessions.store(uri.get());
          Stream<SessionSummary> mine = store.list(prefix())) {
        mine.map(SessionSummary::name).toList().forEach(store::forceDelete);
      }
    }
    stores.forEach(SessionStore::close);
    stores.clear();
  }

  /** The prefix of this test's session names. */
  private String prefix() {
    return sessionName() + "-";
  }

  private SessionStore store() {
    SessionStore store = Sessions.store(storeUri().orElseThrow());
    stores.add(store);
    return store;
  }

  /** Opens the session {@code prefix() + suffix} through the kit's URI; closed after the test. */
  private Session session(String suffix) {
    return track(Sessions.open(uri(prefix() + suffix)));
  }

  private Session track(Session session) {
    sessions.add(session);
    return session;
  }

  /** Creates {@code prefix() + suffix} with one write and closes it; returns its name. */
  private String create(String suffix) {
    try (Session session = Sessions.open(uri(prefix() + suffix))) {
      session.cachePeer(user(1, 1));
    }
    return prefix() + suffix;
  }

  private static List<String> names(SessionStore store, String prefix) {
    try (Stream<SessionSummary> listed = store.list(prefix)) {
      return listed.map(SessionSummary::name).toList();
    }
  }

  private static SessionSummary summaryOf(SessionStore store, String name) {
    return store
        .summary(name)
        .orElseThrow(() -> new AssertionError("expected a summary of session " + name));
  }

  @Test
  @DisplayName("a session is listed and summarised from its first write on, and after clear()")
  void appearsAfterWrite() {
    SessionStore store = store();
    Session session = session("a");
    session.cachePeer(user(1, 1));
    String name = prefix() + "a";
    assertThat(names(store, prefix()))
        .as("the listing after the first write")
        .containsExactly(name);
    assertThat(summaryOf(store, name).name()).as("the summary's name").isEqualTo(name);
    session.clear();
    assertThat(names(store, prefix())).as("the listing after clear()").containsExactly(name);
    assertThat(summaryOf(store, name).peerCount()).as("the peer count after clear()").isZero();
    assertThat(store.summary(prefix() + "never")).as("a name never written").isEmpty();
  }

  @Test
  @DisplayName("open(name) opens the session the kit's URI of that name opens")
  void openIsTheSameSession() {
    session("same").cachePeer(fullUser(5));
    Session opened = track(store().open(prefix() + "same"));
    assertThat(opened.peer(PeerId.user(5))).as("user 5 through the store").contains(fullUser(5));
  }

  @Test
  @DisplayName("a deleted session vanishes and stays gone, and nothing else is removed")
  void deletedVanish() {
    String gone = create("gone");
    try (Session kept = Sessions.open(uri(prefix() + "kept"))) {
      kept.cachePeers(List.of(user(1, 1), user(2, 2)));
    }
    SessionStore store = store();
    assertThat(store.delete(gone)).as("delete() of a stored session").isTrue();
    assertThat(store.summary(gone)).as("its summary after delete()").isEmpty();
    assertThat(names(store, prefix())).as("the listing").containsExactly(prefix() + "kept");
    assertThat(store.delete(gone)).as("a second delete()").isFalse();
    assertThat(summaryOf(store, prefix() + "kept").peerCount())
        .as("the other session")
        .isEqualTo(2);
    SessionStore again = store();
    assertThat(names(again, prefix()))
        .as("the listing of another store instance")
        .containsExactly(prefix() + "kept");
    try (Session reopened = Sessions.open(uri(gone))) {
      assertNewSession(reopened);
    }
  }

  @Test
  @DisplayName("a summary tells the home DC, the self user, the peer count and the write time")
  void summariesExact() {
    Instant before = Instant.now().minusSeconds(120);
    Session full = session("full");
    full.setHomeDc(4, AddressFamily.IPV6);
    full.setDcOption(dc(4, 44));
    full.cachePeers(List.of(self(77, 7), user(2, 2), new PeerInfo.Chat(3), channel(4, 4)));
    Session bare = session("bare");
    bare.cachePeer(user(9, 9));
    Instant after = Instant.now().plusSeconds(120);
    SessionStore store = store();
    SessionSummary summary = summaryOf(store, prefix() + "full");
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(summary.homeDcId()).as("home DC").isEqualTo(4);
    soft.assertThat(summary.selfUserId()).as("self user id").isEqualTo(77L);
    soft.assertThat(summary.peerCount()).as("peer count").isEqualTo(4);
    soft.assertThat(summary.lease()).as("lease").isEmpty();
    soft.assertThat(summary.encryptionFingerprint()).as("fingerprint").isNull();
    if (summary.updatedAt() != null) {
      soft.assertThat(summary.updatedAt()).as("last write time").isBetween(before, after);
    }
    SessionSummary other = summaryOf(store, prefix() + "bare");
    soft.assertThat(other.homeDcId()).as("a new session's home DC").isEqualTo(2);
    soft.assertThat(other.selfUserId()).as("no self user").isNull();
    soft.assertThat(other.peerCount()).as("its peer count").isEqualTo(1);
    soft.assertAll();
    try (Stream<SessionSummary> listed = store.list(prefix() + "full")) {
      assertThat(listed.toList()).as("the listing's summary").containsExactly(summary);
    }
  }

  @Test
  @DisplayName("a summary names the lease holder and its expiry while the lease is held (LEASE)")
  void summaryNamesHolder() {
    assumeCapability(Capability.LEASE);
    String name = prefix() + "leased";
    Session holder = track(Sessions.open(uriWith(name, "lease=30&owner=dir-owner")));
    holder.cachePeer(user(1, 1));
    SessionStore store = store();
    SessionSummary summary = summaryOf(store, name);
    assertThat(summary.lease()).as("the lease in the summary").isPresent();
    assertThat(summary.lease().orElseThrow().owner()).as("the holder").isEqualTo("dir-owner");
    assertThat(summary.lease().orElseThrow().expiresAt())
        .as("the expiry")
        .isAfter(Instant.now().plusSeconds(10));
    holder.close();
    assertThat(summaryOf(store, name).lease()).as("the lease after close()").isEmpty();
  }

  @Test
  @DisplayName("a summary gives the fingerprint of the key an encrypted session uses (ENCRYPTION)")
  void summaryFingerprint() {
    assumeCapability(Capability.ENCRYPTION);
    String name = prefix() + "sealed";
    try (TckKeyFiles keys = new TckKeyFiles()) {
      try (Session sealed = Sessions.open(uriWith(name, keys.option(1)))) {
        sealed.setDcOption(dc(2, 22));
      }
      assertThat(summaryOf(store(), name).encryptionFingerprint())
          .as("the summary's fingerprint")
          .isEqualTo(TckKeyFiles.fingerprint(1));
    }
  }

  @Test
  @DisplayName(
      "a leased session cannot be deleted; forceDelete removes it and the holder's next write"
          + " fails (LEASE)")
  void leasedNotDeleted() {
    assumeCapability(Capability.LEASE);
    String name = prefix() + "held";
    Session holder = track(Sessions.open(uriWith(name, "lease=30&owner=dir-holder")));
    holder.cachePeers(List.of(user(1, 1), user(2, 2)));
    SessionStore store = store();
    assertThatThrownBy(() -> store.delete(name))
        .as("delete() of a leased session")
        .isInstanceOf(SessionLeasedException.class)
        .hasMessageContaining("dir-holder");
    assertThat(summaryOf(store, name).peerCount()).as("the session after the refusal").isEqualTo(2);
    assertThat(holder.peer(PeerId.user(2))).as("the holder's read").isPresent();
    assertThat(store.forceDelete(name)).as("forceDelete()").isTrue();
    assertThat(store.summary(name)).as("the summary after forceDelete()").isEmpty();
    assertThatThrownBy(() -> holder.cachePeer(user(3, 3)))
        .as("the holder's write after forceDelete()")
        .isInstanceOf(SessionLeaseLostException.class);
  }

  @Test
  @DisplayName("list(prefix) gives exactly the sessions with that prefix, in name order")
  void prefixInOrder() {
    for (String suffix : List.of("b", "a", "ab", "c", "B", "a-1")) {
      create(suffix);
    }
    SessionStore store = store();
    String p = prefix();
    assertThat(names(store, p))
        .as("every session of the test")
        .containsExactly(p + "B", p + "a", p + "a-1", p + "ab", p + "b", p + "c");
    assertThat(names(store, p + "a"))
        .as("prefix 'a'")
        .containsExactly(p + "a", p + "a-1", p + "ab");
    assertThat(names(store, p + "ab")).as("prefix 'ab'").containsExactly(p + "ab");
    assertThat(names(store, p + "d")).as("prefix 'd'").isEmpty();
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  @DisplayName("a listing longer than two pages gives every session once, in name order")
  void paging() {
    int count = 2 * listingPageSize() + 1;
    List<String> created = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      created.add(create(String.format(Locale.ROOT, "p%05d", i)));
    }
    assertThat(names(store(), prefix() + "p")).as("the listing").containsExactlyElementsOf(created);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  @DisplayName("a listing stays in order and complete while sessions are created concurrently")
  void stableWhileCreating() throws Exception {
    int existing = listingPageSize() + 1;
    int added = 40;
    Set<String> before = new HashSet<>();
    for (int i = 0; i < existing; i++) {
      before.add(create(String.format(Locale.ROOT, "s%05d", 2 * i)));
    }
    Set<String> allowed = new HashSet<>(before);
    for (int i = 0; i < added; i++) {
      allowed.add(prefix() + String.format(Locale.ROOT, "s%05d", 2 * (i * existing / added) + 1));
    }
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    Thread creator =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < added; i++) {
                  create(String.format(Locale.ROOT, "s%05d", 2 * (i * existing / added) + 1));
                }
              } catch (Throwable e) {
                errors.add(e);
              }
            });
    SessionStore store = store();
    creator.start();
    int rounds = 0;
    try {
      while ((creator.isAlive() || rounds < 3) && rounds < 200) {
        List<String> listed = names(store, prefix() + "s");
        rounds++;
        assertThat(listed).as("listing %d", rounds).isSorted().doesNotHaveDuplicates();
        assertThat(listed).as("listing %d", rounds).containsAll(before);
        assertThat(allowed).as("what listing %d may hold", rounds).containsAll(listed);
      }
    } finally {
      creator.join(TimeUnit.MINUTES.toMillis(2));
    }
    assertThat(errors).as("what the creating thread threw").isEmpty();
    assertThat(names(store, prefix() + "s"))
        .as("the listing after the creations")
        .containsExactlyInAnyOrderElementsOf(allowed);
  }

  @Test
  @DisplayName("names are case-sensitive: Bot and bot are two sessions, listed and deleted apart")
  void caseSensitive() {
    try (Session upper = Sessions.open(uri(prefix() + "Bot"))) {
      upper.cachePeer(user(1, 1));
    }
    try (Session lower = Sessions.open(uri(prefix() + "bot"))) {
      lower.cachePeers(List.of(user(2, 2), user(3, 3)));
    }
    SessionStore store = store();
    String p = prefix();
    assertThat(names(store, p)).as("the listing").containsExactly(p + "Bot", p + "bot");
    assertThat(names(store, p + "b")).as("prefix 'b'").containsExactly(p + "bot");
    assertThat(summaryOf(store, p + "Bot").peerCount()).as("Bot's peers").isEqualTo(1);
    assertThat(summaryOf(store, p + "bot").peerCount()).as("bot's peers").isEqualTo(2);
    assertThat(store.summary(p + "BOT")).as("BOT, never written").isEmpty();
    assertThat(store.delete(p + "bot")).as("delete() of bot").isTrue();
    assertThat(names(store, p)).as("the listing after deleting bot").containsExactly(p + "Bot");
    assertThat(summaryOf(store, p + "Bot").peerCount()).as("Bot's peers").isEqualTo(1);
  }
}
