package dev.tgsession.interop;

import dev.tgsession.DcOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Telegram's test datacenters 1 to 3, with the addresses Pyrogram's {@code DataCenter.TEST} and
 * {@code TEST_IPV6} list, on port 443 (Telegram's published test configuration).
 */
final class TelegramTestDcs {
  static final Map<Integer, DcOption> ALL = build();

  private TelegramTestDcs() {}

  /** Whether {@code option} is the test DC of its id (by IPv4 address, any port). */
  static boolean isTestDc(DcOption option) {
    DcOption test = ALL.get(option.id());
    return test != null && test.ipv4().getAddress().equals(option.ipv4().getAddress());
  }

  private static Map<Integer, DcOption> build() {
    Map<Integer, DcOption> options = new TreeMap<>();
    put(options, 1, "149.154.175.10", "2001:b28:f23d:f001::e");
    put(options, 2, "149.154.167.40", "2001:67c:4e8:f002::e");
    put(options, 3, "149.154.175.117", "2001:b28:f23d:f003::e");
    return Collections.unmodifiableMap(options);
  }

  private static void put(Map<Integer, DcOption> options, int id, String ipv4, String ipv6) {
    try {
      // Literal addresses: no lookup happens.
      options.put(
          id,
          new DcOption(
              id,
              new InetSocketAddress(InetAddress.getByName(ipv4), 443),
              new InetSocketAddress(InetAddress.getByName(ipv6), 443),
              null));
    } catch (UnknownHostException e) {
      throw new AssertionError("literal address " + ipv4 + " / " + ipv6, e);
    }
  }
}
