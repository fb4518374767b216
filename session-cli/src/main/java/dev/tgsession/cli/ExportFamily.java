package dev.tgsession.cli;

import dev.tgsession.DcOption;
import dev.tgsession.Session;
import dev.tgsession.SessionData;

/** In which address family an export gives the home DC: the one the session was given it in. */
final class ExportFamily {
  private ExportFamily() {}

  /** Whether the home DC's IPv6 address is the one to export. */
  static boolean ipv6(Session session, SessionData data) {
    DcOption home = data.dcOptions().get(data.homeDcId());
    return home != null && home.ipv4().getAddress().isAnyLocalAddress();
  }
}
