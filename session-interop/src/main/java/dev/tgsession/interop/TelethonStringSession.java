package dev.tgsession.interop;

import dev.tgsession.AddressFamily;
import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.SessionData;
import dev.tgsession.support.IpAddresses;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Telethon's {@code StringSession}: {@code '1'} followed by URL-safe base64 (padded) of the
 * big-endian {@code u8 dc_id, 4 or 16 byte IP address, u16 port, 256 byte auth key}: 353 characters
 * with an IPv4 address, 369 with IPv6.
 *
 * <p>It carries one datacenter: its id, one address and port, and its auth key. {@link
 * #decode(String)} makes that DC the home DC, gives it the string's address, port and key (the
 * other address family comes from {@link KnownDcs#test()} when the address is one of Telegram's
 * test DCs, else from {@link KnownDcs#all()}, with the string's port), and leaves the other DCs,
 * the peers and the updates state as in a new session (of the test DCs, for a test-DC string).
 * {@link #read(String)} also gives the address family, and {@code encode(read(s))} is {@code s}.
 * {@link #encode(SessionData)} writes the home DC and its key, and drops everything else.
 *
 * <pre>{@code
 * SessionData data = TelethonStringSession.decode(System.getenv("TELETHON_SESSION"));
 * try (Session session = Sessions.open("sqlite:bot.session")) {
 *   session.setHomeDcId(data.homeDcId());
 *   data.dcOptions().values().forEach(session::setDcOption);
 * }
 * }</pre>
 */
public final class TelethonStringSession {

  static final String FORMAT = "Telethon string session";
  static final int IPV4_LENGTH = 353;
  static final int IPV6_LENGTH = 369;

  private TelethonStringSession() {}

  /**
   * What a Telethon string holds beyond {@link SessionData}: the address family it carried, so that
   * {@link #encode(Contents)} gives back the identical string.
   *
   * @param session the session the string decodes to (see {@link #decode(String)})
   * @param family {@link StandardProtocolFamily#INET} for a 353-character string, {@link
   *     StandardProtocolFamily#INET6} for a 369-character one
   */
  public record Contents(SessionData session, StandardProtocolFamily family) {

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException if the home DC has no option or no key, or {@code family} is
     *     neither INET nor INET6
     */
    public Contents {
      Objects.requireNonNull(session, "session");
      Objects.requireNonNull(family, "family");
      HomeDc.address(FORMAT, HomeDc.requireKeyed(FORMAT, session), family);
    }

    /** Whether the string's address is one of Telegram's test DCs ({@link KnownDcs#test()}). */
    public boolean testMode() {
      return TelegramTestDcs.isTestDc(HomeDc.requireKeyed(FORMAT, session));
    }
  }

  /**
   * Reads a Telethon string session: the session {@link #decode(String)} gives, and the address
   * family the string carried. {@code encode(read(s))} equals {@code s} (stripped).
   *
   * @throws IllegalArgumentException as {@link #decode(String)}
   */
  public static Contents read(String session) {
    String text = Formats.requireSize(FORMAT, session).strip();
    SessionData data = decode(text);
    return new Contents(
        data,
        text.length() == IPV6_LENGTH ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
  }

  /**
   * Encodes the session of {@code contents} in the address family the string carried.
   *
   * @throws IllegalArgumentException as {@link #encode(SessionData, StandardProtocolFamily)}
   */
  public static String encode(Contents contents) {
    return encode(contents.session(), contents.family());
  }

  /**
   * Decodes a Telethon string session. Surrounding whitespace is ignored.
   *
   * <p>For a DC id {@link dev.tgsession.KnownDcs} lacks, the address family the string does not
   * carry is derived from the one it does: an IPv4 address {@code a.b.c.d} gets the IPv4-mapped
   * IPv6 address {@code ::ffff:a.b.c.d} (as grammers does); an IPv6 address gets the IPv4 address
   * it embeds (IPv4-mapped or IPv4-compatible), otherwise {@code 0.0.0.0}, meaning "none known".
   *
   * @param session the string {@code StringSession.save()} returned
   * @return the session's home DC, DC options with the string's address and key, no peers, an empty
   *     updates state
   * @throws IllegalArgumentException if the string is not a Telethon string session; the message
   *     names what was expected and what was found, never the string or its key
   */
  public static SessionData decode(String session) {
    String text = Formats.requireSize(FORMAT, session).strip();
    int length = text.length();
    if ((length != IPV4_LENGTH && length != IPV6_LENGTH) || text.charAt(0) != '1') {
      throw new IllegalArgumentException(
          FORMAT
              + ": expected '1' followed by URL-safe base64, "
              + IPV4_LENGTH
              + " characters in all (IPv4 address) or "
              + IPV6_LENGTH
              + " (IPv6 address), found "
              + length
              + " characters, "
              + Characters.start(text)
              + Formats.hint(FORMAT, text));
    }
    int ipLength = length == IPV4_LENGTH ? 4 : 16;
    byte[] bytes = Base64Text.URL_SAFE.decode(FORMAT, text.substring(1), 1, true);
    int expected = 1 + ipLength + 2 + AuthKey.LENGTH;
    if (bytes.length != expected) {
      throw new IllegalArgumentException(
          FORMAT
              + ": expected "
              + expected
              + " bytes ("
              + (length - 1)
              + " base64 characters ending in one '='), found "
              + bytes.length
              + " bytes");
    }
    if (GramJsStringSession.isLayout(bytes)) {
      // Both start with '1' and an IPv4 GramJS string of 14 address characters has 369.
      throw new IllegalArgumentException(
          FORMAT
              + ": expected a "
              + ipLength
              + "-byte IP address after the DC id, found an address length and ASCII address,"
              + " the layout of a GramJS string session: use GramJsStringSession");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    int dcId = HomeDc.requireDecodedDcId(FORMAT, buffer.get() & 0xFF);
    byte[] ip = new byte[ipLength];
    buffer.get(ip);
    int port = buffer.getShort() & 0xFFFF;
    byte[] key = new byte[AuthKey.LENGTH];
    buffer.get(key);
    java.net.InetAddress address = IpAddresses.fromBytes(ip);
    return HomeDc.session(
        HomeDc.option(dcId, address, port, AuthKey.of(key)),
        // by the length carried: Java reads an IPv4-mapped IPv6 address as IPv4
        ip.length == 16 ? AddressFamily.IPV6 : AddressFamily.IPV4);
  }

  /**
   * Encodes the home DC of {@code data} with its IPv4 address, or with its IPv6 address when its
   * IPv4 address is {@code 0.0.0.0} ("none known"). Other DCs, peers and the updates state are not
   * part of the format and are dropped.
   *
   * @throws IllegalArgumentException if the home DC has no option or no auth key, or its id does
   *     not fit one byte
   */
  public static String encode(SessionData data) {
    DcOption home = HomeDc.requireKeyed(FORMAT, data);
    return encode(data, HomeDc.exportFamily(data, home));
  }

  /**
   * Encodes the home DC of {@code data} with its address of the given family, as Telethon does with
   * {@code use_ipv6} false ({@code INET}) or true ({@code INET6}).
   *
   * @param family {@link StandardProtocolFamily#INET} or {@link StandardProtocolFamily#INET6}
   * @throws IllegalArgumentException if the home DC has no option or no auth key, its id does not
   *     fit one byte, or {@code family} is neither INET nor INET6
   */
  public static String encode(SessionData data, StandardProtocolFamily family) {
    DcOption home = HomeDc.requireKeyed(FORMAT, data);
    int dcId = HomeDc.requireByteDcId(FORMAT, home.id());
    InetSocketAddress address = HomeDc.address(FORMAT, home, family);
    byte[] ip = address.getAddress().getAddress();
    AuthKey key = Objects.requireNonNull(home.authKey());
    ByteBuffer buffer = ByteBuffer.allocate(1 + ip.length + 2 + AuthKey.LENGTH);
    buffer.put((byte) dcId).put(ip).putShort((short) address.getPort()).put(key.bytes());
    return "1" + Base64Text.URL_SAFE.encode(buffer.array(), true);
  }
}
