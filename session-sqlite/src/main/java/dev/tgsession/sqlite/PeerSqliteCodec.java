package dev.tgsession.sqlite;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.PeerKind;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The peer statements and the mapping between {@link PeerInfo} and the rows of {@code peer_info}
 * (grammers') and {@code tgsession_peer} / {@code tgsession_username} (ours).
 *
 * <p>grammers' columns are the truth for the access hash and the subtype bits. Ours refine them
 * where grammers cannot tell: a NULL hash with {@code ambient = 1} is hash 0 (grammers stores NULL
 * for both 0 and unknown); the bot and self flags are taken from our row, which keeps "unknown"
 * apart from "false", only while they agree with grammers' bits, so a row grammers rewrote reads as
 * grammers reads it. Writes merge in SQL: {@code COALESCE(new, stored)} per column, with the stored
 * flags read through the same rule.
 */
final class PeerSqliteCodec {

  private PeerSqliteCodec() {}

  /** Whether caching this peer touches only grammers' row (one statement, no transaction). */
  static boolean onlyPeerInfo(PeerInfo peer) {
    if (peer instanceof PeerInfo.User user) {
      return user.bot() == null
          && user.self() == null
          && user.phone() == null
          && user.usernames() == null
          && !isAmbient(user.auth());
    } else if (peer instanceof PeerInfo.Channel channel) {
      return channel.usernames() == null && !isAmbient(channel.auth());
    }
    return true;
  }

  /**
   * The statement that alone caches {@code peer}, if one does: {@link PeerSql#UPSERT_HASH} for a
   * record that carries at most an access hash (not the ambient one) and claims nothing (no
   * usernames, phone, bot or self flag, channel kind), {@link PeerSql#INSERT_ID} for one without a
   * hash, {@link PeerSql#UPSERT_CHAT} for a chat; {@code null} for any other record, which needs
   * {@link PeerSql#UPSERT_PEER_INFO} (and maybe our tables).
   */
  static @Nullable PeerSql plain(PeerInfo peer) {
    PeerAuth auth;
    if (peer instanceof PeerInfo.User user) {
      if (!onlyPeerInfo(user)) {
        return null;
      }
      auth = user.auth();
    } else if (peer instanceof PeerInfo.Channel channel) {
      if (!onlyPeerInfo(channel) || channel.kind() != null) {
        return null;
      }
      auth = channel.auth();
    } else {
      return PeerSql.UPSERT_CHAT;
    }
    return auth == null ? PeerSql.INSERT_ID : PeerSql.UPSERT_HASH;
  }

  /** Binds the statement {@link #plain} chose for {@code peer}. */
  static void bindPlain(PreparedStatement statement, PeerSql sql, PeerInfo peer)
      throws SQLException {
    statement.setLong(1, peer.peerId().botApiDialogId());
    if (sql == PeerSql.UPSERT_HASH) {
      statement.setLong(2, Objects.requireNonNull(peer.auth()).accessHash());
    }
  }

  /**
   * Binds {@link PeerSql#UPSERT_PEER_INFO}; {@code derived} when our row was written for a user.
   */
  static void bindPeerInfo(PreparedStatement statement, PeerInfo peer, boolean derived)
      throws SQLException {
    statement.setLong(1, peer.peerId().botApiDialogId());
    PeerAuth auth = peer.auth();
    Integer subtype = null;
    if (peer instanceof PeerInfo.Channel channel) {
      subtype = GrammersEncoding.channelSubtype(channel.kind());
    }
    if (auth == null || auth.isAmbient()) {
      statement.setNull(2, Types.INTEGER);
    } else {
      statement.setLong(2, auth.accessHash());
    }
    statement.setInt(3, auth == null ? 0 : 1);
    statement.setInt(4, derived ? 1 : 0);
    setNullableInt(statement, 5, subtype);
  }

  /** Binds {@link PeerSql#UPSERT_USER_EXTRA}. */
  static void bindUserExtra(PreparedStatement statement, PeerInfo.User user) throws SQLException {
    statement.setLong(1, user.id());
    statement.setInt(2, user.auth() == null ? 0 : 1);
    statement.setInt(3, isAmbient(user.auth()) ? 1 : 0);
    setNullableInt(statement, 4, user.bot() == null ? null : user.bot() ? 1 : 0);
    setNullableInt(statement, 5, user.self() == null ? null : user.self() ? 1 : 0);
    if (user.phone() == null) {
      statement.setNull(6, Types.VARCHAR);
    } else {
      statement.setString(6, user.phone());
    }
    statement.setInt(7, user.usernames() == null ? 0 : 1);
  }

  /** Binds {@link PeerSql#UPSERT_CHANNEL_EXTRA}. */
  static void bindChannelExtra(PreparedStatement statement, PeerInfo.Channel channel)
      throws SQLException {
    statement.setLong(1, channel.peerId().botApiDialogId());
    statement.setInt(2, channel.auth() == null ? 0 : 1);
    statement.setInt(3, isAmbient(channel.auth()) ? 1 : 0);
    statement.setInt(4, channel.usernames() == null ? 0 : 1);
  }

  /** Reads the current row of a peer query of {@link PeerSql} (one packed column). */
  static PeerInfo decode(ResultSet row) throws SQLException {
    String all = row.getString(1);
    try {
      return decode(all);
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw new IncompatibleSessionException(
          "expected a peer row in grammers' and tgsession's encoding, found one that reads '"
              + (all.length() <= 64 ? all : all.substring(0, 64) + "...")
              + "'; restore the file from a backup",
          e);
    }
  }

  private static PeerInfo decode(String all) {
    int bar0 = all.indexOf('|');
    long dialogId = Long.parseLong(all, 0, bar0, 10);
    String packed = all.substring(bar0 + 1);
    PeerId id;
    try {
      id = new PeerId(dialogId);
    } catch (IllegalArgumentException e) {
      throw new IncompatibleSessionException(
          "expected peer_info.peer_id to be a Bot API dialog id, found " + dialogId, e);
    }
    if (packed.startsWith("!")) {
      throw new IncompatibleSessionException(
          "expected the stored types of grammers and tgsession (integers, 0 or 1 for flags, text"
              + " for a phone) in the row of peer_id "
              + dialogId
              + ", found "
              + packed.substring(1)
              + "; the file was written by something else: restore it from a backup");
    }
    if (id.kind() == PeerKind.CHAT) {
      return new PeerInfo.Chat(id.bareId());
    }
    int bar1 = packed.indexOf('|');
    int bar2 = packed.indexOf('|', bar1 + 1);
    boolean hashKnown = bar1 > 0;
    long hash = hashKnown ? Long.parseLong(packed, 0, bar1, 10) : 0;
    boolean subtypeKnown = bar2 > bar1 + 1;
    int subtype = subtypeKnown ? Integer.parseInt(packed, bar1 + 1, bar2, 10) : 0;
    if (subtypeKnown && !validSubtype(id, subtype)) {
      throw new IncompatibleSessionException(
          "expected peer_info.subtype of peer_id "
              + dialogId
              + " to be "
              + (id.kind() == PeerKind.CHANNEL
                  ? "NULL, 4, 8 or 12 (a channel)"
                  : "NULL, 1, 2 or 3 (a user)")
              + ", found "
              + subtype
              + "; the file was written by something else: restore it from a backup");
    }
    boolean ours = packed.length() > bar2 + 1;
    boolean ambient = ours && packed.charAt(bar2 + 1) == '1';
    PeerAuth auth = hashKnown ? new PeerAuth(hash) : ambient ? PeerAuth.AMBIENT : null;
    Boolean bot = null;
    Boolean self = null;
    String phone = null;
    List<String> usernames = null;
    if (ours) {
      bot = flag(packed.charAt(bar2 + 2));
      self = flag(packed.charAt(bar2 + 3));
      int bar3 = bar2 + 4;
      int bar4 = packed.indexOf('|', bar3 + 1);
      if (bar4 > bar3 + 1) {
        phone = packed.substring(bar3 + 1, bar4);
      }
      if (packed.length() > bar4 + 1) {
        usernames =
            packed.length() == bar4 + 2
                ? List.of()
                : Arrays.asList(packed.substring(bar4 + 2).split(" "));
      }
    }
    try {
      if (id.kind() == PeerKind.CHANNEL) {
        return new PeerInfo.Channel(
            id.bareId(),
            auth,
            GrammersEncoding.channelKind(subtypeKnown ? subtype : null),
            usernames);
      }
      int ourBits = (Boolean.TRUE.equals(bot) ? 2 : 0) | (Boolean.TRUE.equals(self) ? 1 : 0);
      if (!ours || ourBits != (subtypeKnown ? subtype : 0)) {
        // grammers wrote (or rewrote) this row: read the flags as grammers does
        bot = subtypeKnown ? (subtype & GrammersEncoding.SUBTYPE_BOT) != 0 : null;
        self = subtypeKnown ? (subtype & GrammersEncoding.SUBTYPE_SELF) != 0 : null;
      }
      return new PeerInfo.User(id.bareId(), auth, bot, self, usernames, phone);
    } catch (IllegalArgumentException e) {
      throw new IncompatibleSessionException(
          "expected a valid username and phone for peer " + id + ", found: " + e.getMessage(), e);
    }
  }

  private static @Nullable Boolean flag(char stored) {
    return stored == '-' ? null : stored == '1';
  }

  private static boolean validSubtype(PeerId id, int subtype) {
    if (id.kind() == PeerKind.CHANNEL) {
      return subtype == 0
          || subtype == GrammersEncoding.SUBTYPE_MEGAGROUP
          || subtype == GrammersEncoding.SUBTYPE_BROADCAST
          || subtype == GrammersEncoding.SUBTYPE_GIGAGROUP;
    }
    return subtype >= 0
        && subtype <= (GrammersEncoding.SUBTYPE_SELF | GrammersEncoding.SUBTYPE_BOT);
  }

  private static boolean isAmbient(@Nullable PeerAuth auth) {
    return auth != null && auth.isAmbient();
  }

  private static void setNullableInt(
      PreparedStatement statement, int index, @Nullable Integer value) throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.INTEGER);
    } else {
      statement.setInt(index, value);
    }
  }
}
