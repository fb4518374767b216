package dev.tgsession.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("the one IP-literal parser")
class IpLiteralTest {

  @Test
  @DisplayName("literals parse without a lookup; a mapped address stays IPv6")
  void literals() {
    assertThat(IpAddresses.literal("149.154.167.51", "x")).isInstanceOf(Inet4Address.class);
    assertThat(IpAddresses.literal("::ffff:1.2.3.4", "x")).isInstanceOf(Inet6Address.class);
    assertThat(IpAddresses.literal("2001:db8::1", "x").getHostAddress())
        .isEqualTo("2001:db8:0:0:0:0:0:1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "example.com", "1.2.3", "01.2.3.4", "1.2.3.256", "", "::g"})
  @DisplayName("anything else is refused, naming what and the text")
  void refused(String text) {
    assertThatThrownBy(() -> IpAddresses.literal(text, "dc_option.ipv4 of DC 2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dc_option.ipv4 of DC 2")
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  @DisplayName("socket addresses round-trip in both families, IPv4-mapped included")
  void sockets() {
    for (String text : new String[] {"1.2.3.4:443", "[2001:db8::1]:80", "[::ffff:1.2.3.4]:443"}) {
      InetSocketAddress address = IpAddresses.socketAddress(text, "x");
      assertThat(IpAddresses.toText(address)).isEqualTo(text);
    }
    assertThat(IpAddresses.socketAddress("[::ffff:1.2.3.4]:443", "x").getAddress())
        .isInstanceOf(Inet6Address.class);
    for (String bad :
        new String[] {"1.2.3.4", "host:443", "[1.2.3.4]:1", "1.2.3.4:99999", "[::1]"}) {
      assertThatThrownBy(() -> IpAddresses.socketAddress(bad, "ipv4 column"))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("ipv4 column");
    }
  }
}
