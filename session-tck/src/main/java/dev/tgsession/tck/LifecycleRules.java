package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.tgsession.ChannelState;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The kit's group "clear and close" (rule 8). */
abstract class LifecycleRules extends TckGroup {

  LifecycleRules(SessionTck kit) {
    super(kit);
  }

  private void fill(Session session) {
    session.setHomeDcId(4);
    session.setDcOption(dc(4, 4));
    session.setDcOption(dc(2, 2));
    session.setDcOption(dc(77, 7));
    session.cachePeers(List.of(self(1, 1), fullUser(2), new PeerInfo.Chat(3), channel(4, 4)));
    session.setUpdateState(
        new UpdateState.All(new UpdatesState(1, 2, 3, 4, List.of(new ChannelState(4, 4)))));
  }

  @Test
  @DisplayName("clear() returns the session to a new session's state")
  void clearResets() {
    Session session = open();
    fill(session);
    session.clear();
    assertNewSession(session);
    assertThat(session.snapshot()).isEqualTo(SessionData.empty());
  }

  @Test
  @DisplayName("clear() forgets every auth key and every added DC")
  void clearForgetsKeys() {
    Session session = open();
    fill(session);
    session.clear();
    assertThat(session.dcOptions().values()).allSatisfy(o -> assertThat(o.authKey()).isNull());
    assertThat(session.dcOption(77)).isEmpty();
  }

  @Test
  @DisplayName("clear() forgets usernames, phones and the self user")
  void clearForgetsLookups() {
    Session session = open();
    fill(session);
    session.clear();
    assertThat(session.peerByUsername("user2")).isEmpty();
    assertThat(session.peerByPhone(fullUser(2).phone())).isEmpty();
    assertThat(session.peer(PeerId.selfUser())).isEmpty();
  }

  @Test
  @DisplayName("a cleared session works as a new one")
  void usableAfterClear() {
    Session session = open();
    fill(session);
    session.clear();
    session.cachePeer(named(9, "again"));
    session.setUpdateState(new UpdateState.Channel(9, 9));
    assertThat(session.peerByUsername("again")).isPresent();
    assertThat(session.peerCount()).isEqualTo(1);
    assertThat(session.updatesState().channels()).containsExactly(new ChannelState(9, 9));
  }

  @Test
  @DisplayName("close() is idempotent")
  void closeTwice() {
    Session session = open();
    session.close();
    assertThatCode(session::close).doesNotThrowAnyException();
  }

  @Test
  @DisplayName("every other call after close() throws IllegalStateException")
  void useAfterClose() {
    Session session = open();
    session.cachePeer(user(1, 1));
    session.close();
    Map<String, Consumer<Session>> calls = new LinkedHashMap<>();
    calls.put("homeDcId", Session::homeDcId);
    calls.put("setHomeDcId", s -> s.setHomeDcId(3));
    calls.put("dcOption", s -> s.dcOption(2));
    calls.put("dcOptions", Session::dcOptions);
    calls.put("setDcOption", s -> s.setDcOption(dc(2, 2)));
    calls.put("peer", s -> s.peer(PeerId.user(1)));
    calls.put("peer(self)", s -> s.peer(PeerId.selfUser()));
    calls.put("cachePeer", s -> s.cachePeer(user(2, 2)));
    calls.put("cachePeers", s -> s.cachePeers(List.of(user(3, 3))));
    calls.put("peerByUsername", s -> s.peerByUsername("someone"));
    calls.put("peerByPhone", s -> s.peerByPhone("15550000000"));
    calls.put("updatesState", Session::updatesState);
    calls.put("setUpdateState", s -> s.setUpdateState(new UpdateState.Secondary(1)));
    calls.put("peers", s -> s.peers().close());
    calls.put("peerCount", Session::peerCount);
    calls.put("snapshot", Session::snapshot);
    calls.put("tempAuthKeys", s -> s.tempAuthKeys(true));
    calls.put("clear", Session::clear);
    SoftAssertions soft = new SoftAssertions();
    calls.forEach(
        (call, body) ->
            soft.assertThatThrownBy(() -> body.accept(session))
                .as(call + " after close")
                .isInstanceOf(IllegalStateException.class));
    soft.assertAll();
  }

  @Test
  @DisplayName("toString() names the session and works after close()")
  void toStringWorks() {
    Session session = open();
    assertThat(session.toString()).isNotBlank();
    session.close();
    assertThat(session.toString()).isNotBlank();
  }
}
