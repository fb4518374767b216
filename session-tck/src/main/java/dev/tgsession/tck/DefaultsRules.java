package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerId;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.UpdatesState;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The kit's group "a new session" (rule 1). */
abstract class DefaultsRules extends TckGroup {

  DefaultsRules(SessionTck kit) {
    super(kit);
  }

  @Test
  @DisplayName("has home DC 2")
  void homeDcIsTwo() {
    assertThat(open().homeDcId()).isEqualTo(2);
  }

  @Test
  @DisplayName("knows DCs 1 to 5 as KnownDcs, without auth keys")
  void knowsProductionDcs() {
    Session session = open();
    for (int id = 1; id <= 5; id++) {
      DcOption option = session.dcOption(id).orElseThrow();
      assertThat(option).isEqualTo(KnownDcs.get(id).orElseThrow());
      assertThat(option.authKey()).isNull();
    }
  }

  @Test
  @DisplayName("knows no other DC")
  void knowsNoOtherDc() {
    Session session = open();
    assertThat(session.dcOption(0)).isEmpty();
    assertThat(session.dcOption(6)).isEmpty();
    assertThat(session.dcOption(-1)).isEmpty();
    assertThat(session.dcOption(10_000)).isEmpty();
    assertThat(session.dcOptions()).isEqualTo(KnownDcs.all());
  }

  @Test
  @DisplayName("has no peers and no self user")
  void hasNoPeers() {
    Session session = open();
    assertThat(session.peerCount()).isZero();
    assertThat(all(session)).isEmpty();
    assertThat(session.peer(PeerId.user(1))).isEmpty();
    assertThat(session.peer(PeerId.chat(1))).isEmpty();
    assertThat(session.peer(PeerId.channel(1))).isEmpty();
    assertThat(session.peer(PeerId.selfUser())).isEmpty();
    assertThat(session.peerByUsername("nobody")).isEmpty();
    assertThat(session.peerByPhone("15550000000")).isEmpty();
  }

  @Test
  @DisplayName("has an all-zero updates state without channels")
  void hasZeroUpdatesState() {
    assertThat(open().updatesState()).isEqualTo(new UpdatesState(0, 0, 0, 0, List.of()));
  }

  @Test
  @DisplayName("snapshots as SessionData.empty()")
  void snapshotsAsEmpty() {
    assertThat(open().snapshot()).isEqualTo(SessionData.empty());
  }
}
