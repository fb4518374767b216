package dev.tgsession.mongo;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/**
 * The stored DC addresses: IP literals only, read without any DNS lookup. A host name where an
 * address belongs is foreign data, never something to resolve on load.
 *
 * <p>(session-api's {@code IpAddresses} has the same parser, package-private; this copy goes once
 * it is public.)
 */
final class IpLiteral {

  private IpLiteral() {}

  /** A dotted quad of decimal octets (no leading zeros), or null. */
  static @Nullable Inet4Address ipv4(@Nullable String text) {
    if (text == null) {
      return null;
    }
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
    try {
      return (Inet4Address) InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 bytes are always an address", e);
    }
  }

  /**
   * An IPv6 address in any RFC 4291 text form (IPv4-mapped ones stay IPv6), or null. Only hex
   * digits, {@code ':'} and {@code '.'} are let through to the JDK, which parses such text as an
   * IPv6 literal or fails, without a lookup.
   */
  static @Nullable Inet6Address ipv6(@Nullable String text) {
    if (text == null || text.isEmpty() || text.length() > 45 || text.indexOf(':') < 0) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
        return null;
      }
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      return null;
    }
    if (address instanceof Inet4Address mapped) {
      // the JDK turns ::ffff:a.b.c.d into IPv4; a DC's IPv6 address stays IPv6
      byte[] bytes = new byte[16];
      bytes[10] = (byte) 0xFF;
      bytes[11] = (byte) 0xFF;
      System.arraycopy(mapped.getAddress(), 0, bytes, 12, 4);
      try {
        return Inet6Address.getByAddress(null, bytes, -1);
      } catch (UnknownHostException e) {
        throw new AssertionError("16 bytes are always an address", e);
      }
    }
    return (Inet6Address) address;
  }
}
