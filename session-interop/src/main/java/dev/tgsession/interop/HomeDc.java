package dev.tgsession.interop;

import dev.tgsession.AddressFamily;
import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionData;
import dev.tgsession.UpdatesState;
import dev.tgsession.support.IpAddresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** What every codec does with the one datacenter a string session holds. */
final class HomeDc {
  private HomeDc() {}

  /**
   * The home DC's option for a string's address: that address and port in its family; the other
   * family from Telegram's test DCs ({@link KnownDcs#test()}) when the address is the test DC's of
   * that id, else from {@link KnownDcs#all()}, in both cases with the string's port; for a DC
   * neither table has, derived from the string's address (IPv4-mapped IPv6 as grammers does; for an
   * IPv6 address the IPv4 it embeds, else {@code 0.0.0.0}).
   */
  static DcOption option(int dcId, InetAddress address, int port, AuthKey key) {
    return option(TelegramTestDcs.isTestAddress(dcId, address), dcId, address, port, key);
  }

  /** As {@link #option(int, InetAddress, int, AuthKey)}, with test mode given by the format. */
  static DcOption option(
      boolean test, int dcId, InetAddress address, int port, @Nullable AuthKey key) {
    Optional<DcOption> known =
        Optional.ofNullable((test ? KnownDcs.test() : KnownDcs.all()).get(dcId));
    InetSocketAddress ipv4;
    InetSocketAddress ipv6;
    if (address instanceof Inet4Address v4) {
      ipv4 = new InetSocketAddress(v4, port);
      ipv6 =
          new InetSocketAddress(
              known
                  .<InetAddress>map(o -> o.ipv6().getAddress())
                  .orElseGet(() -> IpAddresses.mapped(v4)),
              port);
    } else {
      Inet6Address v6 = (Inet6Address) address;
      ipv6 = new InetSocketAddress(v6, port);
      ipv4 =
          new InetSocketAddress(
              known
                  .<InetAddress>map(o -> o.ipv4().getAddress())
                  .orElseGet(() -> IpAddresses.embeddedOrUnspecified(v6)),
              port);
    }
    return new DcOption(dcId, ipv4, ipv6, key);
  }

  /**
   * The DC table a session with this home option starts from: Telegram's test DCs when the home DC
   * is one of them, else the production DCs.
   */
  static Map<Integer, DcOption> table(DcOption home) {
    return TelegramTestDcs.isTestDc(home) ? KnownDcs.test() : KnownDcs.all();
  }

  /**
   * A session of KnownDcs with {@code home} as its home DC, given in {@code family}, no peers but
   * {@code self}.
   */
  static SessionData session(
      Map<Integer, DcOption> table,
      DcOption home,
      PeerInfo.@Nullable User self,
      AddressFamily family) {
    Map<Integer, DcOption> options = new TreeMap<>(table);
    options.put(home.id(), home);
    Map<PeerId, PeerInfo> peers = self == null ? Map.of() : Map.of(self.peerId(), self);
    return new SessionData(home.id(), options, peers, UpdatesState.empty())
        .withExtras(Map.of(), Map.of(), Map.of(), family);
  }

  static SessionData session(DcOption home) {
    return session(home, AddressFamily.IPV4);
  }

  static SessionData session(DcOption home, AddressFamily family) {
    return session(table(home), home, null, family);
  }

  /** The family of an address a format carried. */
  static AddressFamily family(InetAddress address) {
    return address instanceof Inet6Address ? AddressFamily.IPV6 : AddressFamily.IPV4;
  }

  /**
   * The family to export the home DC in: the one the session was given it in ({@link
   * SessionData#homeDcFamily()}), except IPv4 when the option has none known ({@code 0.0.0.0}).
   */
  static StandardProtocolFamily exportFamily(SessionData data, DcOption home) {
    return data.homeDcFamily() == AddressFamily.IPV6
        ? StandardProtocolFamily.INET6
        : defaultFamily(home);
  }

  /** The home DC's option, which must hold a key. */
  static DcOption requireKeyed(String format, SessionData data) {
    DcOption home = data.dcOptions().get(data.homeDcId());
    if (home == null) {
      throw new IllegalArgumentException(
          format
              + ": expected an option for the home DC "
              + data.homeDcId()
              + ", found options for DCs "
              + data.dcOptions().keySet()
              + " only");
    }
    if (home.authKey() == null) {
      throw new IllegalArgumentException(
          format
              + ": expected an auth key for the home DC "
              + data.homeDcId()
              + ", found none (a session that never logged in has nothing to export)");
    }
    return home;
  }

  /** Checks that the home DC id fits the one unsigned byte every format stores it in. */
  static int requireByteDcId(String format, int dcId) {
    if (dcId > 255) {
      throw new IllegalArgumentException(
          format + ": expected a home DC id 1..255 (stored in one byte), found " + dcId);
    }
    return dcId;
  }

  /** Checks a decoded DC id (one unsigned byte) is a valid DC id. */
  static int requireDecodedDcId(String format, int dcId) {
    if (dcId == 0) {
      throw new IllegalArgumentException(format + ": expected a DC id 1..255, found 0");
    }
    return dcId;
  }

  /** IPv4 unless the option's IPv4 is {@code 0.0.0.0} ("none known"), then IPv6. */
  static StandardProtocolFamily defaultFamily(DcOption option) {
    return option.ipv4().getAddress().isAnyLocalAddress()
        ? StandardProtocolFamily.INET6
        : StandardProtocolFamily.INET;
  }

  static InetSocketAddress address(String format, DcOption option, StandardProtocolFamily family) {
    return switch (family) {
      case INET -> option.ipv4();
      case INET6 -> option.ipv6();
      default ->
          throw new IllegalArgumentException(
              format + ": expected the address family INET or INET6, found " + family);
    };
  }
}
