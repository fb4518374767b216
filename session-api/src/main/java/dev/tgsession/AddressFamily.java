package dev.tgsession;

/**
 * The IP family a datacenter address was given in. A session remembers the family of its home DC
 * ({@link Session#homeDcFamily()}) so an IPv6 session string comes back out as IPv6.
 *
 * @since 0.3.0
 */
public enum AddressFamily {
  IPV4,
  IPV6
}
