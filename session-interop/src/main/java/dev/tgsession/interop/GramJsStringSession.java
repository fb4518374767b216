package dev.tgsession.interop;

import dev.tgsession.AddressFamily;
import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.SessionData;
import dev.tgsession.support.IpAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * GramJS's {@code StringSession} (npm package {@code telegram}): {@code '1'} followed by standard
 * base64 (padded) of {@code u8 dc_id, i16 address length, ASCII address, i16 port, 256 byte auth
 * key}, big-endian.
 *
 * <p>It carries one datacenter: its id, one address as text and a port, and its auth key. {@link
 * #decode(String)} makes that DC the home DC with the string's address (the other address family
 * comes from {@link dev.tgsession.KnownDcs}) and key; the other DCs, the peers and the updates
 * state are those of a new session. {@link #encode(SessionData)} writes the home DC and its key and
 * drops everything else.
 *
 * <p>The address is text. An IP literal is kept exactly; a hostname (GramJS in a browser stores
 * e.g. {@code venus.web.telegram.org}, port 443 for WebSocket) is not looked up: the DC's known
 * addresses and ports from {@link dev.tgsession.KnownDcs} are used instead, so re-encoding writes
 * an IP address. {@link #read(String)} keeps the address text and port too, and {@code
 * encode(read(s))} is {@code s}.
 *
 * <p>Ports: GramJS writes the port as a signed 16-bit number ({@code writeInt16BE}, which throws
 * above 32767) and reads it signed; mtcute writes and reads it unsigned. Decoding reads it unsigned
 * (0..65535), so a string mtcute made with a port above 32767 decodes to the port meant; {@link
 * #encode(SessionData)} refuses such a port (GramJS would read it as negative), while {@link
 * #encode(Contents)} gives back the string it read, whatever its port.
 */
public final class GramJsStringSession {

  static final String FORMAT = "GramJS string session";

  /** GramJS reads an address length above 100 as a Telethon IPv6 string; so do we refuse it. */
  static final int MAX_ADDRESS_LENGTH = 100;

  private static final int FIXED_BYTES = 1 + 2 + 2 + AuthKey.LENGTH;
  private static final Pattern HOSTNAME =
      Pattern.compile(
          "(?=.{1,100}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

  private GramJsStringSession() {}

  /**
   * Decodes a GramJS string session. Surrounding whitespace is ignored.
   *
   * <p>For a DC id {@link dev.tgsession.KnownDcs} lacks, the address family the string does not
   * carry is derived from the one it does, as {@link TelethonStringSession#decode(String)} does.
   *
   * @param session the string {@code StringSession.save()} returned
   * @return the session's home DC, DC options with the string's address and key, no peers, an empty
   *     updates state
   * @throws IllegalArgumentException if the string is not a GramJS string session, or holds a
   *     hostname for a DC id KnownDcs lacks; the message names what was expected and what was
   *     found, never the string or its key
   */
  public static SessionData decode(String session) {
    return read(session).session();
  }

  /**
   * What a GramJS string holds beyond {@link SessionData}: the address exactly as written (an IPv6
   * address in any text form, or a hostname) and the port, so that {@link #encode(Contents)} gives
   * back the identical string.
   *
   * @param session the session the string decodes to (see {@link #decode(String)})
   * @param address the address text, printable ASCII, 1..100 characters
   * @param port the port, 0..65535 (read unsigned: GramJS itself writes only 0..32767)
   */
  public record Contents(SessionData session, String address, int port) {

    /**
     * Validates the values: an IP address must be the home DC's address of its family, and the port
     * its port.
     *
     * @throws IllegalArgumentException if the values do not fit the format or the session
     */
    public Contents {
      Objects.requireNonNull(session, "session");
      Objects.requireNonNull(address, "address");
      DcOption home = HomeDc.requireKeyed(FORMAT, session);
      ascii(address.getBytes(StandardCharsets.ISO_8859_1));
      if (address.isEmpty() || address.length() > MAX_ADDRESS_LENGTH) {
        throw new IllegalArgumentException(
            FORMAT
                + ": expected an address of 1.."
                + MAX_ADDRESS_LENGTH
                + " characters, found "
                + address.length());
      }
      if (port < 0 || port > 0xFFFF) {
        throw new IllegalArgumentException(FORMAT + ": expected a port 0..65535, found " + port);
      }
      @Nullable InetAddress ip = IpAddresses.parseLiteral(address);
      if (ip != null) {
        InetSocketAddress carried = ip instanceof java.net.Inet4Address ? home.ipv4() : home.ipv6();
        if (!carried.getAddress().equals(ip) || carried.getPort() != port) {
          throw new IllegalArgumentException(
              FORMAT
                  + ": expected the address and port of the home DC "
                  + home.id()
                  + " ("
                  + IpAddresses.toText(carried.getAddress())
                  + ", port "
                  + carried.getPort()
                  + "), found "
                  + address
                  + ", port "
                  + port);
        }
      } else if (!HOSTNAME.matcher(address).matches()) {
        throw new IllegalArgumentException(
            FORMAT + ": expected an IP address or a hostname, found '" + address + "'");
      }
    }

    /** Whether the home DC is one of Telegram's test DCs ({@link KnownDcs#test()}). */
    public boolean testMode() {
      return TelegramTestDcs.isTestDc(HomeDc.requireKeyed(FORMAT, session));
    }
  }

  /**
   * Reads a GramJS string session: the session {@link #decode(String)} gives, the address text and
   * the port. {@code encode(read(s))} equals {@code s} (stripped).
   *
   * @throws IllegalArgumentException as {@link #decode(String)}
   */
  public static Contents read(String session) {
    String text = Formats.requireSize(FORMAT, session).strip();
    if (text.isEmpty() || text.charAt(0) != '1') {
      throw new IllegalArgumentException(
          FORMAT
              + ": expected '1' followed by standard base64 (GramJS saves a session without a key"
              + " as an empty string), found "
              + text.length()
              + " characters, "
              + Characters.start(text)
              + Formats.hint(FORMAT, text));
    }
    byte[] bytes = Base64Text.STANDARD.decode(FORMAT, text.substring(1), 1, true);
    if (bytes.length < FIXED_BYTES + 1) {
      throw new IllegalArgumentException(
          FORMAT
              + ": expected at least "
              + (FIXED_BYTES + 1)
              + " bytes (DC id, address length, address, port, 256-byte key), found "
              + bytes.length
              + " bytes"
              + Formats.hint(FORMAT, text));
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    int dcId = HomeDc.requireDecodedDcId(FORMAT, buffer.get() & 0xFF);
    int addressLength = buffer.getShort();
    int available = bytes.length - FIXED_BYTES;
    if (addressLength < 1 || addressLength > MAX_ADDRESS_LENGTH || addressLength != available) {
      throw new IllegalArgumentException(
          FORMAT
              + ": expected an address length of 1.."
              + MAX_ADDRESS_LENGTH
              + " equal to the "
              + available
              + " bytes left for the address, found an address length of "
              + addressLength
              + Formats.hint(FORMAT, text));
    }
    byte[] addressBytes = new byte[addressLength];
    buffer.get(addressBytes);
    String address = ascii(addressBytes);
    // Unsigned, as mtcute writes it: GramJS reads it signed but can only write 0..32767.
    int port = buffer.getShort() & 0xFFFF;
    byte[] key = new byte[AuthKey.LENGTH];
    buffer.get(key);
    @Nullable InetAddress literal = IpAddresses.parseLiteral(address);
    AddressFamily family = literal == null ? AddressFamily.IPV4 : HomeDc.family(literal);
    return new Contents(
        HomeDc.session(home(dcId, address, port, AuthKey.of(key)), family), address, port);
  }

  /**
   * Encodes the session of {@code contents} with the address text and port the string carried: the
   * identical string, even for a port above 32767 (which mtcute writes, and GramJS would read as a
   * negative number).
   *
   * @throws IllegalArgumentException if the home DC's id does not fit one byte
   */
  public static String encode(Contents contents) {
    DcOption home = HomeDc.requireKeyed(FORMAT, contents.session());
    return encode(
        HomeDc.requireByteDcId(FORMAT, home.id()),
        contents.address(),
        contents.port(),
        Objects.requireNonNull(home.authKey()));
  }

  /**
   * Encodes the home DC of {@code data} with its IPv4 address, or with its IPv6 address when its
   * IPv4 address is {@code 0.0.0.0} ("none known"). Other DCs, peers and the updates state are not
   * part of the format and are dropped. IPv6 addresses are written in RFC 5952 form.
   *
   * @throws IllegalArgumentException if the home DC has no option or no auth key, its id does not
   *     fit one byte, or its port is above 32767
   */
  public static String encode(SessionData data) {
    DcOption home = HomeDc.requireKeyed(FORMAT, data);
    return encode(data, HomeDc.exportFamily(data, home));
  }

  /**
   * Encodes the home DC of {@code data} with its address of the given family.
   *
   * @param family {@link StandardProtocolFamily#INET} or {@link StandardProtocolFamily#INET6}
   * @throws IllegalArgumentException if the home DC has no option or no auth key, its id does not
   *     fit one byte, its port is above 32767, or {@code family} is neither INET nor INET6
   */
  public static String encode(SessionData data, StandardProtocolFamily family) {
    DcOption home = HomeDc.requireKeyed(FORMAT, data);
    int dcId = HomeDc.requireByteDcId(FORMAT, home.id());
    InetSocketAddress address = HomeDc.address(FORMAT, home, family);
    if (address.getPort() > Short.MAX_VALUE) {
      throw new IllegalArgumentException(
          FORMAT
              + ": expected a port 0..32767 (GramJS writes it as a signed 16-bit number), found "
              + address.getPort()
              + " for DC "
              + dcId);
    }
    return encode(
        dcId,
        IpAddresses.toText(address.getAddress()),
        address.getPort(),
        Objects.requireNonNull(home.authKey()));
  }

  private static String encode(int dcId, String address, int port, AuthKey key) {
    byte[] text = address.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer buffer = ByteBuffer.allocate(FIXED_BYTES + text.length);
    buffer
        .put((byte) dcId)
        .putShort((short) text.length)
        .put(text)
        .putShort((short) port)
        .put(key.bytes());
    return "1" + Base64Text.STANDARD.encode(buffer.array(), true);
  }

  /** Whether {@code bytes} hold this format's layout with a plausible address. */
  static boolean isLayout(byte[] bytes) {
    if (bytes.length < FIXED_BYTES + 1) {
      return false;
    }
    int length = ((bytes[1] & 0xFF) << 8) | (bytes[2] & 0xFF);
    if (length < 1 || length > MAX_ADDRESS_LENGTH || length != bytes.length - FIXED_BYTES) {
      return false;
    }
    String address = new String(bytes, 3, length, StandardCharsets.ISO_8859_1);
    return IpAddresses.parseLiteral(address) != null || HOSTNAME.matcher(address).matches();
  }

  private static String ascii(byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] < 0x21 || bytes[i] > 0x7E) {
        throw new IllegalArgumentException(
            FORMAT
                + ": expected an address of printable ASCII, found byte 0x"
                + String.format("%02x", bytes[i] & 0xFF)
                + " at address position "
                + i);
      }
    }
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  private static DcOption home(int dcId, String address, int port, AuthKey key) {
    @Nullable InetAddress ip = IpAddresses.parseLiteral(address);
    if (ip != null) {
      return HomeDc.option(dcId, ip, port, key);
    }
    if (!HOSTNAME.matcher(address).matches()) {
      throw new IllegalArgumentException(
          FORMAT + ": expected an IP address or a hostname, found '" + address + "'");
    }
    return KnownDcs.get(dcId)
        .map(known -> known.withAuthKey(key))
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    FORMAT
                        + ": expected an IP address for DC "
                        + dcId
                        + ", which is not one of the known DCs 1..5, found the hostname '"
                        + address
                        + "' (hostnames are not looked up)"));
  }
}
