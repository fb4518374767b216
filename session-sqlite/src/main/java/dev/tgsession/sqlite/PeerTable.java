package dev.tgsession.sqlite;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
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
final class PeerTable {

  private static final String USER_IDS = " BETWEEN 1 AND " + 0xFF_FFFF_FFFFL;

  private static final String COLUMNS =
      "SELECT pi.peer_id, pi.hash, pi.subtype, tp.peer_id, tp.ambient, tp.bot, tp.self, tp.phone,"
          + " tp.usernames, CASE WHEN tp.usernames THEN"
          + " (SELECT group_concat(n.username, ' ' ORDER BY n.position)"
          + " FROM tgsession_username n WHERE n.peer_id = pi.peer_id) END ";
  private static final String FROM_PEERS =
      "FROM peer_info pi LEFT JOIN tgsession_peer tp ON tp.peer_id = pi.peer_id ";

  static final String BY_ID = COLUMNS + FROM_PEERS + "WHERE pi.peer_id = ?";
  static final String SELF_USER =
      COLUMNS
          + FROM_PEERS
          + "WHERE pi.subtype & 1 = 1 AND pi.peer_id"
          + USER_IDS
          + " ORDER BY pi.peer_id LIMIT 1";
  static final String BY_USERNAME =
      COLUMNS
          + "FROM tgsession_username u JOIN peer_info pi ON pi.peer_id = u.peer_id"
          + " LEFT JOIN tgsession_peer tp ON tp.peer_id = pi.peer_id WHERE u.username = ?";
  static final String BY_PHONE =
      COLUMNS
          + "FROM tgsession_peer tp JOIN peer_info pi ON pi.peer_id = tp.peer_id"
          + " WHERE tp.phone = ? AND tp.peer_id"
          + USER_IDS;
  static final String PAGE =
      COLUMNS + FROM_PEERS + "WHERE pi.peer_id > ? ORDER BY pi.peer_id LIMIT ?";
  static final String COUNT = "SELECT count(*) FROM peer_info";

  /** Our flags count only while they agree with grammers' subtype bits (bot 2, self 1). */
  private static final String AGREE =
      "tp.peer_id IS NOT NULL"
          + " AND coalesce(pi.subtype, 0) = coalesce(tp.bot, 0) * 2 + coalesce(tp.self, 0)";

  private static final String STORED_BOT =
      "CASE WHEN "
          + AGREE
          + " THEN tp.bot WHEN pi.subtype IS NULL THEN NULL"
          + " ELSE (pi.subtype >> 1) & 1 END";
  private static final String STORED_SELF =
      "CASE WHEN "
          + AGREE
          + " THEN tp.self WHEN pi.subtype IS NULL THEN NULL"
          + " ELSE pi.subtype & 1 END";

  /**
   * Upserts a user's row of ours. ?1 id, ?2 auth known, ?3 hash is 0, ?4 bot, ?5 self, ?6 phone, ?7
   * usernames known. The flags merge with the stored ones as {@link #STORED_BOT} reads them.
   */
  static final String UPSERT_USER_EXTRA =
      "INSERT INTO tgsession_peer (peer_id, ambient, bot, self, phone, usernames)"
          + " SELECT ?1, ?2 AND ?3, coalesce(?4, s.bot), coalesce(?5, s.self), ?6, ?7"
          + " FROM (SELECT "
          + STORED_BOT
          + " AS bot, "
          + STORED_SELF
          + " AS self FROM (SELECT ?1 AS id) k"
          + " LEFT JOIN peer_info pi ON pi.peer_id = k.id"
          + " LEFT JOIN tgsession_peer tp ON tp.peer_id = k.id) s WHERE true"
          + " ON CONFLICT (peer_id) DO UPDATE SET"
          + " ambient = CASE WHEN ?2 THEN excluded.ambient ELSE ambient END,"
          + " bot = excluded.bot, self = excluded.self,"
          + " phone = coalesce(excluded.phone, phone),"
          + " usernames = excluded.usernames OR usernames"
          // no row write when nothing changes
          + " WHERE (CASE WHEN ?2 THEN excluded.ambient ELSE ambient END) IS NOT ambient"
          + " OR excluded.bot IS NOT bot OR excluded.self IS NOT self"
          + " OR coalesce(excluded.phone, phone) IS NOT phone"
          + " OR (excluded.usernames OR usernames) IS NOT usernames";

  /** Upserts a channel's row of ours. ?1 id, ?2 auth known, ?3 hash is 0, ?4 usernames known. */
  static final String UPSERT_CHANNEL_EXTRA =
      "INSERT INTO tgsession_peer (peer_id, ambient, usernames) VALUES (?1, ?2 AND ?3, ?4)"
          + " ON CONFLICT (peer_id) DO UPDATE SET"
          + " ambient = CASE WHEN ?2 THEN excluded.ambient ELSE ambient END,"
          + " usernames = excluded.usernames OR usernames"
          + " WHERE (CASE WHEN ?2 THEN excluded.ambient ELSE ambient END) IS NOT ambient"
          + " OR (excluded.usernames OR usernames) IS NOT usernames";

  /**
   * Upserts grammers' row. ?1 id, ?2 hash (NULL for 0 or unknown, as grammers), ?3 auth known, ?4
   * subtype from our (just merged) flags, ?5 subtype otherwise (NULL keeps the stored one).
   */
  static final String UPSERT_PEER_INFO =
      "INSERT INTO peer_info (peer_id, hash, subtype) VALUES (?1, ?2, CASE WHEN ?4 THEN"
          + " (SELECT nullif(coalesce(bot, 0) * 2 + coalesce(self, 0), 0)"
          + " FROM tgsession_peer WHERE peer_id = ?1) ELSE ?5 END)"
          + " ON CONFLICT (peer_id) DO UPDATE SET"
          + " hash = CASE WHEN ?3 THEN excluded.hash ELSE hash END,"
          + " subtype = CASE WHEN ?4 THEN excluded.subtype ELSE coalesce(excluded.subtype, subtype)"
          + " END"
          // no row write (nor index upkeep) when nothing changes
          + " WHERE (CASE WHEN ?3 THEN excluded.hash ELSE hash END) IS NOT hash"
          + " OR (CASE WHEN ?4 THEN excluded.subtype ELSE coalesce(excluded.subtype, subtype) END)"
          + " IS NOT subtype";

  /**
   * Upserts grammers' row of a plain record ({@link #plain}: only an access hash): the raw upsert,
   * which leaves {@code subtype} (and so the partial index on it) and our tables alone. ?1 id, ?2
   * hash (NULL for unknown, as grammers).
   */
  static final String UPSERT_HASH =
      "INSERT INTO peer_info (peer_id, hash, subtype) VALUES (?1, ?2, NULL)"
          + " ON CONFLICT (peer_id) DO UPDATE SET hash = excluded.hash";

  /** Inserts grammers' row of a record that holds nothing but its id, if there is none. ?1 id. */
  static final String INSERT_ID =
      "INSERT INTO peer_info (peer_id, hash, subtype) VALUES (?1, NULL, NULL)"
          + " ON CONFLICT (peer_id) DO NOTHING";

  /** Gives every other self user self = false in our table (first, while grammers' bit is set). */
  static final String UNSET_OTHER_SELF_EXTRA =
      "INSERT INTO tgsession_peer (peer_id, ambient, bot, self, phone, usernames)"
          + " SELECT pi.peer_id, 0, "
          + STORED_BOT
          + ", 0, NULL, 0"
          + " FROM peer_info pi LEFT JOIN tgsession_peer tp ON tp.peer_id = pi.peer_id"
          + " WHERE pi.subtype & 1 = 1 AND pi.peer_id"
          + USER_IDS
          + " AND pi.peer_id <> ?1"
          + " ON CONFLICT (peer_id) DO UPDATE SET bot = excluded.bot, self = 0";

  /** Clears grammers' self bit of every other user. */
  static final String UNSET_OTHER_SELF =
      "UPDATE peer_info SET subtype = nullif(subtype & ~1, 0)"
          + " WHERE subtype & 1 = 1 AND peer_id"
          + USER_IDS
          + " AND peer_id <> ?1";

  /** Takes a phone from every other user. ?1 phone, ?2 id. */
  static final String RELEASE_PHONE =
      "UPDATE tgsession_peer SET phone = NULL WHERE phone = ?1 AND peer_id <> ?2";

  /** Forgets a peer's usernames before its new list is written. */
  static final String DELETE_USERNAMES = "DELETE FROM tgsession_username WHERE peer_id = ?";

  /** Gives a username to a peer, taking it from any other. ?1 username, ?2 id, ?3 position. */
  static final String CLAIM_USERNAME =
      "INSERT INTO tgsession_username (username, peer_id, position) VALUES (?1, ?2, ?3)"
          + " ON CONFLICT (username) DO UPDATE SET"
          + " peer_id = excluded.peer_id, position = excluded.position";

  private PeerTable() {}

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
   * The statement that alone caches {@code peer}, if one does: {@link #UPSERT_HASH} for a record
   * that carries at most an access hash (not the ambient one) and claims nothing (no usernames,
   * phone, bot or self flag, channel kind), {@link #INSERT_ID} for one without a hash; {@code null}
   * for any other record, which needs {@link #UPSERT_PEER_INFO} (and maybe our tables).
   */
  static @Nullable String plain(PeerInfo peer) {
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
      auth = null;
    }
    return auth == null ? INSERT_ID : UPSERT_HASH;
  }

  /**
   * Binds {@link #UPSERT_HASH} or {@link #INSERT_ID} (as {@link #plain} chose) for {@code peer}.
   */
  static void bindPlain(PreparedStatement statement, String sql, PeerInfo peer)
      throws SQLException {
    statement.setLong(1, peer.peerId().botApiDialogId());
    if (sql.equals(UPSERT_HASH)) {
      statement.setLong(2, Objects.requireNonNull(peer.auth()).accessHash());
    }
  }

  /** Binds {@link #UPSERT_PEER_INFO}; {@code derived} when our row was written for a user. */
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

  /** Binds {@link #UPSERT_USER_EXTRA}. */
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

  /** Binds {@link #UPSERT_CHANNEL_EXTRA}. */
  static void bindChannelExtra(PreparedStatement statement, PeerInfo.Channel channel)
      throws SQLException {
    statement.setLong(1, channel.peerId().botApiDialogId());
    statement.setInt(2, channel.auth() == null ? 0 : 1);
    statement.setInt(3, isAmbient(channel.auth()) ? 1 : 0);
    statement.setInt(4, channel.usernames() == null ? 0 : 1);
  }

  /** Reads the current row of a result of {@link #COLUMNS}. */
  static PeerInfo decode(ResultSet row) throws SQLException {
    long dialogId = row.getLong(1);
    PeerId id;
    try {
      id = new PeerId(dialogId);
    } catch (IllegalArgumentException e) {
      throw new IncompatibleSessionException(
          "expected peer_info.peer_id to be a Bot API dialog id, found " + dialogId, e);
    }
    if (id.kind() == dev.tgsession.PeerKind.CHAT) {
      return new PeerInfo.Chat(id.bareId());
    }
    long hash = row.getLong(2);
    boolean hashKnown = !row.wasNull();
    int subtype = row.getInt(3);
    boolean subtypeKnown = !row.wasNull();
    row.getLong(4);
    boolean ours = !row.wasNull();
    boolean ambient = ours && row.getInt(5) == 1;
    PeerAuth auth = hashKnown ? new PeerAuth(hash) : ambient ? PeerAuth.AMBIENT : null;
    List<String> usernames = null;
    if (ours && row.getInt(9) == 1) {
      String joined = row.getString(10);
      usernames = joined == null ? List.of() : Arrays.asList(joined.split(" "));
    }
    try {
      if (id.kind() == dev.tgsession.PeerKind.CHANNEL) {
        return new PeerInfo.Channel(
            id.bareId(),
            auth,
            GrammersEncoding.channelKind(subtypeKnown ? subtype : null),
            usernames);
      }
      Boolean bot = nullableFlag(row, 6);
      Boolean self = nullableFlag(row, 7);
      String phone = ours ? row.getString(8) : null;
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

  private static @Nullable Boolean nullableFlag(ResultSet row, int column) throws SQLException {
    int value = row.getInt(column);
    return row.wasNull() ? null : value != 0;
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
