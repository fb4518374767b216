package dev.tgsession.postgres;

import dev.tgsession.ChannelKind;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Peers as rows of {@code tgsession_peer}, and the statements that merge a reduced batch into them.
 *
 * <p>A row holds the bot API dialog id, the access hash, the bot and self flags, the channel kind
 * (1 broadcast, 2 megagroup, 3 gigagroup), the usernames as {@code text[]} and the phone; a SQL
 * {@code NULL} is an unknown component, so merging is {@code COALESCE(EXCLUDED.x, t.x)}. Each
 * username is also a row of {@code tgsession_username}, whose primary key makes a lookup exact and
 * indexed.
 */
final class PeerRows {

  static final String COLUMNS = "peer_id, hash, bot, self, kind, usernames, phone";

  static final String SELECT = "SELECT " + COLUMNS + " FROM tgsession_peer";

  /**
   * The end of a claim statement: the stripped ids ({@code ids.a}, one row, none when nothing was
   * stripped), announced on the channel (parameters: channel, payload prefix).
   */
  private static final String ANNOUNCE_IDS =
      """
      SELECT a, pg_notify(?, ? || CASE WHEN cardinality(a) > %d THEN '*'
                                       ELSE array_to_string(a, ',') END)
      FROM ids WHERE a IS NOT NULL"""
          .formatted(PeerNotifications.MAX_IDS);

  /**
   * Takes the claimed usernames from their other owners' lists, releases the names a re-cached list
   * lost and points each claimed name at its claimer; returns (and announces) the owners' ids.
   */
  static final String STRIP_USERNAMES =
      """
      WITH claim(peer_id, username) AS (SELECT * FROM unnest(?::bigint[], ?::text[])),
      lost AS (
        SELECT u.peer_id, array_agg(u.username) AS names
        FROM tgsession_username u JOIN claim c ON c.username = u.username
        WHERE u.session = ? AND u.peer_id <> c.peer_id
        GROUP BY u.peer_id),
      stripped AS (
        UPDATE tgsession_peer p
        SET usernames = ARRAY(
          SELECT x FROM unnest(p.usernames) WITH ORDINALITY AS t(x, n)
          WHERE x <> ALL (lost.names) ORDER BY n)
        FROM lost
        WHERE p.session = ? AND p.peer_id = lost.peer_id
        RETURNING p.peer_id),
      released AS (
        DELETE FROM tgsession_username
        WHERE session = ? AND peer_id = ANY (?::bigint[]) AND username <> ALL (?::text[])),
      claimed AS (
        INSERT INTO tgsession_username (session, username, peer_id)
        SELECT ?, username, peer_id FROM claim
        ON CONFLICT (session, username) DO UPDATE SET peer_id = EXCLUDED.peer_id
        WHERE tgsession_username.peer_id <> EXCLUDED.peer_id),
      ids AS (SELECT array_agg(peer_id) AS a FROM stripped)
      """
          + ANNOUNCE_IDS;

  /** Takes claimed phones from the users holding them; returns (and announces) their ids. */
  static final String STRIP_PHONES =
      """
      WITH stripped AS (
        UPDATE tgsession_peer p SET phone = NULL
        FROM unnest(?::bigint[], ?::text[]) AS c(peer_id, phone)
        WHERE p.session = ? AND p.phone = c.phone AND p.peer_id <> c.peer_id
        RETURNING p.peer_id),
      ids AS (SELECT array_agg(peer_id) AS a FROM stripped)
      """
          + ANNOUNCE_IDS;

  /** Takes the self flag from any other user; returns (and announces) its id. */
  static final String STRIP_SELF =
      """
      WITH stripped AS (
        UPDATE tgsession_peer SET self = FALSE
        WHERE session = ? AND self AND peer_id <> ?
        RETURNING peer_id),
      ids AS (SELECT array_agg(peer_id) AS a FROM stripped)
      """
          + ANNOUNCE_IDS;

  /** Serialises the claiming writers of one session (their claims read what others write). */
  static final String LOCK_SESSION = "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))";

  /**
   * Merges the batch (null keeps, non-null replaces) and, when any row changed, announces it, in
   * one statement.
   */
  static final String UPSERT_AND_NOTIFY =
      """
      WITH up AS (
        INSERT INTO tgsession_peer AS t (session, peer_id, hash, bot, self, kind, usernames, phone)
        SELECT ?, r.id, r.hash, r.bot, r.self, r.kind, string_to_array(r.names, ','), r.phone
        FROM unnest(?::bigint[], ?::bigint[], ?::boolean[], ?::boolean[], ?::smallint[],
                    ?::text[], ?::text[]) AS r(id, hash, bot, self, kind, names, phone)
        ON CONFLICT (session, peer_id) DO UPDATE SET
          hash = COALESCE(EXCLUDED.hash, t.hash),
          bot = COALESCE(EXCLUDED.bot, t.bot),
          self = COALESCE(EXCLUDED.self, t.self),
          kind = COALESCE(EXCLUDED.kind, t.kind),
          usernames = COALESCE(EXCLUDED.usernames, t.usernames),
          phone = COALESCE(EXCLUDED.phone, t.phone)
        -- A peer cached again as it is stored (the common case) writes no new row version.
        WHERE (t.hash, t.bot, t.self, t.kind, t.usernames, t.phone) IS DISTINCT FROM
              (COALESCE(EXCLUDED.hash, t.hash), COALESCE(EXCLUDED.bot, t.bot),
               COALESCE(EXCLUDED.self, t.self), COALESCE(EXCLUDED.kind, t.kind),
               COALESCE(EXCLUDED.usernames, t.usernames), COALESCE(EXCLUDED.phone, t.phone))
        RETURNING 1),
      changed AS (SELECT count(*) AS n FROM up)
      SELECT n, pg_notify(?, ?) FROM changed WHERE n > 0""";

  private PeerRows() {}

  /** The batch's columns, one array each, in the order of {@link #UPSERT_AND_NOTIFY}. */
  record Columns(
      Long[] ids,
      @Nullable Long[] hashes,
      @Nullable Boolean[] bots,
      @Nullable Boolean[] selves,
      @Nullable Short[] kinds,
      @Nullable String[] names,
      @Nullable String[] phones) {}

  /** What a reduced batch claims: usernames, phones, the self flag, lists that release names. */
  record Claims(
      List<Long> usernameOwners,
      List<String> usernames,
      List<Long> listOwners,
      List<Long> phoneOwners,
      List<String> phones,
      @Nullable Long selfId) {

    boolean any() {
      return !listOwners.isEmpty() || !phones.isEmpty() || selfId != null;
    }
  }

  static Columns columns(List<PeerInfo> batch) {
    int size = batch.size();
    Long[] ids = new Long[size];
    Long[] hashes = new Long[size];
    Boolean[] bots = new Boolean[size];
    Boolean[] selves = new Boolean[size];
    Short[] kinds = new Short[size];
    String[] names = new String[size];
    String[] phones = new String[size];
    for (int i = 0; i < size; i++) {
      PeerInfo peer = batch.get(i);
      ids[i] = peer.peerId().botApiDialogId();
      PeerAuth auth = peer.auth();
      hashes[i] = auth == null ? null : auth.accessHash();
      List<String> usernames = peer.usernames();
      // Usernames are [a-z0-9_]: a comma cannot occur in one; '' is the empty list.
      names[i] = usernames == null ? null : String.join(",", usernames);
      if (peer instanceof PeerInfo.User user) {
        bots[i] = user.bot();
        selves[i] = user.self();
        phones[i] = user.phone();
      } else if (peer instanceof PeerInfo.Channel channel && channel.kind() != null) {
        kinds[i] = kindCode(channel.kind());
      }
    }
    return new Columns(ids, hashes, bots, selves, kinds, names, phones);
  }

  static Claims claims(List<PeerInfo> batch) {
    List<Long> usernameOwners = new ArrayList<>();
    List<String> usernames = new ArrayList<>();
    List<Long> listOwners = new ArrayList<>();
    List<Long> phoneOwners = new ArrayList<>();
    List<String> phones = new ArrayList<>();
    Long selfId = null;
    for (PeerInfo peer : batch) {
      long id = peer.peerId().botApiDialogId();
      List<String> names = peer.usernames();
      if (names != null) {
        listOwners.add(id);
        for (String name : names) {
          usernameOwners.add(id);
          usernames.add(name);
        }
      }
      if (peer instanceof PeerInfo.User user) {
        if (user.phone() != null) {
          phoneOwners.add(id);
          phones.add(user.phone());
        }
        if (user.isSelf()) {
          selfId = id;
        }
      }
    }
    return new Claims(usernameOwners, usernames, listOwners, phoneOwners, phones, selfId);
  }

  /** Adds the ids of a claim statement's result (one row holding an array, or none). */
  static void collectIds(ResultSet result, Set<PeerId> into) throws SQLException {
    while (result.next()) {
      for (Object id : (Object[]) result.getArray(1).getArray()) {
        into.add(new PeerId(((Number) id).longValue()));
      }
    }
  }

  static Array bigints(Connection connection, List<Long> values) throws SQLException {
    return connection.createArrayOf("bigint", values.toArray());
  }

  static Array texts(Connection connection, List<String> values) throws SQLException {
    return connection.createArrayOf("text", values.toArray());
  }

  /** The ids of a batch, in order, as {@link PeerId}s. */
  static Set<PeerId> ids(List<PeerInfo> batch) {
    Set<PeerId> ids = new LinkedHashSet<>();
    batch.forEach(peer -> ids.add(peer.peerId()));
    return ids;
  }

  /**
   * Reads the peer at the cursor ({@link #COLUMNS} first).
   *
   * @throws IncompatibleSessionException if the row holds what no tgsession writes
   */
  static PeerInfo read(ResultSet row, String where) throws SQLException {
    long dialogId = row.getLong(1);
    try {
      PeerId id = new PeerId(dialogId);
      long hash = row.getLong(2);
      PeerAuth auth = row.wasNull() ? null : new PeerAuth(hash);
      Boolean bot = nullableBoolean(row, 3);
      Boolean self = nullableBoolean(row, 4);
      short kind = row.getShort(5);
      boolean kindNull = row.wasNull();
      Array array = row.getArray(6);
      List<String> usernames = array == null ? null : Arrays.asList((String[]) array.getArray());
      String phone = row.getString(7);
      return switch (id.kind()) {
        case USER -> new PeerInfo.User(id.bareId(), auth, bot, self, usernames, phone);
        case CHAT -> new PeerInfo.Chat(id.bareId());
        case CHANNEL ->
            new PeerInfo.Channel(id.bareId(), auth, kindNull ? null : kind(kind), usernames);
        case USER_SELF -> throw new IllegalArgumentException("the self placeholder id is stored");
      };
    } catch (IllegalArgumentException e) {
      throw new IncompatibleSessionException(
          "expected a peer row written by tgsession in "
              + where
              + ", found one with dialog id "
              + dialogId
              + " that does not read as a peer: "
              + e.getMessage(),
          e);
    }
  }

  private static @Nullable Boolean nullableBoolean(ResultSet row, int column) throws SQLException {
    boolean value = row.getBoolean(column);
    return row.wasNull() ? null : value;
  }

  static short kindCode(ChannelKind kind) {
    return switch (kind) {
      case BROADCAST -> 1;
      case MEGAGROUP -> 2;
      case GIGAGROUP -> 3;
    };
  }

  static ChannelKind kind(short code) {
    return switch (code) {
      case 1 -> ChannelKind.BROADCAST;
      case 2 -> ChannelKind.MEGAGROUP;
      case 3 -> ChannelKind.GIGAGROUP;
      default -> throw new IllegalArgumentException("unknown channel kind code " + code);
    };
  }
}
