package dev.tgsession.interop;

import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import java.util.Map;

/** Telegram's test datacenters ({@link KnownDcs#test()}), as the Pyrogram codec uses them. */
final class TelegramTestDcs {
  static final Map<Integer, DcOption> ALL = KnownDcs.test();

  private TelegramTestDcs() {}

  /** Whether {@code option} is the test DC of its id (by IPv4 address, any port). */
  static boolean isTestDc(DcOption option) {
    DcOption test = ALL.get(option.id());
    return test != null && test.ipv4().getAddress().equals(option.ipv4().getAddress());
  }
}
