package dev.tgsession.interop;

import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionData;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Pyrogram's session string ({@code Client.export_session_string()}): URL-safe base64 without
 * padding of big-endian {@code u8 dc_id, u32 api_id, u8 test_mode, 256 byte auth key, u64 user_id,
 * u8 is_bot} (362 characters). Strings of older Pyrogram versions are read too: 351 characters
 * ({@code >B?256sI?}: dc_id, test_mode, key, u32 user_id, is_bot) and 356 ({@code >B?256sQ?}: the
 * same with a u64 user_id).
 *
 * <p>It carries the home DC's id and key, the account's user id and bot flag, the app's api_id and
 * whether the account lives on Telegram's test servers; it carries no address. Decoding gives the
 * known addresses of the DC ({@link dev.tgsession.KnownDcs}, or Telegram's test DCs 1..3 for a
 * test-mode string) and makes the user the self user ({@code PeerInfo.User} with {@code self =
 * TRUE}, the bot flag, no access hash). Encoding writes the current layout and drops every other
 * DC, every other peer and the updates state.
 */
public final class PyrogramStringSession {

  static final String FORMAT = "Pyrogram string session";
  static final int LENGTH = 362;
  static final int OLD_LENGTH = 351;
  static final int OLD_LENGTH_64 = 356;

  private PyrogramStringSession() {}

  /**
   * What a Pyrogram session string holds.
   *
   * @param session the session: home DC with its key, the known DCs (Telegram's test DCs 1..3, and
   *     no production DC, when {@code testMode}), the user as self user, empty updates state
   * @param apiId the app's api_id, {@code 0} for the older layouts, which do not carry it
   * @param testMode whether the account lives on Telegram's test servers
   * @param userId the account's user id; {@code 0} when the string has none (mtcute writes 0 for a
   *     session without a self user), and then the session has no self user
   * @param bot whether the account is a bot
   */
  public record Contents(
      SessionData session, int apiId, boolean testMode, long userId, boolean bot) {

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException on a negative api_id or a user id out of range
     */
    public Contents {
      Objects.requireNonNull(session, "session");
      if (apiId < 0) {
        throw new IllegalArgumentException("expected a non-negative api_id, found " + apiId);
      }
      if (userId != 0) {
        PeerId.user(userId);
      }
    }
  }

  /**
   * Decodes a production session string. Surrounding whitespace is ignored.
   *
   * @return the session: home DC with its key, the known DCs, the user as self user, no other peer,
   *     empty updates state
   * @throws IllegalArgumentException if the string is not a Pyrogram session string, or is one of
   *     Telegram's test servers (read it with {@link #read(String)}, whose session points to the
   *     test DCs); the message names what was expected and what was found, never the string or its
   *     key
   */
  public static SessionData decode(String session) {
    Contents contents = read(session);
    if (contents.testMode()) {
      throw new IllegalArgumentException(
          FORMAT
              + ": expected a production session, found a test-DC session (test_mode = 1, DC "
              + contents.session().homeDcId()
              + "), which Telegram's production servers do not know: read it with"
              + " PyrogramStringSession.read(String), whose session points to Telegram's test"
              + " datacenters, if a test-server session is what you want");
    }
    return contents.session();
  }

  /**
   * Reads everything a session string holds, in any of the three layouts. Surrounding whitespace is
   * ignored. A test-mode string gives a session whose DC options are Telegram's test DCs 1..3 (on
   * port 443) and no production DC.
   *
   * @throws IllegalArgumentException if the string is not a Pyrogram session string, or names a DC
   *     this library knows no address for (production 1..5, test 1..3); the message names what was
   *     expected and what was found, never the string or its key
   */
  public static Contents read(String session) {
    String text = Formats.requireSize(FORMAT, session).strip();
    int length = text.length();
    if (length != LENGTH && length != OLD_LENGTH && length != OLD_LENGTH_64) {
      throw new IllegalArgumentException(
          FORMAT
              + ": expected URL-safe base64 without padding, "
              + LENGTH
              + " characters (current layout) or "
              + OLD_LENGTH
              + " or "
              + OLD_LENGTH_64
              + " (older layouts), found "
              + length
              + " characters, "
              + Characters.start(text)
              + Formats.hint(FORMAT, text));
    }
    byte[] bytes = Base64Text.URL_SAFE.decode(FORMAT, text, 0, false);
    int expected = length == LENGTH ? 271 : length == OLD_LENGTH ? 263 : 267;
    if (bytes.length != expected) {
      // Unreachable: the length check fixes the byte count of unpadded base64.
      throw new IllegalArgumentException(
          FORMAT + ": expected " + expected + " bytes, found " + bytes.length);
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    int dcId = HomeDc.requireDecodedDcId(FORMAT, buffer.get() & 0xFF);
    long apiId = length == LENGTH ? buffer.getInt() & 0xFFFF_FFFFL : 0;
    if (apiId > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          FORMAT + ": expected an api_id 0.." + Integer.MAX_VALUE + ", found " + apiId);
    }
    boolean testMode = flag("test_mode", buffer.get());
    byte[] key = new byte[AuthKey.LENGTH];
    buffer.get(key);
    long userId = length == OLD_LENGTH ? buffer.getInt() & 0xFFFF_FFFFL : buffer.getLong();
    if (userId < 0 || userId > 0xFF_FFFF_FFFFL) {
      throw new IllegalArgumentException(
          FORMAT
              + ": expected a user_id 0..1099511627775 (0: no user), found "
              + Long.toUnsignedString(userId));
    }
    boolean bot = flag("is_bot", buffer.get());
    Map<Integer, DcOption> table = testMode ? TelegramTestDcs.ALL : KnownDcs.all();
    DcOption known = table.get(dcId);
    if (known == null) {
      throw new IllegalArgumentException(
          FORMAT
              + ": expected a DC id of "
              + (testMode ? "Telegram's test DCs 1..3" : "Telegram's production DCs 1..5")
              + " (the string carries no address), found DC "
              + dcId);
    }
    PeerInfo.@Nullable User self =
        userId == 0 ? null : new PeerInfo.User(userId, null, bot, Boolean.TRUE, null, null);
    SessionData data =
        HomeDc.session(
            table, known.withAuthKey(AuthKey.of(key)), self, dev.tgsession.AddressFamily.IPV4);
    return new Contents(data, (int) apiId, testMode, userId, bot);
  }

  /**
   * Encodes {@code data} in the current layout: the home DC id and key, {@code apiId}, the self
   * user's id and bot flag, and test_mode set when the home DC's IPv4 address is that of Telegram's
   * test DC of that id (as in sessions {@link #read(String)} gives for test-mode strings). The DC's
   * address, other DCs, other peers and the updates state are not part of the format and are
   * dropped.
   *
   * @param apiId the app's api_id (Pyrogram needs the one the session was made with)
   *     <p>Without a self user the string carries user_id 0 and is_bot 0, as mtcute writes it.
   *     Pyrogram itself takes user_id 0 as "not logged in" and asks to log in again: cache the self
   *     user first when the string is meant for Pyrogram.
   * @throws IllegalArgumentException if {@code apiId} is negative, the home DC has no option or no
   *     auth key or an id above 255, or the self user's bot flag is unknown
   */
  public static String encode(SessionData data, int apiId) {
    if (apiId < 0) {
      throw new IllegalArgumentException(
          FORMAT + ": expected a non-negative api_id, found " + apiId);
    }
    DcOption home = HomeDc.requireKeyed(FORMAT, data);
    int dcId = HomeDc.requireByteDcId(FORMAT, home.id());
    PeerInfo.@Nullable User self =
        data.peers().values().stream()
            .filter(peer -> peer instanceof PeerInfo.User user && user.isSelf())
            .map(PeerInfo.User.class::cast)
            .findFirst()
            .orElse(null);
    if (self == null) {
      // No self user: user_id 0 and is_bot 0, as mtcute writes.
      return encode(dcId, apiId, TelegramTestDcs.isTestDc(home), home, 0, false);
    }
    Boolean bot = self.bot();
    if (bot == null) {
      throw new IllegalArgumentException(
          FORMAT
              + ": expected the self user's bot flag, found it unknown (null) for user "
              + self.id()
              + ": cache the self user with bot = TRUE or FALSE first");
    }
    return encode(dcId, apiId, TelegramTestDcs.isTestDc(home), home, self.id(), bot);
  }

  /**
   * Encodes everything {@code contents} holds in the current layout: the home DC id and key of its
   * session, its api_id, test mode, user id (0 included) and bot flag. For a string in the current
   * layout, {@code encode(read(s))} equals {@code s}; an older layout comes back in the current
   * one.
   *
   * @throws IllegalArgumentException if the home DC has no option or no auth key or an id above 255
   */
  public static String encode(Contents contents) {
    DcOption home = HomeDc.requireKeyed(FORMAT, contents.session());
    int dcId = HomeDc.requireByteDcId(FORMAT, home.id());
    return encode(
        dcId, contents.apiId(), contents.testMode(), home, contents.userId(), contents.bot());
  }

  private static String encode(
      int dcId, int apiId, boolean testMode, DcOption home, long userId, boolean bot) {
    AuthKey key = Objects.requireNonNull(home.authKey());
    ByteBuffer buffer = ByteBuffer.allocate(271);
    buffer
        .put((byte) dcId)
        .putInt(apiId)
        .put((byte) (testMode ? 1 : 0))
        .put(key.bytes())
        .putLong(userId)
        .put((byte) (bot ? 1 : 0));
    return Base64Text.URL_SAFE.encode(buffer.array(), false);
  }

  private static boolean flag(String name, byte value) {
    if (value != 0 && value != 1) {
      throw new IllegalArgumentException(
          FORMAT + ": expected " + name + " 0 or 1, found " + (value & 0xFF));
    }
    return value == 1;
  }
}
