package dev.tgsession.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.ChannelKind;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("a session of 200,000 peers")
class MongoLargeSessionTest {

  private static final int USERS = 150_000;
  private static final int CHANNELS = 50_000;
  private static final int BATCH = 5_000;
  private static final int SAMPLES = 200;
  private static final int CLAIM_SAMPLES = 20;

  /*
   * Every NAMED-th peer has a username and every PHONED-th user a phone (the TCK's 100,000-peer
   * test covers every peer claiming both).
   */
  private static final int NAMED = 200;
  private static final int PHONED = 400;

  private static PeerInfo user(int i) {
    return new PeerInfo.User(
        i,
        new PeerAuth(i * 31L),
        i % 7 == 0,
        null,
        i % NAMED == 0 ? List.of("user_" + i) : null,
        i % PHONED == 0 ? phone(i) : null);
  }

  private static String phone(int i) {
    return "1555" + String.format("%07d", i);
  }

  private static PeerInfo channel(int i) {
    return new PeerInfo.Channel(
        i,
        new PeerAuth(-i * 17L),
        ChannelKind.MEGAGROUP,
        i % NAMED == 0 ? List.of("channel_" + i) : List.of());
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  @DisplayName("caches 200,000 peers in batches, counts them and finds them by id, name and phone")
  void twoHundredThousandPeers() {
    String uri = MongoTestServer.sessionUri("large-" + System.nanoTime(), "");
    try (Session session = Sessions.open(uri)) {
      List<PeerInfo> batch = new ArrayList<>(BATCH);
      for (int i = 1; i <= USERS + CHANNELS; i++) {
        batch.add(i <= USERS ? user(i) : channel(i - USERS));
        if (batch.size() == BATCH) {
          session.cachePeers(batch);
          batch.clear();
        }
      }
      session.cachePeers(batch);

      assertThat(session.peerCount()).isEqualTo(USERS + CHANNELS);
      Random random = new Random(42);
      for (int n = 0; n < SAMPLES; n++) {
        int u = 1 + random.nextInt(USERS);
        int c = 1 + random.nextInt(CHANNELS);
        assertThat(session.peer(PeerId.user(u))).contains(user(u));
        assertThat(session.peer(PeerId.channel(c))).contains(channel(c));
      }
      for (int n = 0; n < CLAIM_SAMPLES; n++) {
        int u = PHONED * (1 + random.nextInt(USERS / PHONED));
        int c = NAMED * (1 + random.nextInt(CHANNELS / NAMED));
        assertThat(session.peerByUsername("@USER_" + u)).contains(user(u));
        assertThat(session.peerByUsername("channel_" + c)).contains(channel(c));
        assertThat(session.peerByPhone("+" + phone(u))).contains(user(u));
      }
      assertThat(session.peerByUsername("user_" + (NAMED + 1))).isEmpty();
      assertThat(session.peerByPhone(phone(PHONED + 1))).isEmpty();

      // a claim against the full collection still takes the name and phone from their holder
      PeerInfo.User newcomer =
          new PeerInfo.User(USERS + 1, null, null, null, List.of("user_800"), phone(800));
      session.cachePeer(newcomer);
      assertThat(session.peerByUsername("user_800")).contains(newcomer);
      assertThat(session.peerByPhone(phone(800))).contains(newcomer);
      assertThat(session.peer(PeerId.user(800)))
          .contains(new PeerInfo.User(800, new PeerAuth(800 * 31L), false, null, List.of(), null));
      assertThat(session.peerCount()).isEqualTo(USERS + CHANNELS + 1);

      session.clear();
      assertThat(session.peerCount()).isZero();
    }
  }
}
