package dev.tgsession.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("IP addresses in string sessions")
class IpAddressesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "2001:067c:04e8:f004:0000:0000:0000:000a, 2001:67c:4e8:f004::a",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "0:0:0:0:0:0:0:0, ::",
    "0:0:0:0:0:0:0:1, ::1",
    "1:0:0:0:0:0:0:0, 1::",
    "::FFFF:0102:0304, ::ffff:1.2.3.4",
    "::0102:0304, ::102:304",
    "2001:DB8::A, 2001:db8::a",
  })
  @DisplayName("IPv6 text is written in RFC 5952 form and parses back to the same address")
  void rfc5952(String input, String canonical) {
    InetAddress address = IpAddresses.parseLiteral(input);

    assertThat(address).isInstanceOf(Inet6Address.class);
    assertThat(IpAddresses.toText(address)).isEqualTo(canonical);
    assertThat(IpAddresses.parseLiteral(canonical)).isEqualTo(address);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.2.3",
        "1.2.3.4.5",
        "256.1.1.1",
        "01.2.3.4",
        "1.2.3.-4",
        "0x1.2.3.4",
        "1..3.4",
        "venus.web.telegram.org",
        "localhost",
        "g::1",
        "1:2:3",
        "::1%eth0",
        "[::1]",
        ""
      })
  @DisplayName("anything but a strict IP literal is not an IP literal (and is never looked up)")
  void notLiterals(String text) {
    assertThat(IpAddresses.parseLiteral(text)).isNull();
  }

  @Test
  @DisplayName("an IPv4-mapped address stays IPv6, unlike InetAddress.getByAddress")
  void mappedStaysIpv6() {
    InetAddress mapped = IpAddresses.mapped((Inet4Address) IpAddresses.parseLiteral("10.0.0.7"));

    assertThat(mapped).isInstanceOf(Inet6Address.class);
    assertThat(IpAddresses.embeddedOrUnspecified((Inet6Address) mapped))
        .isEqualTo(IpAddresses.parseLiteral("10.0.0.7"));
    assertThat(
            IpAddresses.embeddedOrUnspecified(
                (Inet6Address) IpAddresses.parseLiteral("2001:db8::9")))
        .isEqualTo(IpAddresses.parseLiteral("0.0.0.0"));
  }
}
