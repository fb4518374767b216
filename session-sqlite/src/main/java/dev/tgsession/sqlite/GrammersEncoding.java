package dev.tgsession.sqlite;

import dev.tgsession.ChannelKind;
import dev.tgsession.support.IpAddresses;
import dev.tgsession.support.QuotedValue;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/**
 * The values of grammers' tables as grammers writes them: socket addresses as Rust's {@code
 * Display} prints them ({@code 'a.b.c.d:port'}, {@code '[x::y]:port'}) and the peer subtype bits.
 */
final class GrammersEncoding {

  static final int SUBTYPE_SELF = 1;
  static final int SUBTYPE_BOT = 2;
  static final int SUBTYPE_MEGAGROUP = 4;
  static final int SUBTYPE_BROADCAST = 8;
  static final int SUBTYPE_GIGAGROUP = 12;

  private GrammersEncoding() {}

  /** The subtype grammers stores for a channel kind (null: unknown, stored as NULL). */
  static @Nullable Integer channelSubtype(@Nullable ChannelKind kind) {
    if (kind == null) {
      return null;
    }
    return switch (kind) {
      case MEGAGROUP -> SUBTYPE_MEGAGROUP;
      case BROADCAST -> SUBTYPE_BROADCAST;
      case GIGAGROUP -> SUBTYPE_GIGAGROUP;
    };
  }

  /**
   * The channel kind grammers reads from a subtype (its order: gigagroup, broadcast, megagroup).
   */
  static @Nullable ChannelKind channelKind(@Nullable Integer subtype) {
    if (subtype == null) {
      return null;
    }
    int bits = subtype;
    if ((bits & SUBTYPE_GIGAGROUP) == SUBTYPE_GIGAGROUP) {
      return ChannelKind.GIGAGROUP;
    } else if ((bits & SUBTYPE_BROADCAST) != 0) {
      return ChannelKind.BROADCAST;
    } else if ((bits & SUBTYPE_MEGAGROUP) != 0) {
      return ChannelKind.MEGAGROUP;
    }
    return null;
  }

  /** {@code a.b.c.d:port}, as Rust prints a {@code SocketAddrV4}. */
  static String formatIpv4(InetSocketAddress address) {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  /**
   * {@code [x::y]:port}, as Rust prints a {@code SocketAddrV6}: RFC 5952 text (lower-case, the
   * longest run of two or more zero groups as {@code ::}), IPv4-mapped addresses as {@code
   * ::ffff:a.b.c.d}, a non-zero scope id as {@code %id}.
   */
  static String formatIpv6(InetSocketAddress address) {
    Inet6Address ip = (Inet6Address) address.getAddress();
    byte[] bytes = ip.getAddress();
    StringBuilder out = new StringBuilder("[");
    if (isIpv4Mapped(bytes)) {
      out.append("::ffff:")
          .append(bytes[12] & 0xFF)
          .append('.')
          .append(bytes[13] & 0xFF)
          .append('.')
          .append(bytes[14] & 0xFF)
          .append('.')
          .append(bytes[15] & 0xFF);
    } else {
      int[] groups = new int[8];
      for (int i = 0; i < 8; i++) {
        groups[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
      }
      int bestStart = 0;
      int bestLength = 0;
      int start = 0;
      int length = 0;
      for (int i = 0; i < 8; i++) {
        if (groups[i] == 0) {
          if (length == 0) {
            start = i;
          }
          length++;
          if (length > bestLength) {
            bestStart = start;
            bestLength = length;
          }
        } else {
          length = 0;
        }
      }
      if (bestLength > 1) {
        appendGroups(out, groups, 0, bestStart);
        out.append("::");
        appendGroups(out, groups, bestStart + bestLength, 8);
      } else {
        appendGroups(out, groups, 0, 8);
      }
    }
    if (ip.getScopeId() != 0) {
      out.append('%').append(Integer.toUnsignedString(ip.getScopeId()));
    }
    return out.append("]:").append(address.getPort()).toString();
  }

  /**
   * Parses {@code a.b.c.d:port} through {@link IpAddresses#socketAddress}.
   *
   * @param what what the text is, for the message (for example {@code "dc_option.ipv4 of dc_id 2"})
   * @throws IllegalArgumentException naming {@code what} and the text if it is not that
   */
  static InetSocketAddress parseIpv4(String text, String what) {
    InetSocketAddress address = IpAddresses.socketAddress(text, what);
    if (!(address.getAddress() instanceof Inet4Address)) {
      throw new IllegalArgumentException(
          "expected " + what + " to be 'a.b.c.d:port', found '" + QuotedValue.cut(text) + "'");
    }
    return address;
  }

  /**
   * Parses {@code [x::y]:port} or {@code [x::y%scope]:port} through {@link
   * IpAddresses#socketAddress} (the scope id, which Rust prints and {@code IpAddresses} does not
   * read, is split off first and put back on the parsed address).
   *
   * @param what what the text is, for the message (for example {@code "dc_option.ipv6 of dc_id 2"})
   * @throws IllegalArgumentException naming {@code what} and the text if it is not that
   */
  static InetSocketAddress parseIpv6(String text, String what) {
    String unscoped = text;
    int scope = -1; // no scope id unless the text gives one (-1 leaves it unset, not "%0")
    int percent = text.indexOf('%');
    int close = text.lastIndexOf("]:");
    if (percent >= 0) {
      String digits = close > percent ? text.substring(percent + 1, close) : "";
      if (digits.isEmpty()
          || digits.length() > 10
          || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw notIpv6(text, what);
      }
      scope = Integer.parseUnsignedInt(digits);
      unscoped = text.substring(0, percent) + text.substring(close);
    }
    InetSocketAddress address = IpAddresses.socketAddress(unscoped, what);
    if (!(address.getAddress() instanceof Inet6Address ip) || !text.startsWith("[")) {
      throw notIpv6(text, what);
    }
    if (scope < 0) {
      return address;
    }
    try {
      // Not a parse: the parsed bytes, with the scope id the text gave.
      return new InetSocketAddress(
          Inet6Address.getByAddress(null, ip.getAddress(), scope), address.getPort());
    } catch (UnknownHostException e) {
      throw new AssertionError("16 bytes are always an IPv6 address", e);
    }
  }

  private static IllegalArgumentException notIpv6(String text, String what) {
    return new IllegalArgumentException(
        "expected " + what + " to be '[x::y]:port', found '" + QuotedValue.cut(text) + "'");
  }

  private static boolean isIpv4Mapped(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return (bytes[10] & 0xFF) == 0xFF && (bytes[11] & 0xFF) == 0xFF;
  }

  private static void appendGroups(StringBuilder out, int[] groups, int from, int to) {
    for (int i = from; i < to; i++) {
      if (i > from) {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
  }
}
