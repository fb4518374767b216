package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.DcOption;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.Sessions;
import dev.tgsession.spi.Capability;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The kit's group "media DC options": media-only addresses per DC, with the DC's one key. */
abstract class MediaDcsRules extends TckGroup {

  MediaDcsRules(SessionTck kit) {
    super(kit);
  }

  /** DC 2 and 4 with keys 22 and 44, and media addresses for both. */
  private static void fill(Session session) {
    session.setDcOption(dc(2, 22));
    session.setDcOption(dc(4, 44));
    session.setMediaDcOption(mediaDc(2));
    session.setMediaDcOption(mediaDc(4).withAuthKey(key(44)));
  }

  private static void assertFilled(Session session, String when) {
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(session.mediaDcOption(2))
        .as("DC 2's media option %s", when)
        .contains(mediaDc(2).withAuthKey(key(22)));
    soft.assertThat(session.mediaDcOption(4))
        .as("DC 4's media option %s", when)
        .contains(mediaDc(4).withAuthKey(key(44)));
    soft.assertThat(session.mediaDcOption(3)).as("DC 3's media option %s", when).isEmpty();
    soft.assertThat(session.mediaDcOptions().keySet())
        .as("the DCs with media options %s", when)
        .containsExactlyInAnyOrder(2, 4);
    soft.assertThat(session.dcOption(2)).as("DC 2's main option %s", when).contains(dc(2, 22));
    soft.assertAll();
  }

  @Test
  @DisplayName("a new session has no media options")
  void noneAtFirst() {
    Session session = open();
    assertThat(session.mediaDcOptions()).as("mediaDcOptions()").isEmpty();
    assertThat(session.mediaDcOption(2)).as("mediaDcOption(2)").isEmpty();
  }

  @Test
  @DisplayName("a media option reads back with the DC's auth key, beside the DC's main option")
  void readsBackWithKey() {
    Session session = open();
    fill(session);
    assertFilled(session, "as set");
  }

  @Test
  @DisplayName("a media option follows its DC's key when the main option gets a new key")
  void followsMainKey() {
    Session session = open();
    fill(session);
    session.setDcOption(dc(2, 23));
    assertThat(session.mediaDcOption(2).orElseThrow().authKey())
        .as("DC 2's media key after setDcOption with key 23")
        .isEqualTo(key(23));
  }

  @Test
  @DisplayName("setting a media option again replaces its addresses")
  void replaces() {
    Session session = open();
    fill(session);
    DcOption moved = new DcOption(2, address("10.2.0.2", 443), address("2001:db8:2::2", 443), null);
    session.setMediaDcOption(moved);
    assertThat(session.mediaDcOption(2))
        .as("DC 2's media option, replaced")
        .contains(moved.withAuthKey(key(22)));
  }

  @Test
  @DisplayName(
      "a media option with another key than its DC's is refused with IllegalArgumentException,"
          + " and changes nothing")
  void otherKeyRefused() {
    Session session = open();
    fill(session);
    SessionData before = session.snapshot();
    SoftAssertions soft = new SoftAssertions();
    soft.assertThatThrownBy(() -> session.setMediaDcOption(mediaDc(2).withAuthKey(key(99))))
        .as("DC 2's media option with another key")
        .isInstanceOf(IllegalArgumentException.class);
    soft.assertThatThrownBy(() -> session.setMediaDcOption(mediaDc(7).withAuthKey(key(7))))
        .as("a media option with a key for DC 7, which has none")
        .isInstanceOf(IllegalArgumentException.class);
    soft.assertThatThrownBy(() -> session.setMediaDcOption(null))
        .isInstanceOf(NullPointerException.class);
    soft.assertAll();
    assertThat(session.snapshot()).as("the session after the refused calls").isEqualTo(before);
    assertThat(session.mediaDcOption(7)).as("DC 7's media option").isEmpty();
  }

  @Test
  @DisplayName("clear() drops every media option")
  void clearDrops() {
    Session session = open();
    fill(session);
    session.clear();
    assertThat(session.mediaDcOptions()).as("media options after clear()").isEmpty();
  }

  @Test
  @DisplayName("snapshot() and Sessions.copy carry the media options")
  void snapshotAndCopy() {
    Session from = open(sessionName() + "-from");
    fill(from);
    assertThat(from.snapshot().mediaDcOptions())
        .as("snapshot()'s media options")
        .isEqualTo(Map.of(2, mediaDc(2).withAuthKey(key(22)), 4, mediaDc(4).withAuthKey(key(44))));
    Session to = open(sessionName() + "-to");
    Sessions.copy(from, to);
    assertFilled(to, "in the copy");
  }

  @Test
  @DisplayName("media options survive close and reopen (DURABLE)")
  void durable() {
    assumeCapability(Capability.DURABLE);
    Session first = open();
    fill(first);
    first.close();
    assertFilled(open(), "after reopen");
  }

  @Test
  @DisplayName("a session opened after another set media options sees them (SHARED)")
  void sharedWithNewInstances() {
    assumeCapability(Capability.SHARED);
    Session a = open();
    fill(a);
    assertFilled(open(), "in an instance opened after A set them");
  }
}
