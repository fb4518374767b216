package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.spi.Capability;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The kit's group "batches" (rule 6). */
abstract class BatchesRules extends TckGroup {

  BatchesRules(SessionTck kit) {
    super(kit);
  }

  @Test
  @DisplayName("cachePeers applies the batch in order: the later entry wins")
  void laterWins() {
    Session session = open();
    session.cachePeers(List.of(user(1, 1), user(1, 2), user(2, 5), user(1, 3)));
    assertThat(stored(session, 1).auth()).isEqualTo(new PeerAuth(3));
    assertThat(session.peerCount()).isEqualTo(2);
  }

  @Test
  @DisplayName("a later entry without a hash keeps the hash of an earlier one")
  void laterNullKeeps() {
    Session session = open();
    session.cachePeers(
        List.of(user(1, 42), new PeerInfo.User(1, null, Boolean.TRUE, null, null, null)));
    PeerInfo.User read = stored(session, 1);
    assertThat(read.auth()).isEqualTo(new PeerAuth(42));
    assertThat(read.bot()).isTrue();
  }

  @Test
  @DisplayName("a username claimed twice in a batch goes to the later peer")
  void claimsInBatch() {
    Session session = open();
    session.cachePeers(List.of(named(1, "x", "y"), named(2, "x")));
    assertThat(session.peerByUsername("x").orElseThrow().peerId()).isEqualTo(PeerId.user(2));
    assertThat(stored(session, 1).usernames()).containsExactly("y");
  }

  @Test
  @DisplayName(
      "a peer that lost a name in a batch does not win it back by a later entry without names")
  void lostNameStaysLost() {
    Session session = open();
    session.cachePeers(List.of(named(1, "x"), named(2, "x"), user(1, 9)));
    assertThat(session.peerByUsername("x").orElseThrow().peerId()).isEqualTo(PeerId.user(2));
    assertThat(stored(session, 1).usernames()).isEmpty();
    assertThat(stored(session, 1).auth()).isEqualTo(new PeerAuth(9));
  }

  @Test
  @DisplayName("a batch takes names from peers cached before it")
  void batchTakesStoredNames() {
    Session session = open();
    session.cachePeer(named(1, "taken"));
    session.cachePeers(List.of(user(5, 5), named(2, "taken")));
    assertThat(session.peerByUsername("taken").orElseThrow().peerId()).isEqualTo(PeerId.user(2));
    assertThat(stored(session, 1).usernames()).isEmpty();
  }

  @Test
  @DisplayName("a name can change hands several times in one batch")
  void nameChangesHands() {
    Session session = open();
    session.cachePeers(List.of(named(1, "hot"), named(2, "hot"), named(3, "hot"), named(1, "hot")));
    assertThat(session.peerByUsername("hot").orElseThrow().peerId()).isEqualTo(PeerId.user(1));
    assertThat(stored(session, 2).usernames()).isEmpty();
    assertThat(stored(session, 3).usernames()).isEmpty();
  }

  @Test
  @DisplayName("an empty batch changes nothing")
  void emptyBatch() {
    Session session = open();
    session.cachePeer(user(1, 1));
    session.cachePeers(List.of());
    assertThat(session.peerCount()).isEqualTo(1);
  }

  @Test
  @DisplayName("a batch mixing users, chats and channels stores each")
  void mixedBatch() {
    Session session = open();
    List<PeerInfo> batch = new ArrayList<>();
    for (int i = 1; i <= 300; i++) {
      batch.add(i % 3 == 0 ? fullUser(i) : i % 3 == 1 ? new PeerInfo.Chat(i) : channel(i, -i));
    }
    session.cachePeers(batch);
    assertThat(session.peerCount()).isEqualTo(300);
    for (PeerInfo peer : batch) {
      assertThat(session.peer(peer.peerId())).contains(peer);
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  @Tag(SessionTck.SLOW)
  @DisplayName("100,000 peers cached in batches are counted and found")
  void hundredThousand() {
    Session session = open();
    int total = 100_000;
    List<PeerInfo> batch = new ArrayList<>();
    for (int i = 1; i <= total; i++) {
      batch.add(
          new PeerInfo.User(
              i, new PeerAuth(i * 7919L), null, null, List.of("u" + i), "1" + (5550000000L + i)));
      if (batch.size() == 10_000) {
        session.cachePeers(batch);
        batch.clear();
      }
    }
    assertThat(session.peerCount()).isEqualTo(total);
    Random random = new Random(7);
    for (int n = 0; n < 500; n++) {
      int id = 1 + random.nextInt(total);
      assertThat(stored(session, id).auth()).isEqualTo(new PeerAuth(id * 7919L));
      assertThat(session.peerByUsername("u" + id).orElseThrow().peerId())
          .isEqualTo(PeerId.user(id));
      assertThat(session.peerByPhone("1" + (5550000000L + id)).orElseThrow().peerId())
          .isEqualTo(PeerId.user(id));
    }
    assertThat(session.peer(PeerId.user(total + 1))).isEmpty();
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  @DisplayName("a concurrent reader never sees part of a batch (ATOMIC_BATCH)")
  void batchesAreAtomic() throws Exception {
    assumeCapability(Capability.ATOMIC_BATCH);
    Session writer = open();
    Session reader = capabilities().contains(Capability.SHARED) ? open() : writer;
    int batches = 40;
    int size = 50;
    java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.ConcurrentLinkedQueue<Long> torn =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    Thread readerThread =
        new Thread(
            () -> {
              while (!done.get()) {
                long count = reader.peerCount();
                reads.incrementAndGet();
                if (count % size != 0) {
                  torn.add(count);
                }
              }
            });
    readerThread.start();
    try {
      for (int b = 0; b < batches; b++) {
        List<PeerInfo> batch = new java.util.ArrayList<>();
        for (int i = 0; i < size; i++) {
          long id = 1 + (long) b * size + i;
          batch.add(
              new PeerInfo.User(id, new PeerAuth(id), null, null, List.of("atomic" + id), null));
        }
        // the reader is running before each batch starts, however loaded the machine
        ReplaceRules.awaitReads(reads);
        writer.cachePeers(batch);
      }
    } finally {
      done.set(true);
      readerThread.join(60_000);
    }
    assertThat(torn).as("peer counts a reader saw between batches of %d", size).isEmpty();
    assertThat(reader.peerCount()).as("peers after every batch").isEqualTo((long) batches * size);
  }
}
