package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.AddressFamily;
import dev.tgsession.ChannelState;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.SessionImport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The kit's group "replacing a whole session (SessionImport.replace)". */
abstract class ReplaceRules extends TckGroup {

  ReplaceRules(SessionTck kit) {
    super(kit);
  }

  /** What the session holds before: DC 2 with key 2, users 1 to {@code peers} named old_N. */
  private static void fillOld(Session session, int peers) {
    session.setHomeDc(2, AddressFamily.IPV6);
    session.setDcOption(dc(2, 2));
    session.setDcOption(dc(7, 7));
    session.setMediaDcOption(mediaDc(7));
    session.setTempAuthKey(7, false, tempKey(70));
    List<PeerInfo> batch = new ArrayList<>();
    batch.add(self(1, 1));
    for (int i = 2; i <= peers; i++) {
      batch.add(new PeerInfo.User(i, new PeerAuth(i), null, null, List.of("old_" + i), null));
    }
    session.cachePeers(batch);
    session.setUpdateState(new UpdateState.Channel(3, 33));
  }

  /** What replaces it, built in a session of its own: other DCs, keys, peers and state. */
  private SessionData newData(int peers) {
    Session source = open(sessionName() + "-source");
    source.setHomeDcId(4);
    source.setDcOption(dc(2, 20));
    source.setDcOption(dc(4, 40));
    source.setMediaDcOption(mediaDc(4));
    source.setTempAuthKey(4, true, tempKey(41));
    List<PeerInfo> batch = new ArrayList<>();
    batch.add(self(100, 100));
    for (int i = 101; i < 100 + peers; i++) {
      batch.add(new PeerInfo.User(i, new PeerAuth(i), null, null, List.of("new_" + i), null));
    }
    batch.add(named(2, "old_2_renamed"));
    source.cachePeers(batch);
    source.setUpdateState(
        new UpdateState.All(new UpdatesState(5, 6, 7, 8, List.of(new ChannelState(9, 99)))));
    return source.snapshot();
  }

  private static void assertReplaced(Session session, SessionData data, String when) {
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(session.snapshot()).as("snapshot() %s", when).isEqualTo(data);
    soft.assertThat(session.peer(PeerId.selfUser()).map(PeerInfo::peerId))
        .as("the self user %s", when)
        .contains(PeerId.user(100));
    soft.assertThat(session.peerByUsername("old_3")).as("an old name %s", when).isEmpty();
    soft.assertThat(session.peerByUsername("new_101").map(PeerInfo::peerId))
        .as("a new name %s", when)
        .contains(PeerId.user(101));
    soft.assertThat(session.dcOption(7)).as("DC 7, which only the old data had").isEmpty();
    soft.assertThat(session.tempAuthKey(7, false)).as("DC 7's temporary key %s", when).isEmpty();
    soft.assertThat(session.tempAuthKey(4, true))
        .as("DC 4's media temporary key %s", when)
        .isPresent();
    soft.assertThat(session.homeDcFamily()).as("the family %s", when).isEqualTo(AddressFamily.IPV4);
    soft.assertAll();
  }

  @Test
  @DisplayName("replace leaves nothing of what the session held before, and everything of the data")
  void replacesEverything() {
    Session session = open();
    fillOld(session, 20);
    SessionData data = newData(20);
    SessionImport.replace(session, data);
    assertReplaced(session, data, "after replace");
  }

  @Test
  @DisplayName("a replaced session survives close and reopen (DURABLE)")
  void durable() {
    assumeCapability(Capability.DURABLE);
    SessionData data = newData(20);
    try (Session session = open()) {
      fillOld(session, 20);
      SessionImport.replace(session, data);
    }
    assertReplaced(open(), data, "after reopen");
  }

  @Test
  @DisplayName(
      "a replace into an encrypted session seals the new keys: they open with its key only"
          + " (ENCRYPTION)")
  void encrypted() {
    assumeCapability(Capability.ENCRYPTION);
    assumeCapability(Capability.DURABLE);
    SessionData data = newData(20);
    try (TckKeyFiles keys = new TckKeyFiles()) {
      String sealed = uriWith(sessionName(), keys.option(1));
      try (Session session = openUri(sessionName(), sealed)) {
        fillOld(session, 20);
        SessionImport.replace(session, data);
        assertReplaced(session, data, "after replace");
      }
      assertThatThrownBy(() -> open())
          .as("opening without the key after the replace")
          .isInstanceOf(IncompatibleSessionException.class);
      try (Session again = openUri(sessionName(), sealed)) {
        assertReplaced(again, data, "after reopen with the key");
      }
    }
  }

  @Test
  @DisplayName(
      "after a replace into an encrypted session no auth key or temporary key is in the raw store")
  void encryptedRawStore() {
    assumeCapability(Capability.ENCRYPTION);
    assumeCapability(Capability.DURABLE);
    SessionData data = newData(5);
    try (TckKeyFiles keys = new TckKeyFiles()) {
      try (Session session = openUri(sessionName(), uriWith(sessionName(), keys.option(1)))) {
        SessionImport.replace(session, data);
      }
      List<byte[]> raw = rawStore(sessionName());
      Assumptions.assumeTrue(
          raw != null, "the backend's test does not expose its raw store (SessionTck.rawStore)");
      for (int seed : new int[] {20, 40, 41}) {
        for (byte[] chunk : raw) {
          for (byte[] form : rawForms(key(seed))) {
            assertThat(indexOf(chunk, form)).as("key %d in the raw store", seed).isNegative();
          }
        }
      }
    }
  }

  @Test
  @DisplayName("another instance that read the old peers sees the replaced ones at once (SHARED)")
  void shared() {
    assumeCapability(Capability.SHARED);
    Session a = open();
    Session b = open();
    fillOld(a, 20);
    assertThat(b.peer(PeerId.user(3))).as("B's read of old user 3").isPresent();
    SessionData data = newData(20);
    SessionImport.replace(a, data);
    assertThat(b.peer(PeerId.user(3))).as("B's read of old user 3 after A's replace").isEmpty();
    assertThat(b.peer(PeerId.selfUser()).map(PeerInfo::peerId))
        .as("B's self user")
        .contains(PeerId.user(100));
    assertThat(b.peerCount()).as("B's peer count").isEqualTo(data.peers().size());
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  @DisplayName(
      "a concurrent reader sees the old session or the new one, never a mix (ATOMIC_BATCH)")
  void replaceIsAtomic() throws Exception {
    assumeCapability(Capability.ATOMIC_BATCH);
    Session writer = open();
    Session reader = capabilities().contains(Capability.SHARED) ? open() : writer;
    int oldPeers = 300;
    int newPeers = 700;
    SessionData oldData;
    fillOld(writer, oldPeers);
    oldData = writer.snapshot();
    SessionData newData = newData(newPeers);
    long oldCount = oldData.peers().size();
    long newCount = newData.peers().size();
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong reads = new AtomicLong();
    ConcurrentLinkedQueue<Long> torn = new ConcurrentLinkedQueue<>();
    Thread readerThread =
        new Thread(
            () -> {
              while (!done.get()) {
                long count = reader.peerCount();
                reads.incrementAndGet();
                if (count != oldCount && count != newCount) {
                  torn.add(count);
                }
              }
            });
    readerThread.start();
    try {
      for (int round = 0; round < 10; round++) {
        awaitReads(reads);
        SessionImport.replace(writer, round % 2 == 0 ? newData : oldData);
      }
      awaitReads(reads);
    } finally {
      done.set(true);
      readerThread.join(60_000);
    }
    assertThat(torn)
        .as("peer counts a reader saw during replaces between %d and %d peers", oldCount, newCount)
        .isEmpty();
    assertThat(reader.peerCount()).as("peers after the last replace").isEqualTo(oldCount);
  }

  /** Waits (boundedly) until the reader has read at least once more. */
  static void awaitReads(AtomicLong reads) throws InterruptedException {
    long seen = reads.get();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (reads.get() <= seen && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
  }
}
