package dev.tgsession.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.AddressFamily;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.spi.Capability;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The kit's group "the home DC's address family". */
abstract class HomeDcFamilyRules extends TckGroup {

  HomeDcFamilyRules(SessionTck kit) {
    super(kit);
  }

  @Test
  @DisplayName("a new session's home DC is given in IPv4")
  void ipv4AtFirst() {
    Session session = open();
    assertThat(session.homeDcFamily()).as("homeDcFamily()").isEqualTo(AddressFamily.IPV4);
    assertThat(session.snapshot().homeDcFamily()).as("snapshot()").isEqualTo(AddressFamily.IPV4);
  }

  @Test
  @DisplayName("setHomeDc(id, IPV6) sets both, and snapshot() carries the family")
  void setsBoth() {
    Session session = open();
    session.setHomeDc(4, AddressFamily.IPV6);
    assertThat(session.homeDcId()).as("homeDcId()").isEqualTo(4);
    assertThat(session.homeDcFamily()).as("homeDcFamily()").isEqualTo(AddressFamily.IPV6);
    assertThat(session.snapshot().homeDcFamily()).as("snapshot()").isEqualTo(AddressFamily.IPV6);
  }

  @Test
  @DisplayName("setHomeDcId(id) gives the home DC in IPv4 again")
  void setHomeDcIdResets() {
    Session session = open();
    session.setHomeDc(4, AddressFamily.IPV6);
    session.setHomeDcId(3);
    assertThat(session.homeDcId()).as("homeDcId()").isEqualTo(3);
    assertThat(session.homeDcFamily()).as("homeDcFamily()").isEqualTo(AddressFamily.IPV4);
  }

  @Test
  @DisplayName("a bad DC id or a null family is refused and changes neither")
  void badInput() {
    Session session = open();
    session.setHomeDc(4, AddressFamily.IPV6);
    assertThatThrownBy(() -> session.setHomeDc(0, AddressFamily.IPV4))
        .as("DC id 0")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0");
    assertThatThrownBy(() -> session.setHomeDc(5, null))
        .as("a null family")
        .isInstanceOf(NullPointerException.class);
    assertThat(session.homeDcId()).as("homeDcId()").isEqualTo(4);
    assertThat(session.homeDcFamily()).as("homeDcFamily()").isEqualTo(AddressFamily.IPV6);
  }

  @Test
  @DisplayName("clear() gives the home DC back as new: DC 2, IPv4")
  void clearResets() {
    Session session = open();
    session.setHomeDc(4, AddressFamily.IPV6);
    session.clear();
    assertThat(session.homeDcId()).as("homeDcId()").isEqualTo(2);
    assertThat(session.homeDcFamily()).as("homeDcFamily()").isEqualTo(AddressFamily.IPV4);
  }

  @Test
  @DisplayName("Sessions.copy carries the home DC's family")
  void copied() {
    Session from = open(sessionName() + "-from");
    from.setHomeDc(5, AddressFamily.IPV6);
    Session to = open(sessionName() + "-to");
    Sessions.copy(from, to);
    assertThat(to.homeDcId()).as("the copy's home DC").isEqualTo(5);
    assertThat(to.homeDcFamily()).as("the copy's family").isEqualTo(AddressFamily.IPV6);
  }

  @Test
  @DisplayName("the family survives close and reopen, and so does its reset to IPv4 (DURABLE)")
  void durable() {
    assumeCapability(Capability.DURABLE);
    try (Session first = open()) {
      first.setHomeDc(4, AddressFamily.IPV6);
    }
    try (Session second = open()) {
      assertThat(second.homeDcId()).as("home DC after reopen").isEqualTo(4);
      assertThat(second.homeDcFamily()).as("family after reopen").isEqualTo(AddressFamily.IPV6);
      second.setHomeDcId(4);
    }
    assertThat(open().homeDcFamily())
        .as("family after setHomeDcId and reopen")
        .isEqualTo(AddressFamily.IPV4);
  }
}
