package dev.tgsession.interop;

import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import java.net.InetAddress;
import java.util.Map;

/** Telegram's test datacenters ({@link KnownDcs#test()}), as the codecs recognise them. */
final class TelegramTestDcs {
  static final Map<Integer, DcOption> ALL = KnownDcs.test();

  private TelegramTestDcs() {}

  /** Whether {@code option} is the test DC of its id (by either address, any port). */
  static boolean isTestDc(DcOption option) {
    return isTestAddress(option.id(), option.ipv4().getAddress())
        || isTestAddress(option.id(), option.ipv6().getAddress());
  }

  /** Whether {@code address} is the IPv4 or IPv6 address of Telegram's test DC {@code dcId}. */
  static boolean isTestAddress(int dcId, InetAddress address) {
    DcOption test = ALL.get(dcId);
    return test != null
        && (test.ipv4().getAddress().equals(address) || test.ipv6().getAddress().equals(address));
  }
}
