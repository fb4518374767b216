package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.KnownDcs;
import dev.tgsession.PeerId;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.Capability;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The kit's group "isolation of sessions with different names" (). */
abstract class IsolationRules extends TckGroup {

  IsolationRules(SessionTck kit) {
    super(kit);
  }

  @Test
  @DisplayName("sessions with different names never see each other")
  void namesAreIsolated() {
    Session a = open(sessionName() + "-a");
    Session b = open(sessionName() + "-b");
    a.setHomeDcId(4);
    a.setDcOption(dc(4, 4));
    a.cachePeers(List.of(self(1, 1), fullUser(2)));
    a.setUpdateState(new UpdateState.All(new UpdatesState(1, 2, 3, 4, List.of())));
    a.setUpdateState(new UpdateState.Channel(7, 7));
    assertNewSession(b);
    assertThat(b.dcOption(4)).isEqualTo(KnownDcs.get(4));
    Session b2 = open(sessionName() + "-b");
    assertNewSession(b2);
  }

  @Test
  @DisplayName("names are case-sensitive: sessions named Bot and bot never see each other")
  void namesAreCaseSensitive() {
    Session upper = open(sessionName() + "-Bot");
    Session lower = open(sessionName() + "-bot");
    upper.setHomeDcId(4);
    upper.setDcOption(dc(4, 4));
    upper.cachePeers(List.of(self(1, 1), fullUser(2)));
    upper.setUpdateState(new UpdateState.Channel(7, 7));
    assertNewSession(lower);
    lower.cachePeer(named(3, "lower_only"));
    assertThat(upper.peerByUsername("lower_only")).as("Bot's lookup of bot's name").isEmpty();
    assertThat(upper.peerCount()).as("Bot's peers").isEqualTo(2);
    if (capabilities().contains(Capability.DURABLE)) {
      upper.close();
      lower.close();
      assertThat(open(sessionName() + "-bot").peerCount())
          .as("bot's peers after reopen")
          .isEqualTo(1);
      assertThat(open(sessionName() + "-Bot").homeDcId())
          .as("Bot's home DC after reopen")
          .isEqualTo(4);
    }
  }

  @Test
  @DisplayName("one username resolves to each session's own peer")
  void usernamesPerSession() {
    Session a = open(sessionName() + "-a");
    Session b = open(sessionName() + "-b");
    a.cachePeer(named(1, "same"));
    b.cachePeer(named(2, "same"));
    assertThat(a.peerByUsername("same").orElseThrow().peerId()).isEqualTo(PeerId.user(1));
    assertThat(b.peerByUsername("same").orElseThrow().peerId()).isEqualTo(PeerId.user(2));
    assertThat(a.peer(PeerId.user(1)).orElseThrow().usernames()).containsExactly("same");
  }

  @Test
  @DisplayName("clear() of one session leaves the other intact")
  void clearIsScoped() {
    Session a = open(sessionName() + "-a");
    Session b = open(sessionName() + "-b");
    b.setDcOption(dc(2, 22));
    b.cachePeers(List.of(self(5, 5), fullUser(6)));
    b.setUpdateState(new UpdateState.Channel(6, 6));
    SessionData before = b.snapshot();
    a.cachePeer(fullUser(1));
    a.clear();
    assertThat(b.snapshot()).isEqualTo(before);
    if (capabilities().contains(Capability.DURABLE)) {
      assertThat(open(sessionName() + "-b").snapshot()).isEqualTo(before);
    }
  }

  @Test
  @DisplayName("the self user is per session")
  void selfPerSession() {
    Session a = open(sessionName() + "-a");
    Session b = open(sessionName() + "-b");
    a.cachePeer(self(1, 1));
    b.cachePeer(self(2, 2));
    assertThat(a.peer(PeerId.selfUser())).contains(self(1, 1));
    assertThat(b.peer(PeerId.selfUser())).contains(self(2, 2));
  }
}
