package dev.tgsession;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How to reach one Telegram datacenter, and the auth key this session holds for it.
 *
 * @param id the datacenter id (positive)
 * @param ipv4 the IPv4 address and port
 * @param ipv6 the IPv6 address and port
 * @param authKey the permanent auth key for this datacenter, null if none was made yet
 */
public record DcOption(
    int id, InetSocketAddress ipv4, InetSocketAddress ipv6, @Nullable AuthKey authKey) {

  /**
   * Validates the option.
   *
   * @throws IllegalArgumentException on a non-positive id, an unresolved address, or an address of
   *     the wrong family
   */
  public DcOption {
    if (id <= 0) {
      throw new IllegalArgumentException("expected a positive DC id, found " + id);
    }
    Objects.requireNonNull(ipv4, "ipv4");
    Objects.requireNonNull(ipv6, "ipv6");
    if (!(ipv4.getAddress() instanceof Inet4Address)) {
      throw new IllegalArgumentException(
          "expected a resolved IPv4 socket address for DC " + id + ", found " + ipv4);
    }
    if (!(ipv6.getAddress() instanceof Inet6Address)) {
      throw new IllegalArgumentException(
          "expected a resolved IPv6 socket address for DC " + id + ", found " + ipv6);
    }
  }

  /** This option with its auth key replaced ({@code null} removes it). */
  public DcOption withAuthKey(@Nullable AuthKey authKey) {
    return new DcOption(id, ipv4, ipv6, authKey);
  }
}
