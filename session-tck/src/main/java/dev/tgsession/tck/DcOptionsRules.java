package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.Session;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The kit's group "DC options" (rule 2). */
abstract class DcOptionsRules extends TckGroup {

  DcOptionsRules(SessionTck kit) {
    super(kit);
  }

  @Test
  @DisplayName("round-trip exactly: addresses, ports and key bytes")
  void roundTrip() {
    Session session = open();
    DcOption option = dc(2, 42);
    session.setDcOption(option);
    DcOption read = session.dcOption(2).orElseThrow();
    assertThat(read).isEqualTo(option);
    assertThat(read.ipv4()).isEqualTo(address("10.0.0.2", 445));
    assertThat(read.ipv6()).isEqualTo(address("2001:db8::2", 8443));
    assertThat(read.authKey().bytes()).isEqualTo(key(42).bytes());
  }

  @Test
  @DisplayName("are overwritten by a later setDcOption, key included")
  void overwrite() {
    Session session = open();
    session.setDcOption(dc(4, 1));
    session.setDcOption(dc(4, 2));
    assertThat(session.dcOption(4).orElseThrow().authKey()).isEqualTo(key(2));
    session.setDcOption(dc(4, 2).withAuthKey(null));
    assertThat(session.dcOption(4).orElseThrow().authKey()).isNull();
  }

  @Test
  @DisplayName("can add a DC that KnownDcs lacks")
  void addUnknownDc() {
    Session session = open();
    DcOption test = dc(203, 9);
    session.setDcOption(test);
    assertThat(session.dcOption(203)).contains(test);
    assertThat(session.dcOptions()).containsEntry(203, test).hasSize(6);
  }

  @Test
  @DisplayName("keep each DC's key to itself")
  void keysStayPerDc() {
    Session session = open();
    session.setDcOption(dc(1, 11));
    session.setDcOption(dc(3, 33));
    assertThat(session.dcOption(1).orElseThrow().authKey()).isEqualTo(key(11));
    assertThat(session.dcOption(3).orElseThrow().authKey()).isEqualTo(key(33));
    assertThat(session.dcOption(2)).isEqualTo(KnownDcs.get(2));
    assertThat(session.dcOption(5)).isEqualTo(KnownDcs.get(5));
  }

  @Test
  @DisplayName("keep any port and full IPv6 addresses")
  void oddAddresses() {
    Session session = open();
    DcOption option =
        new DcOption(
            5, address("255.255.255.254", 1), address("fe80:ffff:1:2:3:4:5:6", 65535), key(5));
    session.setDcOption(option);
    assertThat(session.dcOption(5)).contains(option);
  }

  @Test
  @DisplayName("setHomeDcId round-trips")
  void homeDc() {
    Session session = open();
    session.setHomeDcId(4);
    assertThat(session.homeDcId()).isEqualTo(4);
    session.setHomeDcId(2);
    assertThat(session.homeDcId()).isEqualTo(2);
  }

  @Test
  @DisplayName("a returned key is a copy: changing it changes nothing stored")
  void keyCopies() {
    Session session = open();
    session.setDcOption(dc(2, 7));
    byte[] bytes = session.dcOption(2).orElseThrow().authKey().bytes();
    Arrays.fill(bytes, (byte) 0);
    assertThat(session.dcOption(2).orElseThrow().authKey()).isEqualTo(key(7));
  }
}
