package dev.tgsession.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.AuthKey;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionEncryption;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.Sessions;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link Sessions#clear(String)} (issue 25 item 10): a session whose encryption key is lost can
 * still be signed out, on the reference backend with encryption and leases ({@code test-leased}).
 */
@DisplayName("Sessions.clear")
class LostKeyClearTest {

  private static AuthKey authKey(int seed) {
    byte[] bytes = new byte[AuthKey.LENGTH];
    Arrays.fill(bytes, (byte) seed);
    return AuthKey.of(bytes);
  }

  private static void fill(Session session) {
    session.setDcOption(KnownDcs.all().get(2).withAuthKey(authKey(7)));
    session.cachePeer(new PeerInfo.User(42L, new PeerAuth(9L), false, false, null, null));
  }

  @Test
  @DisplayName("clears an encrypted session whose key is lost: it opens plain and new afterwards")
  void withoutTheKey() {
    String base = "test-leased:?session=lost-key-" + System.nanoTime();
    try (TckKeyFiles keys = new TckKeyFiles()) {
      try (Session session = Sessions.open(base + "&" + keys.option(1))) {
        fill(session);
      }
    }
    assertThatThrownBy(() -> Sessions.open(base))
        .as("the key file is gone: opening without it is refused")
        .isInstanceOf(IncompatibleSessionException.class);

    Sessions.clear(base);

    try (Session session = Sessions.open(base)) {
      assertThat(session.peerCount()).isZero();
      assertThat(session.dcOption(2)).hasValue(KnownDcs.all().get(2));
      assertThat(session.encryption().flatMap(SessionEncryption::fingerprint))
          .as("nobody can read the old vault: it went with the rest")
          .isEmpty();
    }
  }

  @Test
  @DisplayName("with the right key, the cleared session stays encrypted with it")
  void withTheKey() {
    String base = "test-leased:?session=kept-key-" + System.nanoTime();
    try (TckKeyFiles keys = new TckKeyFiles()) {
      try (Session session = Sessions.open(base + "&" + keys.option(2))) {
        fill(session);
      }
      Sessions.clear(base + "&" + keys.option(2));
      try (Session session = Sessions.open(base + "&" + keys.option(2))) {
        assertThat(session.peer(PeerId.user(42L))).isEmpty();
        assertThat(session.encryption().flatMap(SessionEncryption::fingerprint))
            .hasValue(TckKeyFiles.fingerprint(2));
      }
    }
  }

  @Test
  @DisplayName("a lease another owner holds is refused, and nothing is cleared")
  void leased() {
    String base = "test-leased:?session=leased-clear-" + System.nanoTime();
    try (Session holder = Sessions.open(base + "&lease=30&owner=holder")) {
      fill(holder);
      assertThatThrownBy(() -> Sessions.clear(base + "&lease=30&owner=clearer"))
          .isInstanceOf(SessionLeasedException.class)
          .hasMessageContaining("holder");
      assertThat(holder.peerCount()).isEqualTo(1);
    }
  }
}
