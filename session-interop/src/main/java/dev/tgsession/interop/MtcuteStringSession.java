package dev.tgsession.interop;

import dev.tgsession.AddressFamily;
import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionData;
import dev.tgsession.support.IpAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * mtcute's session string, version 3 ({@code client.exportSession()}, {@code writeStringSession}):
 * URL-safe base64 without padding of {@code u8 version = 3}, a TL {@code int} of flags (1: self
 * user present, 2: test mode (old writers), 4: separate media DC), TL {@code bytes} of the main DC,
 * TL {@code bytes} of the media DC when flag 4 is set, then when flag 1 is set an {@code int53}
 * user id (8 bytes, little-endian) and a TL {@code Bool} is-bot, then TL {@code bytes} of the
 * 256-byte auth key. A DC is {@code u8 2, u8 dc id, u8 flags (ipv6 1, media only 2, test 4)}, a TL
 * string with the IP address, a TL {@code int} port.
 *
 * <p>{@link #decode(String)} makes the main DC the home DC, with the string's address and port in
 * their family and the other family from Telegram's test DCs ({@link KnownDcs#test()}) when the
 * string is a test-mode one, else from {@link KnownDcs#all()} (with the string's port; for a DC
 * neither table has, derived as {@link TelethonStringSession#decode(String)} does); the self user
 * becomes a {@code PeerInfo.User} with {@code self = TRUE} and the bot flag. The media DC has no
 * place in {@link SessionData}: {@link #read(String)} gives it, with everything else the string
 * holds, and {@code encode(read(s))} is {@code s}.
 */
public final class MtcuteStringSession {

  static final String FORMAT = "mtcute string session";
  static final int VERSION = 3;
  private static final int FLAG_SELF = 1;
  private static final int FLAG_TEST_OLD = 2;
  private static final int FLAG_MEDIA = 4;
  private static final int DC_VERSION = 2;
  private static final long MAX_USER_ID = 0xFF_FFFF_FFFFL;

  private MtcuteStringSession() {}

  /**
   * One DC as the string writes it.
   *
   * @param id the DC id, 1..255
   * @param address the IP address exactly as written (mtcute keeps Telegram's text, e.g. the long
   *     IPv6 form {@code 2001:067c:04e8:f002:0000:0000:0000:000a})
   * @param port the port, 0..65535
   * @param ipv6 whether the address is IPv6 (flag 1)
   * @param mediaOnly whether the DC serves media only (flag 2)
   * @param testMode whether the DC is one of Telegram's test DCs (flag 4)
   */
  public record Dc(
      int id, String address, int port, boolean ipv6, boolean mediaOnly, boolean testMode) {

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException if the id or port is out of range, the address is not an IP
     *     address, or its family is not the one {@code ipv6} says
     */
    public Dc {
      Objects.requireNonNull(address, "address");
      if (id < 1 || id > 255) {
        throw new IllegalArgumentException(FORMAT + ": expected a DC id 1..255, found " + id);
      }
      if (port < 0 || port > 0xFFFF) {
        throw new IllegalArgumentException(
            FORMAT + ": expected a port 0..65535 for DC " + id + ", found " + port);
      }
      InetAddress ip = ip(id, address);
      if ((ip instanceof Inet4Address) == ipv6) {
        throw new IllegalArgumentException(
            FORMAT
                + ": expected "
                + (ipv6 ? "an IPv6" : "an IPv4")
                + " address for DC "
                + id
                + " (its ipv6 flag is "
                + ipv6
                + "), found "
                + address);
      }
    }

    /** The address, parsed (never looked up). */
    public InetSocketAddress socketAddress() {
      return new InetSocketAddress(ip(id, address), port);
    }

    private static InetAddress ip(int id, String address) {
      @Nullable InetAddress ip = IpAddresses.parseLiteral(address);
      if (ip == null) {
        throw new IllegalArgumentException(
            FORMAT
                + ": expected an IP address for DC "
                + id
                + ", found "
                + (address.length() > 64 ? address.length() + " characters" : "'" + address + "'"));
      }
      return ip;
    }
  }

  /**
   * Everything an mtcute string holds: the session (home DC = main DC, its key, the self user), the
   * main DC and the media DC as written, and the old test-mode flag.
   *
   * @param session the session {@link #decode(String)} gives; its self user with a known bot flag,
   *     if it has one, is the string's self user
   * @param main the main DC; its id is the home DC and its address and port the home option's in
   *     their family
   * @param media the separate media DC (flag 4), or {@code null} when the main DC serves media too
   * @param testModeFlag the session-level test-mode flag (2) older mtcute versions wrote; current
   *     ones mark test mode on each DC instead
   */
  public record Contents(SessionData session, Dc main, @Nullable Dc media, boolean testModeFlag) {

    /**
     * Validates that the main DC is the session's home DC, with its address and port.
     *
     * @throws IllegalArgumentException if not, or the home DC has no key, or the main and media DCs
     *     differ in test mode without the old flag
     */
    public Contents {
      Objects.requireNonNull(session, "session");
      Objects.requireNonNull(main, "main");
      DcOption home = HomeDc.requireKeyed(FORMAT, session);
      InetSocketAddress carried = main.ipv6() ? home.ipv6() : home.ipv4();
      if (home.id() != main.id() || !carried.equals(main.socketAddress())) {
        throw new IllegalArgumentException(
            FORMAT
                + ": expected the main DC to be the home DC "
                + home.id()
                + " at "
                + IpAddresses.toText(carried.getAddress())
                + " port "
                + carried.getPort()
                + ", found DC "
                + main.id()
                + " at "
                + main.address()
                + " port "
                + main.port());
      }
      if (!testModeFlag && media != null && media.testMode() != main.testMode()) {
        throw new IllegalArgumentException(
            FORMAT
                + ": expected the main and media DCs to agree on test mode, found main "
                + main.testMode()
                + " and media "
                + media.testMode());
      }
    }

    /** Whether the session lives on Telegram's test servers. */
    public boolean testMode() {
      return testModeFlag || main.testMode();
    }

    /** The self user the string carries (with its bot flag), if any. */
    public PeerInfo.@Nullable User self() {
      return selfOf(session);
    }
  }

  /**
   * Decodes an mtcute v3 session string. Surrounding whitespace is ignored.
   *
   * @return the session: home DC = main DC with the string's address and key, the known DCs (the
   *     test DCs for a test-mode string), the self user if the string has one, empty updates state
   * @throws IllegalArgumentException if the string is not an mtcute v3 session string; the message
   *     names what was expected and what was found, never the string or its key
   */
  public static SessionData decode(String session) {
    return read(session).session();
  }

  /**
   * Reads everything an mtcute v3 session string holds. {@code encode(read(s))} equals {@code s}
   * (stripped).
   *
   * @throws IllegalArgumentException as {@link #decode(String)}
   */
  public static Contents read(String session) {
    String text = Formats.requireSize(FORMAT, session).strip();
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      String hint = hint(text);
      if (hint.isEmpty() || e.getMessage().endsWith(hint)) {
        throw e;
      }
      throw new IllegalArgumentException(e.getMessage() + hint, e);
    }
  }

  private static Contents parse(String text) {
    if (text.isEmpty() || text.charAt(0) != 'A') {
      // Version 3 is the first byte: base64 of 0x03 starts with 'A'.
      throw new IllegalArgumentException(
          FORMAT
              + ": expected URL-safe base64 without padding starting with 'A' (version byte 3),"
              + " found "
              + text.length()
              + " characters, "
              + Characters.start(text)
              + hint(text));
    }
    byte[] bytes = Base64Text.URL_SAFE.decode(FORMAT, text, 0, false);
    TlBytes.Reader reader = new TlBytes.Reader(FORMAT, bytes, 0);
    int version = reader.u8("the version");
    if (version != VERSION) {
      throw new IllegalArgumentException(
          FORMAT + ": expected version 3, found version " + version + hint(text));
    }
    int flags = reader.int32("the flags");
    if ((flags & ~(FLAG_SELF | FLAG_TEST_OLD | FLAG_MEDIA)) != 0) {
      throw new IllegalArgumentException(
          FORMAT + ": expected flags of 1, 2 and 4 only, found 0x" + Integer.toHexString(flags));
    }
    Dc main = readDc(reader.bytes("the main DC"), "main DC");
    Dc media = (flags & FLAG_MEDIA) != 0 ? readDc(reader.bytes("the media DC"), "media DC") : null;
    boolean testModeFlag = (flags & FLAG_TEST_OLD) != 0;
    PeerInfo.User self = null;
    if ((flags & FLAG_SELF) != 0) {
      long userId = reader.int64("the self user id");
      if (userId < 1 || userId > MAX_USER_ID) {
        throw new IllegalArgumentException(
            FORMAT + ": expected a self user id 1.." + MAX_USER_ID + ", found " + userId);
      }
      boolean bot = reader.bool("the self user's bot flag");
      self = new PeerInfo.User(userId, null, bot, Boolean.TRUE, null, null);
    }
    byte[] key = reader.bytes("the auth key");
    if (key.length != AuthKey.LENGTH) {
      throw new IllegalArgumentException(
          FORMAT + ": expected a 256-byte auth key, found " + key.length + " bytes");
    }
    reader.end("the auth key");
    boolean test = testModeFlag || main.testMode();
    DcOption home =
        HomeDc.option(
            test, main.id(), main.socketAddress().getAddress(), main.port(), AuthKey.of(key));
    SessionData data =
        HomeDc.session(
            test ? KnownDcs.test() : KnownDcs.all(),
            home,
            self,
            main.ipv6() ? AddressFamily.IPV6 : AddressFamily.IPV4);
    if (media != null) {
      // the media DC's addresses, without a key: a DC has one permanent key, the main option's
      DcOption mediaOption =
          HomeDc.option(
              test || media.testMode(),
              media.id(),
              media.socketAddress().getAddress(),
              media.port(),
              null);
      data =
          data.withExtras(Map.of(media.id(), mediaOption), Map.of(), Map.of(), data.homeDcFamily());
    }
    Contents contents = new Contents(data, main, media, testModeFlag);
    if (!encode(contents).equals(text)) {
      // Every field checked above; what is left is a text form the writer never produces.
      throw new IllegalArgumentException(
          FORMAT + ": expected the canonical form mtcute writes, found another encoding");
    }
    return contents;
  }

  /**
   * Encodes the home DC of {@code data} with its IPv4 address (its IPv6 address when the IPv4 one
   * is {@code 0.0.0.0}), as the main DC serving media too, with test mode when it is one of
   * Telegram's test DCs, and the self user when there is one with a known bot flag. Other DCs,
   * peers and the updates state are not part of the format and are dropped.
   *
   * @throws IllegalArgumentException if the home DC has no option or no auth key, or its id does
   *     not fit one byte
   */
  public static String encode(SessionData data) {
    DcOption home = HomeDc.requireKeyed(FORMAT, data);
    return encode(data, HomeDc.exportFamily(data, home));
  }

  /**
   * Encodes the home DC of {@code data} with its address of the given family.
   *
   * @param family {@link StandardProtocolFamily#INET} or {@link StandardProtocolFamily#INET6}
   * @throws IllegalArgumentException as {@link #encode(SessionData)}, or if {@code family} is
   *     neither INET nor INET6
   */
  public static String encode(SessionData data, StandardProtocolFamily family) {
    DcOption home = HomeDc.requireKeyed(FORMAT, data);
    int dcId = HomeDc.requireByteDcId(FORMAT, home.id());
    InetSocketAddress address = HomeDc.address(FORMAT, home, family);
    Dc main =
        new Dc(
            dcId,
            IpAddresses.toText(address.getAddress()),
            address.getPort(),
            family == StandardProtocolFamily.INET6,
            false,
            TelegramTestDcs.isTestDc(home));
    return encode(new Contents(data, main, mediaDc(data, home, family), false));
  }

  /**
   * The media DC a string carries for {@code data}: its media option of the home DC's id (or its
   * only one), in the home DC's family; mtcute's per-DC media-only flag is not kept by a session
   * and is written unset.
   */
  private static @Nullable Dc mediaDc(
      SessionData data, DcOption home, StandardProtocolFamily family) {
    Map<Integer, DcOption> media = data.mediaDcOptions();
    DcOption option =
        media.containsKey(home.id())
            ? media.get(home.id())
            : media.size() == 1 ? media.values().iterator().next() : null;
    if (option == null) {
      return null;
    }
    InetSocketAddress address = HomeDc.address(FORMAT, option, family);
    if (address.getAddress().isAnyLocalAddress()) {
      return null;
    }
    return new Dc(
        HomeDc.requireByteDcId(FORMAT, option.id()),
        IpAddresses.toText(address.getAddress()),
        address.getPort(),
        family == StandardProtocolFamily.INET6,
        false,
        TelegramTestDcs.isTestDc(option));
  }

  /**
   * Encodes everything {@code contents} holds: the identical string for one {@link #read(String)}
   * gave.
   */
  public static String encode(Contents contents) {
    DcOption home = HomeDc.requireKeyed(FORMAT, contents.session());
    PeerInfo.@Nullable User self = contents.self();
    Dc media = contents.media();
    int flags =
        (self != null ? FLAG_SELF : 0)
            | (contents.testModeFlag() ? FLAG_TEST_OLD : 0)
            | (media != null ? FLAG_MEDIA : 0);
    TlBytes.Writer writer = new TlBytes.Writer().u8(VERSION).int32(flags);
    writer.bytes(dcBytes(contents.main()));
    if (media != null) {
      writer.bytes(dcBytes(media));
    }
    if (self != null) {
      writer.int64(self.id()).bool(Boolean.TRUE.equals(self.bot()));
    }
    writer.bytes(Objects.requireNonNull(home.authKey()).bytes());
    return Base64Text.URL_SAFE.encode(writer.toByteArray(), false);
  }

  private static PeerInfo.@Nullable User selfOf(SessionData data) {
    for (PeerInfo peer : data.peers().values()) {
      if (peer instanceof PeerInfo.User user && user.isSelf() && user.bot() != null) {
        return user;
      }
    }
    return null;
  }

  private static byte[] dcBytes(Dc dc) {
    int flags = (dc.ipv6() ? 1 : 0) | (dc.mediaOnly() ? 2 : 0) | (dc.testMode() ? 4 : 0);
    return new TlBytes.Writer()
        .u8(DC_VERSION)
        .u8(dc.id())
        .u8(flags)
        .bytes(dc.address().getBytes(StandardCharsets.UTF_8))
        .int32(dc.port())
        .toByteArray();
  }

  private static Dc readDc(byte[] bytes, String what) {
    TlBytes.Reader reader = new TlBytes.Reader(FORMAT, bytes, 0);
    int version = reader.u8("the " + what + "'s version");
    if (version != DC_VERSION) {
      throw new IllegalArgumentException(
          FORMAT + ": expected the " + what + " in version 2, found version " + version);
    }
    int id = reader.u8("the " + what + "'s id");
    int flags = reader.u8("the " + what + "'s flags");
    if ((flags & ~7) != 0) {
      throw new IllegalArgumentException(
          FORMAT
              + ": expected the "
              + what
              + "'s flags of 1, 2 and 4 only, found 0x"
              + Integer.toHexString(flags));
    }
    byte[] address = reader.bytes("the " + what + "'s address");
    for (byte b : address) {
      if (b < 0x21 || b > 0x7E) {
        throw new IllegalArgumentException(
            FORMAT + ": expected the " + what + "'s address in printable ASCII, found other bytes");
      }
    }
    int port = reader.int32("the " + what + "'s port");
    reader.end("the " + what + "'s port");
    return new Dc(
        id,
        new String(address, StandardCharsets.US_ASCII),
        port,
        (flags & 1) != 0,
        (flags & 2) != 0,
        (flags & 4) != 0);
  }

  private static String hint(String text) {
    if (!text.isEmpty() && text.charAt(0) == '1') {
      return " (a string starting with '1' is a Telethon or GramJS string session: use"
          + " TelethonStringSession or GramJsStringSession)";
    }
    int length = text.length();
    if (length == PyrogramStringSession.LENGTH
        || length == PyrogramStringSession.OLD_LENGTH
        || length == PyrogramStringSession.OLD_LENGTH_64) {
      return " ("
          + length
          + " characters is the length of a Pyrogram string session: use"
          + " PyrogramStringSession)";
    }
    return "";
  }
}
