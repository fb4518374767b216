package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.ChannelKind;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The kit's group "agreement with the reference backend" (rules 3 to 6, at random). */
abstract class ReferenceRules extends TckGroup {

  ReferenceRules(SessionTck kit) {
    super(kit);
  }

  private <T> T pick(Random random, T a, T b, T c) {
    int i = random.nextInt(3);
    return i == 0 ? a : i == 1 ? b : c;
  }

  // Few ids, names and phones, so that merges and claims collide often.
  private PeerInfo randomPeer(Random random) {
    long id = 1 + random.nextInt(12);
    PeerAuth auth = random.nextInt(3) == 0 ? null : new PeerAuth(random.nextInt(4) - 1);
    List<String> usernames = null;
    if (random.nextInt(3) == 0) {
      Set<String> names = new LinkedHashSet<>();
      for (int i = random.nextInt(3); i > 0; i--) {
        names.add("user" + random.nextInt(6));
      }
      usernames = List.copyOf(names);
    }
    if (random.nextBoolean()) {
      return new PeerInfo.Channel(
          id, auth, pick(random, null, ChannelKind.BROADCAST, ChannelKind.GIGAGROUP), usernames);
    }
    return new PeerInfo.User(
        id,
        auth,
        pick(random, null, true, false),
        random.nextInt(4) == 0 ? pick(random, null, true, false) : null,
        usernames,
        random.nextInt(4) == 0 ? "1555000" + random.nextInt(3) : null);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  @DisplayName("random batches of colliding peers leave the same peers and lookups as memory:")
  void agreesWithMemory() {
    Session session = open();
    try (Session reference = Sessions.open("memory:")) {
      Random random = new Random(42);
      for (int step = 0; step < 600; step++) {
        List<PeerInfo> batch = new ArrayList<>();
        for (int i = random.nextInt(4) == 0 ? 1 : 1 + random.nextInt(8); i > 0; i--) {
          batch.add(randomPeer(random));
        }
        if (batch.size() == 1) {
          session.cachePeer(batch.get(0));
          reference.cachePeer(batch.get(0));
        } else {
          session.cachePeers(batch);
          reference.cachePeers(batch);
        }
        String context = "after step " + step + ", batch " + batch;
        assertThat(all(session)).as(context).isEqualTo(all(reference));
        for (int u = 0; u < 6; u++) {
          assertThat(session.peerByUsername("user" + u))
              .as(context)
              .isEqualTo(reference.peerByUsername("user" + u));
        }
        for (int p = 0; p < 3; p++) {
          assertThat(session.peerByPhone("1555000" + p))
              .as(context)
              .isEqualTo(reference.peerByPhone("1555000" + p));
        }
        assertThat(session.peer(PeerId.selfUser()))
            .as(context)
            .isEqualTo(reference.peer(PeerId.selfUser()));
        PeerId some = PeerId.user(1 + random.nextInt(12));
        assertThat(session.peer(some)).as(context).isEqualTo(reference.peer(some));
      }
    }
  }
}
