package dev.tgsession.postgres;

import dev.tgsession.ChannelKind;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionLease;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
final class PeerPostgresCodec {

  /**
   * The columns {@link #read} decodes. The usernames come as one comma-joined text ('' the empty
   * list, null unknown), the form the writes send: a username holds no comma, and a text decodes
   * with less work than a {@code text[]} (no {@code java.sql.Array}, no quoting rules).
   */
  static final String COLUMNS =
      "peer_id, hash, bot, self, kind, array_to_string(usernames, ','), phone";

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
          .formatted(PostgresCoherence.MAX_IDS);

  /**
   * Takes the claimed usernames from their other owners' lists, releases the names a re-cached list
   * lost and points each claimed name at its claimer; returns (and announces) the owners' ids.
   *
   * <p>Every lookup is a {@code LATERAL ... OFFSET 0} probe of a primary key or index by one row of
   * the batch, and every change is gated on having something to change: the plan cannot turn into a
   * scan of the whole session however stale the table's statistics are (a fresh table has none, and
   * a plan made while it was small would otherwise stay until the first {@code ANALYZE}). A name
   * its claimer already holds is not written again.
   */
  static final String STRIP_USERNAMES =
      """
      WITH claim(peer_id, username) AS (SELECT * FROM unnest(?::bigint[], ?::text[])),
      held AS (
        SELECT c.peer_id AS claimer, c.username, h.peer_id
        FROM claim c CROSS JOIN LATERAL (
          SELECT u.peer_id FROM tgsession_username u
          WHERE u.session = ? AND u.username = c.username OFFSET 0) h),
      lost AS (
        SELECT peer_id, array_agg(username) AS names
        FROM held WHERE peer_id <> claimer GROUP BY peer_id),
      stripped AS (
        UPDATE tgsession_peer p
        SET usernames = ARRAY(
          SELECT x FROM unnest(p.usernames) WITH ORDINALITY AS t(x, n)
          WHERE x <> ALL (COALESCE((SELECT l.names FROM lost l WHERE l.peer_id = p.peer_id), '{}'))
          ORDER BY n)
        WHERE p.session = ? AND p.peer_id = ANY (ARRAY(SELECT peer_id FROM lost))
          AND EXISTS (SELECT 1 FROM lost)
        RETURNING p.peer_id),
      gone AS (
        SELECT g.username FROM unnest(?::bigint[]) AS o(id) CROSS JOIN LATERAL (
          SELECT u.username FROM tgsession_username u
          WHERE u.session = ? AND u.peer_id = o.id AND u.username <> ALL (?::text[]) OFFSET 0) g),
      released AS (
        DELETE FROM tgsession_username
        WHERE session = ? AND username = ANY (ARRAY(SELECT username FROM gone))
          AND EXISTS (SELECT 1 FROM gone)),
      claimed AS (
        INSERT INTO tgsession_username (session, username, peer_id)
        SELECT ?, c.username, c.peer_id FROM claim c
        WHERE NOT EXISTS (
          SELECT 1 FROM held h WHERE h.username = c.username AND h.peer_id = c.peer_id)
        ON CONFLICT (session, username) DO UPDATE SET peer_id = EXCLUDED.peer_id
        WHERE tgsession_username.peer_id <> EXCLUDED.peer_id),
      ids AS (SELECT array_agg(peer_id) AS a FROM stripped)
      """
          + ANNOUNCE_IDS;

  /**
   * Takes claimed phones from the users holding them (found by index probes, as in {@link
   * #STRIP_USERNAMES}); returns (and announces) their ids.
   */
  static final String STRIP_PHONES =
      """
      WITH held AS (
        SELECT h.peer_id
        FROM unnest(?::bigint[], ?::text[]) AS c(peer_id, phone) CROSS JOIN LATERAL (
          SELECT x.peer_id FROM tgsession_peer x
          WHERE x.session = ? AND x.phone = c.phone AND x.peer_id <> c.peer_id OFFSET 0) h),
      stripped AS (
        UPDATE tgsession_peer p SET phone = NULL
        WHERE p.session = ? AND p.peer_id = ANY (ARRAY(SELECT peer_id FROM held))
          AND EXISTS (SELECT 1 FROM held)
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
   * The fence, then the session lock, as one statement (parameters: session, token, lock key): a
   * fenced write that claims pays for one statement more than an unfenced one, not two.
   */
  static final String FENCE_AND_LOCK =
      "SELECT tgsession_fence(?, ?), pg_advisory_xact_lock(hashtextextended(?, 0))";

  /**
   * The merge of an upsert into {@code tgsession_peer AS t} (null keeps, non-null replaces; the
   * cached time always the new one): the batch's and the single write's one rule.
   */
  static final String MERGE =
      """
      ON CONFLICT (session, peer_id) DO UPDATE SET
        hash = COALESCE(EXCLUDED.hash, t.hash),
        bot = COALESCE(EXCLUDED.bot, t.bot),
        self = COALESCE(EXCLUDED.self, t.self),
        kind = COALESCE(EXCLUDED.kind, t.kind),
        usernames = COALESCE(EXCLUDED.usernames, t.usernames),
        phone = COALESCE(EXCLUDED.phone, t.phone),
        cached_at = EXCLUDED.cached_at""";

  /**
   * Merges the batch (null keeps, non-null replaces), records when each peer was cached, lists the
   * session (its row, from its first write on) and, when any peer's data changed, announces it, in
   * one statement. {@code changed} counts against the rows as they were before the upsert: a peer
   * cached again as it is stored only has its time refreshed and is not announced.
   */
  static final String UPSERT_AND_NOTIFY =
      """
      WITH r AS (
        SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::boolean[], ?::boolean[], ?::smallint[],
                             ?::text[], ?::text[]) AS r(id, hash, bot, self, kind, names, phone)),
      changed AS (
        SELECT count(*) AS n
        FROM r LEFT JOIN LATERAL (
          SELECT TRUE AS found, t.hash, t.bot, t.self, t.kind, t.usernames, t.phone
          FROM tgsession_peer t WHERE t.session = ? AND t.peer_id = r.id OFFSET 0) t ON TRUE
        WHERE t.found IS NULL
           OR (t.hash, t.bot, t.self, t.kind, t.usernames, t.phone) IS DISTINCT FROM
              (COALESCE(r.hash, t.hash), COALESCE(r.bot, t.bot), COALESCE(r.self, t.self),
               COALESCE(r.kind, t.kind), COALESCE(string_to_array(r.names, ','), t.usernames),
               COALESCE(r.phone, t.phone))),
      up AS (
        INSERT INTO tgsession_peer AS t
          (session, peer_id, hash, bot, self, kind, usernames, phone, cached_at)
        SELECT ?, r.id, r.hash, r.bot, r.self, r.kind, string_to_array(r.names, ','), r.phone,
               ?::timestamptz
        FROM r
        %s),
      listed AS (INSERT INTO tgsession_session (session) VALUES (?) ON CONFLICT DO NOTHING)
      SELECT n, pg_notify(?, ?) FROM changed WHERE n > 0"""
          .formatted(MERGE);

  /**
   * Deletes the peers of a session last cached before a time, never the self user, with their
   * usernames; returns how many went (parameters: session, time, session).
   */
  static final String PRUNE =
      """
      WITH gone AS (
        DELETE FROM tgsession_peer
        WHERE session = ? AND cached_at < ?::timestamptz AND self IS NOT TRUE
        RETURNING peer_id),
      names AS (
        DELETE FROM tgsession_username u USING gone
        WHERE u.session = ? AND u.peer_id = gone.peer_id)
      SELECT count(*) FROM gone""";

  /** When one peer was last cached (parameters: session, peer id). */
  static final String CACHED_AT =
      "SELECT cached_at FROM tgsession_peer WHERE session = ? AND peer_id = ?";

  private PeerPostgresCodec() {}

  /**
   * Merges a reduced batch, sorted by id (one lock order for every writer: fewer deadlocks), as one
   * pipelined multi-statement (pgjdbc sends the statements together and reads their results after
   * one Sync): the fence when {@code lease} is not null and the session lock when the batch claims
   * anything (one statement when both), the claims and the upsert, so a batch costs two round trips
   * with its commit. One peer is written by {@link SinglePeerWrite} (two statements of scalars).
   *
   * @return the ids of every peer the write changed (claims included), or null when the fence found
   *     another token (the caller rolls back: nothing of it lands)
   */
  static Set<PeerId> merge(
      Connection connection,
      String session,
      String schema,
      List<PeerInfo> batch,
      Instant cachedAt,
      @Nullable SessionLease lease)
      throws SQLException {
    if (batch.size() == 1) {
      return SinglePeerWrite.write(connection, session, schema, batch.get(0), cachedAt, lease);
    }
    Set<PeerId> changed = new LinkedHashSet<>(ids(batch));
    Claims claims = claims(batch);
    String prefix = PostgresCoherence.prefix(schema, session);
    List<String> statements = new ArrayList<>();
    if (lease != null && claims.any()) {
      statements.add(FENCE_AND_LOCK);
    } else if (lease != null) {
      statements.add(PostgresLeaseStore.FENCE);
    } else if (claims.any()) {
      statements.add(LOCK_SESSION);
    }
    if (!claims.listOwners().isEmpty()) {
      statements.add(STRIP_USERNAMES);
    }
    if (!claims.phones().isEmpty()) {
      statements.add(STRIP_PHONES);
    }
    if (claims.selfId() != null) {
      statements.add(STRIP_SELF);
    }
    statements.add(UPSERT_AND_NOTIFY);
    try (PreparedStatement statement =
        connection.prepareStatement(String.join(";\n", statements))) {
      int p = 0;
      if (lease != null) {
        statement.setString(++p, session);
        statement.setLong(++p, lease.token());
      }
      if (claims.any()) {
        statement.setString(++p, lockKey(session));
      }
      if (!claims.listOwners().isEmpty()) {
        Array usernames = texts(connection, claims.usernames()); // bound twice, built once
        statement.setArray(++p, bigints(connection, claims.usernameOwners()));
        statement.setArray(++p, usernames);
        statement.setString(++p, session); // held
        statement.setString(++p, session); // stripped
        statement.setArray(++p, bigints(connection, claims.listOwners()));
        statement.setString(++p, session); // gone
        statement.setArray(++p, usernames);
        statement.setString(++p, session); // released
        statement.setString(++p, session); // claimed
        statement.setString(++p, Schema.CHANNEL);
        statement.setString(++p, prefix);
      }
      if (!claims.phones().isEmpty()) {
        statement.setArray(++p, bigints(connection, claims.phoneOwners()));
        statement.setArray(++p, texts(connection, claims.phones()));
        statement.setString(++p, session); // held
        statement.setString(++p, session); // stripped
        statement.setString(++p, Schema.CHANNEL);
        statement.setString(++p, prefix);
      }
      if (claims.selfId() != null) {
        statement.setString(++p, session);
        statement.setLong(++p, claims.selfId());
        statement.setString(++p, Schema.CHANNEL);
        statement.setString(++p, prefix);
      }
      Columns columns = columns(batch);
      statement.setArray(++p, connection.createArrayOf("bigint", columns.ids()));
      statement.setArray(++p, connection.createArrayOf("bigint", columns.hashes()));
      statement.setArray(++p, connection.createArrayOf("boolean", columns.bots()));
      statement.setArray(++p, connection.createArrayOf("boolean", columns.selves()));
      statement.setArray(++p, connection.createArrayOf("smallint", columns.kinds()));
      statement.setArray(++p, connection.createArrayOf("text", columns.names()));
      statement.setArray(++p, connection.createArrayOf("text", columns.phones()));
      statement.setString(++p, session);
      statement.setString(++p, session);
      statement.setObject(++p, OffsetDateTime.ofInstant(cachedAt, ZoneOffset.UTC));
      statement.setString(++p, session);
      statement.setString(++p, Schema.CHANNEL);
      statement.setString(++p, PostgresCoherence.payload(schema, session, changed));
      statement.execute();
      for (String sql : statements) {
        try (ResultSet result = statement.getResultSet()) {
          if (sql != PostgresLeaseStore.FENCE
              && sql != LOCK_SESSION
              && sql != FENCE_AND_LOCK
              && sql != UPSERT_AND_NOTIFY) {
            collectIds(result, changed);
          }
        }
        statement.getMoreResults();
      }
      return changed;
    }
  }

  /** The key of a session's advisory lock, taken by every writer that claims or checks a vault. */
  static String lockKey(String session) {
    return "tgsession_session:" + session;
  }

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
      List<String> usernames = usernames(row.getString(6));
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

  /** A comma-joined list of usernames ('' the empty list, null unknown) as a list. */
  static @Nullable List<String> usernames(@Nullable String joined) {
    if (joined == null) {
      return null;
    }
    return joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
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
