package dev.tgsession.sqlite;

import dev.tgsession.ChannelKind;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;
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

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

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
   * Parses {@code a.b.c.d:port}.
   *
   * @throws IllegalArgumentException if it is not that
   */
  static InetSocketAddress parseIpv4(String text) {
    int colon = text.lastIndexOf(':');
    String host = colon < 0 ? "" : text.substring(0, colon);
    if (!IPV4.matcher(host).matches()) {
      throw new IllegalArgumentException("expected 'a.b.c.d:port', found '" + text + "'");
    }
    try {
      // A dotted quad is parsed as a literal: no name lookup happens.
      InetAddress ip = InetAddress.getByName(host);
      if (ip instanceof Inet4Address) {
        return new InetSocketAddress(ip, port(text.substring(colon + 1), text));
      }
    } catch (UnknownHostException e) {
      // reported below
    }
    throw new IllegalArgumentException("expected 'a.b.c.d:port', found '" + text + "'");
  }

  /**
   * Parses {@code [x::y]:port} or {@code [x::y%scope]:port}.
   *
   * @throws IllegalArgumentException if it is not that
   */
  static InetSocketAddress parseIpv6(String text) {
    int close = text.lastIndexOf("]:");
    if (!text.startsWith("[") || close < 0) {
      throw new IllegalArgumentException("expected '[x::y]:port', found '" + text + "'");
    }
    String host = text.substring(1, close);
    int scope = -1; // no scope id unless the text gives one (-1 leaves it unset, not "%0")
    int percent = host.indexOf('%');
    try {
      if (percent >= 0) {
        scope = Integer.parseUnsignedInt(host.substring(percent + 1));
        host = host.substring(0, percent);
      }
      if (!IPV6.matcher(host).matches() || host.indexOf(':') < 0) {
        throw new IllegalArgumentException("expected '[x::y]:port', found '" + text + "'");
      }
      // A text with ':' is parsed as an IPv6 literal: no name lookup happens. Java turns
      // IPv4-mapped addresses into Inet4Address, so rebuild the IPv6 address from the bytes.
      byte[] bytes = InetAddress.getByName(host).getAddress();
      if (bytes.length == 4) {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(bytes, 0, mapped, 12, 4);
        bytes = mapped;
      }
      Inet6Address ip = Inet6Address.getByAddress(null, bytes, scope);
      return new InetSocketAddress(ip, port(text.substring(close + 2), text));
    } catch (UnknownHostException | NumberFormatException e) {
      throw new IllegalArgumentException("expected '[x::y]:port', found '" + text + "'", e);
    }
  }

  private static int port(String digits, String text) {
    try {
      int port = Integer.parseInt(digits);
      if (port >= 0 && port <= 65535 && !digits.startsWith("+")) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("expected a port in 0..65535, found '" + text + "'");
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
