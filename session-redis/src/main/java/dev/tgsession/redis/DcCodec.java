package dev.tgsession.redis;

import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.support.IpAddresses;
import java.net.InetSocketAddress;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The binary DC option record (field = decimal DC id in the {@code dcs} hash):
 *
 * <pre>
 * u8  version (1)
 * u8[4]  IPv4 address, u16 port
 * u8[16] IPv6 address, u16 port
 * u8  1 if an auth key follows, else 0
 * u8[256] auth key
 * </pre>
 */
final class DcCodec {

  static final int VERSION = 1;
  private static final int WITHOUT_KEY = 1 + 4 + 2 + 16 + 2 + 1;

  private DcCodec() {}

  static byte[] encode(DcOption option) {
    AuthKey key = option.authKey();
    ByteBuffer out = ByteBuffer.allocate(WITHOUT_KEY + (key == null ? 0 : AuthKey.LENGTH));
    out.put((byte) VERSION);
    out.put(option.ipv4().getAddress().getAddress());
    out.putShort((short) option.ipv4().getPort());
    out.put(option.ipv6().getAddress().getAddress());
    out.putShort((short) option.ipv6().getPort());
    out.put((byte) (key == null ? 0 : 1));
    if (key != null) {
      out.put(key.bytes());
    }
    return out.array();
  }

  static DcOption decode(int dcId, byte[] record) {
    try {
      ByteBuffer in = ByteBuffer.wrap(record);
      int version = in.get() & 0xFF;
      if (version != VERSION) {
        throw new IncompatibleSessionException(
            "expected a DC option record of version "
                + VERSION
                + " for DC "
                + dcId
                + ", found version "
                + version
                + "; it was written by a newer or foreign program, open it with that");
      }
      byte[] ipv4 = new byte[4];
      in.get(ipv4);
      int port4 = in.getShort() & 0xFFFF;
      byte[] ipv6 = new byte[16];
      in.get(ipv6);
      int port6 = in.getShort() & 0xFFFF;
      AuthKey key = null;
      if (in.get() != 0) {
        byte[] bytes = new byte[AuthKey.LENGTH];
        in.get(bytes);
        key = AuthKey.of(bytes);
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " trailing bytes");
      }
      return new DcOption(
          dcId,
          new InetSocketAddress(IpAddresses.fromBytes(ipv4), port4),
          // fromBytes keeps an IPv4-mapped address IPv6
          new InetSocketAddress(IpAddresses.fromBytes(ipv6), port6),
          key);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new IncompatibleSessionException(
          "expected a valid DC option record for DC " + dcId + ", found a malformed one: " + e, e);
    }
  }
}
