package dev.tgsession;

import dev.tgsession.support.IpAddresses;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Telegram's production datacenters 1 to 5, as grammers ships them, with the real IPv6 addresses
 * Telegram publishes; every new session starts from these.
 */
public final class KnownDcs {

  /** The home datacenter of a new session. */
  public static final int DEFAULT_HOME_DC = 2;

  private static final Map<Integer, DcOption> OPTIONS = build();
  private static final Map<Integer, DcOption> TEST_OPTIONS = buildTest();

  private KnownDcs() {}

  /** The known options, by id, without auth keys. */
  public static Map<Integer, DcOption> all() {
    return OPTIONS;
  }

  /**
   * Telegram's test datacenters 1 to 3 (the addresses Pyrogram's {@code DataCenter.TEST} and {@code
   * TEST_IPV6} list), on port 443, without auth keys. Never a fallback of a session: a test-server
   * session must name them explicitly.
   */
  public static Map<Integer, DcOption> test() {
    return TEST_OPTIONS;
  }

  /** The known option for {@code dcId}, without an auth key, if there is one. */
  public static Optional<DcOption> get(int dcId) {
    return Optional.ofNullable(OPTIONS.get(dcId));
  }

  private static Map<Integer, DcOption> build() {
    Map<Integer, DcOption> options = new TreeMap<>();
    put(options, 1, "149.154.175.53", "2001:b28:f23d:f001::a");
    put(options, 2, "149.154.167.41", "2001:67c:4e8:f002::a");
    put(options, 3, "149.154.175.100", "2001:b28:f23d:f003::a");
    put(options, 4, "149.154.167.92", "2001:67c:4e8:f004::a");
    put(options, 5, "91.108.56.104", "2001:b28:f23f:f005::a");
    return java.util.Collections.unmodifiableMap(options);
  }

  private static Map<Integer, DcOption> buildTest() {
    Map<Integer, DcOption> options = new TreeMap<>();
    put(options, 1, "149.154.175.10", "2001:b28:f23d:f001::e");
    put(options, 2, "149.154.167.40", "2001:67c:4e8:f002::e");
    put(options, 3, "149.154.175.117", "2001:b28:f23d:f003::e");
    return java.util.Collections.unmodifiableMap(options);
  }

  private static void put(Map<Integer, DcOption> options, int id, String ipv4, String ipv6) {
    options.put(
        id,
        new DcOption(
            id,
            new InetSocketAddress(IpAddresses.literal(ipv4, "DC " + id + "'s IPv4 address"), 443),
            new InetSocketAddress(IpAddresses.literal(ipv6, "DC " + id + "'s IPv6 address"), 443),
            null));
  }
}
