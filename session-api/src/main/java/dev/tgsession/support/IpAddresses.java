package dev.tgsession.support;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/**
 * IP addresses from bytes and text, never through a DNS lookup: the one parser every reader of
 * stored addresses uses (string-session codecs, SQLite and Telethon files, Redis and MongoDB
 * records, the JSON export). An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) stays an {@link
 * Inet6Address}, where the JDK's {@code getByName} and {@code getByAddress(byte[])} would turn it
 * into IPv4.
 */
public final class IpAddresses {
  private IpAddresses() {}

  /**
   * An {@link Inet4Address} for 4 bytes, an {@link Inet6Address} (even IPv4-mapped) for 16.
   *
   * @throws IllegalArgumentException for any other length
   */
  public static InetAddress fromBytes(byte[] bytes) {
    java.util.Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != 4 && bytes.length != 16) {
      throw new IllegalArgumentException(
          "expected an IP address of 4 or 16 bytes, found " + bytes.length + " bytes");
    }
    try {
      if (bytes.length == 16) {
        // getByAddress(byte[]) would turn ::ffff:a.b.c.d into an Inet4Address; this does not.
        return Inet6Address.getByAddress(null, bytes, -1);
      }
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always an address", e);
    }
  }

  /** The IPv4-mapped IPv6 address {@code ::ffff:a.b.c.d}, as grammers' {@code to_ipv6_mapped}. */
  public static Inet6Address mapped(Inet4Address ipv4) {
    byte[] bytes = new byte[16];
    bytes[10] = (byte) 0xFF;
    bytes[11] = (byte) 0xFF;
    System.arraycopy(ipv4.getAddress(), 0, bytes, 12, 4);
    return (Inet6Address) fromBytes(bytes);
  }

  /**
   * The IPv4 address inside an IPv4-mapped ({@code ::ffff:a.b.c.d}) or IPv4-compatible ({@code
   * ::a.b.c.d}) address; otherwise the unspecified {@code 0.0.0.0}, which stands for "no IPv4
   * address known".
   */
  public static Inet4Address embeddedOrUnspecified(Inet6Address ipv6) {
    byte[] bytes = ipv6.getAddress();
    boolean zeroPrefix = true;
    for (int i = 0; i < 10; i++) {
      zeroPrefix &= bytes[i] == 0;
    }
    boolean mapped = zeroPrefix && bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
    boolean compatible = zeroPrefix && bytes[10] == 0 && bytes[11] == 0;
    byte[] ipv4 = new byte[4];
    if (mapped || compatible) {
      System.arraycopy(bytes, 12, ipv4, 0, 4);
    }
    return (Inet4Address) fromBytes(ipv4);
  }

  /**
   * Parses an IP literal strictly, for readers of stored data.
   *
   * @param what what the text is, for the message (for example {@code "dc_option.ipv4 of DC 2"})
   * @throws IllegalArgumentException naming {@code what} and the text (cut to 64 characters) when
   *     it is not a dotted quad or an IPv6 literal; a host name is never looked up
   */
  public static InetAddress literal(String text, String what) {
    java.util.Objects.requireNonNull(text, what);
    InetAddress address = parseLiteral(text);
    if (address == null) {
      throw new IllegalArgumentException(
          "expected "
              + what
              + " to be an IP literal (a.b.c.d or an IPv6 address), found '"
              + QuotedValue.cut(text)
              + "'");
    }
    return address;
  }

  /**
   * Parses {@code a.b.c.d:port} or {@code [ipv6]:port} strictly (grammers' and the JSON export's
   * form).
   *
   * @throws IllegalArgumentException naming {@code what} and the text when it is neither, or the
   *     port is not in 0..65535
   */
  public static InetSocketAddress socketAddress(String text, String what) {
    java.util.Objects.requireNonNull(text, what);
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw badSocket(text, what);
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
      if (host.indexOf(':') < 0) {
        throw badSocket(text, what);
      }
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0 || text.indexOf(':') != colon) {
        throw badSocket(text, what);
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
    }
    InetAddress address = parseLiteral(host);
    if (address == null
        || port.isEmpty()
        || port.length() > 5
        || !port.chars().allMatch(Character::isDigit)) {
      throw badSocket(text, what);
    }
    int number = Integer.parseInt(port);
    if (number > 65535) {
      throw badSocket(text, what);
    }
    return new InetSocketAddress(address, number);
  }

  /** {@code a.b.c.d:port} or {@code [ipv6]:port}, the form {@link #socketAddress} reads. */
  public static String toText(InetSocketAddress address) {
    String host = toText(address.getAddress());
    return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host)
        + ":"
        + address.getPort();
  }

  private static IllegalArgumentException badSocket(String text, String what) {
    return new IllegalArgumentException(
        "expected "
            + what
            + " to be 'a.b.c.d:port' or '[ipv6]:port' with an IP literal, found '"
            + QuotedValue.cut(text)
            + "'");
  }

  /**
   * Parses an IP literal: a dotted quad of decimal octets, or an IPv6 address in any RFC 4291 text
   * form. Returns {@code null} for anything else (a hostname, say); never looks a name up.
   */
  public static @Nullable InetAddress parseLiteral(String text) {
    if (text.isEmpty() || text.length() > 45) {
      return null;
    }
    if (text.indexOf(':') < 0) {
      return parseDottedQuad(text);
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
        return null;
      }
    }
    InetAddress address;
    try {
      // Only hex digits, ':' and '.', with a ':': the JDK parses it as an IPv6 literal or fails,
      // without a lookup.
      address = InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      return null;
    }
    // The JDK turns ::ffff:a.b.c.d into an Inet4Address; keep the family the text had.
    return address instanceof Inet4Address ipv4 ? mapped(ipv4) : address;
  }

  private static @Nullable InetAddress parseDottedQuad(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
        return null;
      }
      int value = 0;
      for (int j = 0; j < part.length(); j++) {
        char c = part.charAt(j);
        if (c < '0' || c > '9') {
          return null;
        }
        value = value * 10 + (c - '0');
      }
      if (value > 255) {
        return null;
      }
      bytes[i] = (byte) value;
    }
    return fromBytes(bytes);
  }

  /**
   * The text form of an address: a dotted quad for IPv4; for IPv6 the RFC 5952 form (lower-case, no
   * leading zeros, the longest run of two or more zero groups as {@code ::}, {@code ::ffff:a.b.c.d}
   * for IPv4-mapped addresses).
   */
  public static String toText(InetAddress address) {
    if (address instanceof Inet4Address) {
      return address.getHostAddress();
    }
    byte[] bytes = address.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
    }
    if (groups[0] == 0
        && groups[1] == 0
        && groups[2] == 0
        && groups[3] == 0
        && groups[4] == 0
        && groups[5] == 0xFFFF) {
      return "::ffff:"
          + (bytes[12] & 0xFF)
          + "."
          + (bytes[13] & 0xFF)
          + "."
          + (bytes[14] & 0xFF)
          + "."
          + (bytes[15] & 0xFF);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int start = i;
      while (i < 8 && groups[i] == 0) {
        i++;
      }
      if (i - start > bestLength) {
        bestStart = start;
        bestLength = i - start;
      }
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }
}
