package dev.tgsession.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.ChannelKind;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.KnownDcs;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("grammers' encodings")
class GrammersEncodingTest {

  @ParameterizedTest(name = "{0} prints as Rust prints it: {1}")
  @CsvSource({
    "2001:b28:f23d:f001:0:0:0:a, '[2001:b28:f23d:f001::a]:443'",
    "2001:67c:4e8:f002::a, '[2001:67c:4e8:f002::a]:443'",
    "0:0:0:0:0:0:0:0, '[::]:443'",
    "0:0:0:0:0:0:0:1, '[::1]:443'",
    "1:0:0:2:0:0:0:3, '[1:0:0:2::3]:443'",
    "1:0:0:2:0:0:3:4, '[1::2:0:0:3:4]:443'",
    "1:2:3:4:5:6:0:8, '[1:2:3:4:5:6:0:8]:443'",
    "ABCD:EF01:0:0:0:0:0:0, '[abcd:ef01::]:443'",
  })
  void formatsIpv6LikeRust(String literal, String expected) throws Exception {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(literal), 443);

    assertThat(GrammersEncoding.formatIpv6(address)).isEqualTo(expected);
    assertThat(GrammersEncoding.parseIpv6(expected, "the address")).isEqualTo(address);
  }

  @Test
  @DisplayName("an IPv4-mapped IPv6 address prints as ::ffff:a.b.c.d and stays IPv6")
  void ipv4MappedStaysIpv6() {
    InetSocketAddress parsed = GrammersEncoding.parseIpv6("[::ffff:10.1.2.3]:80", "the address");

    assertThat(parsed.getAddress()).isInstanceOf(Inet6Address.class);
    assertThat(parsed.getPort()).isEqualTo(80);
    assertThat(GrammersEncoding.formatIpv6(parsed)).isEqualTo("[::ffff:10.1.2.3]:80");
  }

  @Test
  @DisplayName("a scope id prints as %id, as Rust prints a SocketAddrV6 with one")
  void scopeId() throws Exception {
    InetSocketAddress scoped =
        new InetSocketAddress(
            Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 3), 5);

    assertThat(GrammersEncoding.formatIpv6(scoped)).isEqualTo("[fe80::1%3]:5");
    assertThat(GrammersEncoding.parseIpv6("[fe80::1%3]:5", "the address")).isEqualTo(scoped);
  }

  @Test
  @DisplayName("an address without a scope id reads back without one (no '%0')")
  void noScopeId() {
    InetSocketAddress parsed =
        GrammersEncoding.parseIpv6("[2001:67c:4e8:f002::a]:443", "the address");
    assertThat(((Inet6Address) parsed.getAddress()).getScopeId()).isZero();
    assertThat(parsed.getAddress().getHostAddress()).doesNotContain("%");
  }

  @Test
  @DisplayName("IPv4 prints as a.b.c.d:port")
  void ipv4() throws Exception {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("149.154.167.51"), 443);

    assertThat(GrammersEncoding.formatIpv4(address)).isEqualTo("149.154.167.51:443");
    assertThat(GrammersEncoding.parseIpv4("149.154.167.51:443", "the address")).isEqualTo(address);
  }

  @ParameterizedTest(name = "''{0}'' is not an IPv4 socket address")
  @CsvSource({"localhost:443", "1.2.3.4", "1.2.3.4:70000", "'[::1]:443'", "1.2.3:4"})
  void rejectsBadIpv4(String text) {
    assertThatThrownBy(() -> GrammersEncoding.parseIpv4(text, "the address"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text);
  }

  @ParameterizedTest(name = "''{0}'' is not an IPv6 socket address")
  @CsvSource({"'::1:443'", "'[::1]'", "'[example.com]:443'", "'[::1]:x'", "1.2.3.4:443"})
  void rejectsBadIpv6(String text) {
    assertThatThrownBy(() -> GrammersEncoding.parseIpv6(text, "the address"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text);
  }

  @Test
  @DisplayName("a dc_option address that is not an IP literal: refused naming table, row, value")
  void badStoredAddress(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad-address.session");
    try (Session session = Sessions.open("sqlite:" + file)) {
      session.setDcOption(KnownDcs.get(2).orElseThrow());
    }
    IncompatibleFileTest.sql(file, "UPDATE dc_option SET ipv4 = 'example.com:443' WHERE dc_id = 2");
    try (Session session = Sessions.open("sqlite:" + file)) {
      assertThatThrownBy(session::dcOptions)
          .isInstanceOf(IncompatibleSessionException.class)
          .hasMessageContaining("dc_option.ipv4 of dc_id 2")
          .hasMessageContaining("'example.com:443'")
          .hasMessageContaining(file.toString());
    }
  }

  @Test
  @DisplayName("channel kinds map to grammers' subtype bits and back")
  void channelKinds() {
    for (ChannelKind kind : ChannelKind.values()) {
      assertThat(GrammersEncoding.channelKind(GrammersEncoding.channelSubtype(kind)))
          .isEqualTo(kind);
    }
    assertThat(GrammersEncoding.channelSubtype(ChannelKind.MEGAGROUP)).isEqualTo(4);
    assertThat(GrammersEncoding.channelSubtype(ChannelKind.BROADCAST)).isEqualTo(8);
    assertThat(GrammersEncoding.channelSubtype(ChannelKind.GIGAGROUP)).isEqualTo(12);
    assertThat(GrammersEncoding.channelSubtype(null)).isNull();
    assertThat(GrammersEncoding.channelKind(null)).isNull();
  }
}
