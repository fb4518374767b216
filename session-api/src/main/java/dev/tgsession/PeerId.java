package dev.tgsession;

import org.jspecify.annotations.Nullable;

/**
 * A peer's identity packed, as the Bot API does, into one dialog id: users are positive, chats are
 * {@code -id}, channels are {@code -(1000000000000 + id)}.
 *
 * <p>The ranges are Telegram's (<a href="https://core.telegram.org/api/bots/ids">bots/ids</a>):
 * users {@code 1..0xFFFFFFFFFF}; chats {@code 1..999999999999}; channels {@code 1..997852516352},
 * and monoforums {@code 1002147483649..3000000000000}. {@link #selfUser()} is {@code 1 << 40}, just
 * above the user range.
 *
 * @param botApiDialogId the Bot API dialog id
 */
public record PeerId(long botApiDialogId) implements Comparable<PeerId> {

  static final long USER_MAX = 0xFF_FFFF_FFFFL;
  static final long CHAT_MAX = 999_999_999_999L;
  static final long CHANNEL_MAX = 997_852_516_352L;
  static final long MONOFORUM_MIN = 1_002_147_483_649L;
  static final long MONOFORUM_MAX = 3_000_000_000_000L;
  static final long CHANNEL_OFFSET = 1_000_000_000_000L;
  static final long SELF = 1L << 40;

  private static final PeerId SELF_USER = new PeerId(SELF);

  /**
   * Validates a dialog id.
   *
   * @throws IllegalArgumentException if the id is in no user, chat or channel range
   */
  public PeerId {
    if (kindOf(botApiDialogId) == null) {
      throw new IllegalArgumentException(
          "expected a Bot API dialog id (user 1.."
              + USER_MAX
              + ", chat -1..-"
              + CHAT_MAX
              + ", channel -"
              + (CHANNEL_OFFSET + 1)
              + "..-"
              + (CHANNEL_OFFSET + CHANNEL_MAX)
              + " or -"
              + (CHANNEL_OFFSET + MONOFORUM_MIN)
              + "..-"
              + (CHANNEL_OFFSET + MONOFORUM_MAX)
              + ", self "
              + SELF
              + "), found "
              + botApiDialogId);
    }
  }

  /**
   * The peer of a user or bot.
   *
   * @param id the bare user id, {@code 1..0xFFFFFFFFFF}
   * @throws IllegalArgumentException if {@code id} is out of range
   */
  public static PeerId user(long id) {
    if (id < 1 || id > USER_MAX) {
      throw new IllegalArgumentException("expected a user id in 1.." + USER_MAX + ", found " + id);
    }
    return new PeerId(id);
  }

  /**
   * The peer of a small group chat.
   *
   * @param id the bare chat id, {@code 1..999999999999}
   * @throws IllegalArgumentException if {@code id} is out of range
   */
  public static PeerId chat(long id) {
    if (id < 1 || id > CHAT_MAX) {
      throw new IllegalArgumentException("expected a chat id in 1.." + CHAT_MAX + ", found " + id);
    }
    return new PeerId(-id);
  }

  /**
   * The peer of a channel, megagroup, gigagroup or monoforum.
   *
   * @param id the bare channel id, {@code 1..997852516352} or {@code 1002147483649..3000000000000}
   * @throws IllegalArgumentException if {@code id} is out of range
   */
  public static PeerId channel(long id) {
    if (!isChannelId(id)) {
      throw new IllegalArgumentException(
          "expected a channel id in 1.."
              + CHANNEL_MAX
              + " or "
              + MONOFORUM_MIN
              + ".."
              + MONOFORUM_MAX
              + ", found "
              + id);
    }
    return new PeerId(-(CHANNEL_OFFSET + id));
  }

  /** The logged-in account, for when its real user id is not known to the caller. */
  public static PeerId selfUser() {
    return SELF_USER;
  }

  /** Returns whether {@code id} is a valid bare channel id. */
  public static boolean isChannelId(long id) {
    return (id >= 1 && id <= CHANNEL_MAX) || (id >= MONOFORUM_MIN && id <= MONOFORUM_MAX);
  }

  /** What this id refers to. */
  public PeerKind kind() {
    PeerKind kind = kindOf(botApiDialogId);
    assert kind != null;
    return kind;
  }

  /**
   * The id Telegram's API uses for this peer (always positive).
   *
   * @throws IllegalStateException for {@link #selfUser()}, whose real id this value does not hold
   */
  public long bareId() {
    return switch (kind()) {
      case USER -> botApiDialogId;
      case CHAT -> -botApiDialogId;
      case CHANNEL -> -botApiDialogId - CHANNEL_OFFSET;
      case USER_SELF ->
          throw new IllegalStateException(
              "PeerId.selfUser() holds no user id; look up the self user with"
                  + " Session.peer(PeerId.selfUser())");
    };
  }

  @Override
  public int compareTo(PeerId other) {
    return Long.compare(botApiDialogId, other.botApiDialogId);
  }

  @Override
  public String toString() {
    return Long.toString(botApiDialogId);
  }

  private static @Nullable PeerKind kindOf(long id) {
    if (id >= 1 && id <= USER_MAX) {
      return PeerKind.USER;
    } else if (id == SELF) {
      return PeerKind.USER_SELF;
    } else if (id <= -1 && id >= -CHAT_MAX) {
      return PeerKind.CHAT;
    } else if (id <= -CHANNEL_OFFSET - 1 && isChannelId(-id - CHANNEL_OFFSET)) {
      return PeerKind.CHANNEL;
    }
    return null;
  }
}
