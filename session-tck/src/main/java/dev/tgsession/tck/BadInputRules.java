package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The kit's group "bad input" (rule 11). */
abstract class BadInputRules extends TckGroup {

  BadInputRules(SessionTck kit) {
    super(kit);
  }

  private Session filled() {
    Session session = open();
    session.setDcOption(dc(2, 2));
    session.cachePeers(List.of(self(1, 1), fullUser(2), channel(3, 3)));
    session.setUpdateState(new UpdateState.All(new UpdatesState(1, 2, 3, 4, List.of())));
    return session;
  }

  @Test
  @DisplayName("null arguments throw NullPointerException and change nothing")
  void nulls() {
    Session session = filled();
    SessionData before = session.snapshot();
    SoftAssertions soft = new SoftAssertions();
    soft.assertThatThrownBy(() -> session.cachePeer(null)).isInstanceOf(NullPointerException.class);
    soft.assertThatThrownBy(() -> session.cachePeers(null))
        .isInstanceOf(NullPointerException.class);
    soft.assertThatThrownBy(() -> session.peer(null)).isInstanceOf(NullPointerException.class);
    soft.assertThatThrownBy(() -> session.setDcOption(null))
        .isInstanceOf(NullPointerException.class);
    soft.assertThatThrownBy(() -> session.setUpdateState(null))
        .isInstanceOf(NullPointerException.class);
    soft.assertThatThrownBy(() -> session.peerByUsername(null))
        .isInstanceOf(NullPointerException.class);
    soft.assertThatThrownBy(() -> session.peerByPhone(null))
        .isInstanceOf(NullPointerException.class);
    soft.assertAll();
    assertThat(session.snapshot()).isEqualTo(before);
  }

  @Test
  @DisplayName("a batch with a null peer is rejected whole: none of it is stored")
  void nullInBatch() {
    Session session = filled();
    SessionData before = session.snapshot();
    List<PeerInfo> batch = new ArrayList<>();
    batch.add(user(50, 50));
    batch.add(null);
    batch.add(user(2, 999));
    assertThatThrownBy(() -> session.cachePeers(batch)).isInstanceOf(NullPointerException.class);
    assertThat(session.snapshot()).isEqualTo(before);
  }

  @Test
  @DisplayName("a non-positive home DC is rejected and the home DC is unchanged")
  void badHomeDc() {
    Session session = filled();
    session.setHomeDcId(4);
    assertThatThrownBy(() -> session.setHomeDcId(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0");
    assertThatThrownBy(() -> session.setHomeDcId(-2)).isInstanceOf(IllegalArgumentException.class);
    assertThat(session.homeDcId()).isEqualTo(4);
  }

  @Test
  @DisplayName("malformed usernames and phones are rejected with the value in the message")
  void badLookups() {
    Session session = filled();
    assertThatThrownBy(() -> session.peerByUsername("not a name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a name");
    assertThatThrownBy(() -> session.peerByUsername(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> session.peerByPhone("12ab34"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("12ab34");
  }

  @Test
  @DisplayName("a failed call leaves the session usable")
  void usableAfterError() {
    Session session = filled();
    assertThatThrownBy(() -> session.setHomeDcId(0)).isInstanceOf(IllegalArgumentException.class);
    session.cachePeer(user(60, 60));
    assertThat(session.peer(PeerId.user(60))).contains(user(60, 60));
  }
}
