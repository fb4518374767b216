package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.Sessions;
import dev.tgsession.TempAuthKey;
import dev.tgsession.spi.Capability;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The kit's group "temporary keys": PFS keys per DC and connection, with their expiry. */
abstract class TempKeysRules extends TckGroup {

  TempKeysRules(SessionTck kit) {
    super(kit);
  }

  /** Main keys 2 -> 21, 4 -> 41; media key 2 -> 22. */
  private static final TempAuthKey MAIN_2 = tempKey(21);

  private static final TempAuthKey MEDIA_2 = tempKey(22);
  private static final TempAuthKey MAIN_4 = tempKey(41);

  private static void fill(Session session) {
    session.setDcOption(dc(2, 2));
    session.setDcOption(dc(4, 4));
    session.setTempAuthKey(2, false, MAIN_2);
    session.setTempAuthKey(2, true, MEDIA_2);
    session.setTempAuthKey(4, false, MAIN_4);
  }

  private static void assertFilled(Session session, String when) {
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(session.tempAuthKey(2, false)).as("DC 2's main key %s", when).contains(MAIN_2);
    soft.assertThat(session.tempAuthKey(2, true)).as("DC 2's media key %s", when).contains(MEDIA_2);
    soft.assertThat(session.tempAuthKey(4, false)).as("DC 4's main key %s", when).contains(MAIN_4);
    soft.assertThat(session.tempAuthKey(4, true)).as("DC 4's media key %s", when).isEmpty();
    soft.assertAll();
  }

  @Test
  @DisplayName("a temporary key reads back per DC, apart for the main and the media connection")
  void perDcAndMedia() {
    Session session = open();
    assertThat(session.tempAuthKey(2, false)).as("a new session's key of DC 2").isEmpty();
    fill(session);
    assertFilled(session, "as set");
    assertThat(session.tempAuthKey(3, false)).as("DC 3, never given a key").isEmpty();
    assertThat(session.tempAuthKey(200, true)).as("DC 200, unknown").isEmpty();
  }

  @Test
  @DisplayName("setting a temporary key again replaces it; null removes only that one")
  void replaceAndRemove() {
    Session session = open();
    fill(session);
    TempAuthKey next = tempKey(23);
    session.setTempAuthKey(2, false, next);
    assertThat(session.tempAuthKey(2, false)).as("DC 2's main key, replaced").contains(next);
    session.setTempAuthKey(2, false, null);
    assertThat(session.tempAuthKey(2, false)).as("DC 2's main key, removed").isEmpty();
    assertThat(session.tempAuthKey(2, true)).as("DC 2's media key").contains(MEDIA_2);
    assertThat(session.tempAuthKey(4, false)).as("DC 4's main key").contains(MAIN_4);
    session.setTempAuthKey(5, true, null);
    assertThat(session.tempAuthKey(5, true)).as("removing a key never set").isEmpty();
  }

  @Test
  @DisplayName("a temporary key reads as empty once it has expired, and is left out of snapshot()")
  void expires() throws InterruptedException {
    Session session = open();
    TempAuthKey shortLived = tempKey(31, Duration.ofSeconds(3));
    session.setTempAuthKey(2, false, shortLived);
    session.setTempAuthKey(2, true, MEDIA_2);
    assertThat(session.tempAuthKey(2, false)).as("the key before its expiry").contains(shortLived);
    sleepPast(shortLived.expiresAt());
    assertThat(session.tempAuthKey(2, false)).as("the key after its expiry").isEmpty();
    assertThat(session.snapshot().tempAuthKeys()).as("snapshot()'s main keys").isEmpty();
    assertThat(session.tempAuthKey(2, true)).as("the unexpired media key").contains(MEDIA_2);
  }

  @Test
  @DisplayName(
      "an expired key and a DC id <= 0 are refused with IllegalArgumentException, and change nothing")
  void badInput() {
    Session session = open();
    fill(session);
    SessionData before = session.snapshot();
    TempAuthKey expired =
        new TempAuthKey(key(9), Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.SECONDS));
    SoftAssertions soft = new SoftAssertions();
    soft.assertThatThrownBy(() -> session.setTempAuthKey(2, false, expired))
        .as("an expired key")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expired.expiresAt().toString());
    soft.assertThatThrownBy(() -> session.setTempAuthKey(0, false, tempKey(9)))
        .as("DC id 0")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0");
    soft.assertThatThrownBy(() -> session.setTempAuthKey(-2, true, tempKey(9)))
        .as("DC id -2")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-2");
    soft.assertThatThrownBy(() -> session.tempAuthKey(0, false))
        .as("reading DC id 0")
        .isInstanceOf(IllegalArgumentException.class);
    soft.assertAll();
    assertThat(session.snapshot()).as("the session after the refused calls").isEqualTo(before);
    assertFilled(session, "after the refused calls");
  }

  @Test
  @DisplayName("clear() drops every temporary key")
  void clearDrops() {
    Session session = open();
    fill(session);
    session.clear();
    assertThat(session.tempAuthKey(2, false)).as("DC 2's main key after clear()").isEmpty();
    assertThat(session.tempAuthKey(2, true)).as("DC 2's media key after clear()").isEmpty();
    assertThat(session.snapshot().tempAuthKeys()).as("snapshot() after clear()").isEmpty();
    if (capabilities().contains(Capability.DURABLE)) {
      session.close();
      Session again = open();
      assertThat(again.tempAuthKey(4, false))
          .as("DC 4's main key after clear() and reopen")
          .isEmpty();
    }
  }

  @Test
  @DisplayName("snapshot() carries the unexpired temporary keys, main and media apart")
  void inSnapshot() {
    Session session = open();
    fill(session);
    SessionData data = session.snapshot();
    assertThat(data.tempAuthKeys()).as("main keys").isEqualTo(Map.of(2, MAIN_2, 4, MAIN_4));
    assertThat(data.mediaTempAuthKeys()).as("media keys").isEqualTo(Map.of(2, MEDIA_2));
  }

  @Test
  @DisplayName("Sessions.copy carries the temporary keys into another session")
  void copied() {
    Session from = open(sessionName() + "-from");
    Session to = open(sessionName() + "-to");
    fill(from);
    Sessions.copy(from, to);
    assertFilled(to, "in the copy");
  }

  @Test
  @DisplayName(
      "tempAuthKeys lists every unexpired key, and Sessions.copy carries those of DCs that have no"
          + " stored address")
  void listedAndCopiedWithoutAddress() {
    Session from = open(sessionName() + "-from");
    Session to = open(sessionName() + "-to");
    fill(from);
    TempAuthKey noAddress = tempKey(51);
    from.setTempAuthKey(5, true, noAddress);
    assertThat(from.tempAuthKeys(false)).as("main keys").isEqualTo(Map.of(2, MAIN_2, 4, MAIN_4));
    assertThat(from.tempAuthKeys(true))
        .as("media keys")
        .isEqualTo(Map.of(2, MEDIA_2, 5, noAddress));
    Sessions.copy(from, to);
    assertFilled(to, "in the copy");
    assertThat(to.tempAuthKey(5, true)).as("DC 5's media key in the copy").contains(noAddress);
  }

  @Test
  @DisplayName("temporary keys survive close and reopen (DURABLE)")
  void durable() {
    assumeCapability(Capability.DURABLE);
    Session first = open();
    fill(first);
    first.close();
    assertFilled(open(), "after reopen");
  }

  @Test
  @DisplayName("a temporary key set or removed through one instance is seen by another (SHARED)")
  void shared() {
    assumeCapability(Capability.SHARED);
    Session a = open();
    Session b = open();
    assertThat(b.tempAuthKey(2, false)).as("B's read before A sets it").isEmpty();
    fill(a);
    assertFilled(b, "as B reads them after A set them");
    b.setTempAuthKey(2, false, null);
    assertThat(a.tempAuthKey(2, false)).as("A's read after B removed it").isEmpty();
    assertThat(a.tempAuthKey(2, true)).as("A's read of the media key").contains(MEDIA_2);
  }

  // ---- under encryption-key (ENCRYPTION) -----------------------------------------------------

  private TckKeyFiles requireEncryption() {
    assumeCapability(Capability.ENCRYPTION);
    assumeCapability(Capability.DURABLE);
    return new TckKeyFiles();
  }

  private Session withKey(TckKeyFiles keys, int seed) {
    return openUri(sessionName(), uriWith(sessionName(), keys.option(seed)));
  }

  @Test
  @DisplayName(
      "temporary keys written with encryption-key read back with it after reopen (ENCRYPTION)")
  void encryptedRoundTrip() {
    try (TckKeyFiles keys = requireEncryption()) {
      try (Session session = withKey(keys, 1)) {
        fill(session);
        assertFilled(session, "in the writing instance");
      }
      try (Session again = withKey(keys, 1)) {
        assertFilled(again, "after reopen with the key");
      }
      assertThatThrownBy(() -> open())
          .as("opening without the key")
          .isInstanceOf(IncompatibleSessionException.class);
    }
  }

  @Test
  @DisplayName("a plain session's temporary keys are sealed when it is opened with a key")
  void plainSealedInPlace() {
    try (TckKeyFiles keys = requireEncryption()) {
      try (Session plain = open()) {
        fill(plain);
      }
      try (Session sealing = withKey(keys, 1)) {
        assertFilled(sealing, "in the instance that sealed them");
      }
      try (Session again = withKey(keys, 1)) {
        assertFilled(again, "after reopen with the key");
      }
    }
  }

  @Test
  @DisplayName("temporary keys survive rekey to another key and back to plain")
  void survivesRekey() {
    try (TckKeyFiles keys = requireEncryption()) {
      try (Session session = withKey(keys, 1)) {
        fill(session);
        session.encryption().orElseThrow().rekey(TckKeyFiles.key(2));
        assertFilled(session, "right after rekey");
      }
      try (Session rekeyed = withKey(keys, 2)) {
        assertFilled(rekeyed, "after reopen with the new key");
        rekeyed.encryption().orElseThrow().rekey(null);
      }
      try (Session plain = open()) {
        assertFilled(plain, "after rekey to plain and reopen without a key");
      }
    }
  }

  @Test
  @DisplayName("no temporary key is in the raw store of an encrypted session, in any form")
  void rawStoreHoldsNone() {
    try (TckKeyFiles keys = requireEncryption()) {
      try (Session session = withKey(keys, 1)) {
        fill(session);
        session.setTempAuthKey(4, false, tempKey(42));
      }
      assertRawStoreHoldsNone();
    }
  }

  private void assertRawStoreHoldsNone() {
    List<byte[]> raw = rawStore(sessionName());
    Assumptions.assumeTrue(
        raw != null, "the backend's test does not expose its raw store (SessionTck.rawStore)");
    for (int seed : new int[] {21, 22, 41, 42}) {
      for (byte[] chunk : raw) {
        for (byte[] form : rawForms(key(seed))) {
          assertThat(indexOf(chunk, form))
              .as("temporary key %d in the raw store, in some form", seed)
              .isNegative();
        }
      }
    }
  }
}
