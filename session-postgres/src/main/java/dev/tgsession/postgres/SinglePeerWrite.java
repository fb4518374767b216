package dev.tgsession.postgres;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionLease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The write of one peer: the same merge as {@link PeerPostgresCodec#merge} of a one-peer batch, in
 * two statements of scalar parameters instead of four of arrays.
 *
 * <p>The first statement takes the session lock (after the fence, when there is a lease), so the
 * second one's snapshot sees every earlier claimer's commit, as in a batch. The second statement
 * does everything else: it strips the claimed usernames, phone and self flag from their other
 * holders (one {@code UPDATE} of those peers: a row may hold a name and the phone, and a statement
 * updates a row once), releases the names the peer's new list lost, points the claimed names at the
 * peer, merges its row ({@code COALESCE}), refreshes {@code cached_at}, lists the session and
 * announces in one {@code NOTIFY} the stripped peers and, when its data changed, the peer itself.
 * The strips finish before the row is written (the upsert's source waits on their count), so a
 * phone or self flag moving to the peer never meets its old holder in a unique index. Every lookup
 * is a probe of a primary key or index by the peer's id, a name or the phone.
 */
final class SinglePeerWrite {

  /**
   * Parameters: names (comma-joined, '' none, null unknown), session, id (held, lost); session,
   * phone, id, self claimed, session, id (others); phone, self claimed, session (stripped);
   * session, id, names (released); session, id, names, id (claimed); session, id (old); session,
   * id, hash, bot, self, kind, names, phone, time (up); session (listed); hash, bot, self, kind,
   * names, phone (changed); channel, prefix, id (the announcement).
   */
  static final String WRITE =
      """
      WITH held AS (
        SELECT c.name AS username, h.peer_id
        FROM unnest(string_to_array(?::text, ',')) AS c(name) CROSS JOIN LATERAL (
          SELECT u.peer_id FROM tgsession_username u
          WHERE u.session = ? AND u.username = c.name OFFSET 0) h),
      lost AS (
        SELECT peer_id, array_agg(username) AS names FROM held WHERE peer_id <> ? GROUP BY peer_id),
      others AS (
        SELECT peer_id FROM lost
        UNION SELECT x.peer_id FROM tgsession_peer x
          WHERE x.session = ? AND x.phone = ?::text AND x.peer_id <> ?
        UNION SELECT x.peer_id FROM tgsession_peer x
          WHERE ?::boolean AND x.session = ? AND x.self AND x.peer_id <> ?),
      stripped AS (
        UPDATE tgsession_peer p SET
          usernames = COALESCE((
            SELECT ARRAY(
              SELECT x FROM unnest(p.usernames) WITH ORDINALITY AS t(x, n)
              WHERE x <> ALL (l.names) ORDER BY n)
            FROM lost l WHERE l.peer_id = p.peer_id), p.usernames),
          phone = CASE WHEN p.phone = ?::text THEN NULL ELSE p.phone END,
          self = CASE WHEN ?::boolean AND p.self THEN FALSE ELSE p.self END
        WHERE p.session = ? AND p.peer_id = ANY (ARRAY(SELECT peer_id FROM others))
          AND EXISTS (SELECT 1 FROM others)
        RETURNING p.peer_id),
      released AS (
        DELETE FROM tgsession_username u
        WHERE u.session = ? AND u.peer_id = ?
          AND u.username <> ALL (string_to_array(?::text, ','))),
      claimed AS (
        INSERT INTO tgsession_username (session, username, peer_id)
        SELECT ?, c.name, ?::bigint FROM unnest(string_to_array(?::text, ',')) AS c(name)
        WHERE NOT EXISTS (SELECT 1 FROM held h WHERE h.username = c.name AND h.peer_id = ?)
        ON CONFLICT (session, username) DO UPDATE SET peer_id = EXCLUDED.peer_id
        WHERE tgsession_username.peer_id <> EXCLUDED.peer_id),
      old AS (
        SELECT t.hash, t.bot, t.self, t.kind, t.usernames, t.phone FROM tgsession_peer t
        WHERE t.session = ? AND t.peer_id = ?),
      up AS (
        INSERT INTO tgsession_peer AS t
          (session, peer_id, hash, bot, self, kind, usernames, phone, cached_at)
        SELECT ?, ?::bigint, ?::bigint, ?::boolean, ?::boolean, ?::smallint,
               string_to_array(?::text, ','), ?::text, ?::timestamptz
        WHERE (SELECT count(*) FROM stripped) >= 0
        %s),
      listed AS (INSERT INTO tgsession_session (session) VALUES (?) ON CONFLICT DO NOTHING),
      ids AS (
        SELECT array_agg(peer_id) AS a FROM stripped),
      changed AS MATERIALIZED (
        SELECT NOT EXISTS (
          SELECT 1 FROM old t
          WHERE (t.hash, t.bot, t.self, t.kind, t.usernames, t.phone) IS NOT DISTINCT FROM
                (COALESCE(?::bigint, t.hash), COALESCE(?::boolean, t.bot),
                 COALESCE(?::boolean, t.self), COALESCE(?::smallint, t.kind),
                 COALESCE(string_to_array(?::text, ','), t.usernames),
                 COALESCE(?::text, t.phone))) AS c)
      SELECT ids.a, pg_notify(?, ? || CASE
          WHEN cardinality(ids.a) >= %d THEN '*'
          ELSE concat_ws(',', CASE WHEN changed.c THEN ?::text END, array_to_string(ids.a, ','))
          END)
      FROM ids, changed WHERE changed.c OR ids.a IS NOT NULL"""
          .formatted(PeerPostgresCodec.MERGE, PostgresCoherence.MAX_IDS);

  private SinglePeerWrite() {}

  /**
   * Writes one peer, as one pipelined multi-statement (one round trip, one implicit transaction
   * with the caller's auto-commit, or part of the caller's transaction).
   *
   * @return the ids of every peer the write changed: the peer and those its claims stripped
   */
  static Set<PeerId> write(
      Connection connection,
      String session,
      String schema,
      PeerInfo peer,
      Instant cachedAt,
      @Nullable SessionLease lease)
      throws SQLException {
    long id = peer.peerId().botApiDialogId();
    List<String> usernames = peer.usernames();
    // Usernames are [a-z0-9_]: a comma cannot occur in one; '' is the empty list.
    String names = usernames == null ? null : String.join(",", usernames);
    PeerAuth auth = peer.auth();
    Long hash = auth == null ? null : auth.accessHash();
    Boolean bot = null;
    Boolean self = null;
    String phone = null;
    Short kind = null;
    if (peer instanceof PeerInfo.User user) {
      bot = user.bot();
      self = user.self();
      phone = user.phone();
    } else if (peer instanceof PeerInfo.Channel channel && channel.kind() != null) {
      kind = PeerPostgresCodec.kindCode(channel.kind());
    }
    boolean selfClaimed = Boolean.TRUE.equals(self);
    boolean claims = names != null || phone != null || selfClaimed;
    String first =
        lease != null
            ? PeerPostgresCodec.FENCE_AND_LOCK
            : claims ? PeerPostgresCodec.LOCK_SESSION : null;
    String sql = first == null ? WRITE : first + ";\n" + WRITE;
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      int p = 0;
      if (lease != null) {
        statement.setString(++p, session);
        statement.setLong(++p, lease.token());
      }
      if (first != null) {
        statement.setString(++p, PeerPostgresCodec.lockKey(session));
      }
      // held, lost
      statement.setString(++p, names);
      statement.setString(++p, session);
      statement.setLong(++p, id);
      // others: the phone's holder, the self user
      statement.setString(++p, session);
      statement.setString(++p, phone);
      statement.setLong(++p, id);
      statement.setBoolean(++p, selfClaimed);
      statement.setString(++p, session);
      statement.setLong(++p, id);
      // stripped
      statement.setString(++p, phone);
      statement.setBoolean(++p, selfClaimed);
      statement.setString(++p, session);
      // released
      statement.setString(++p, session);
      statement.setLong(++p, id);
      statement.setString(++p, names);
      // claimed
      statement.setString(++p, session);
      statement.setLong(++p, id);
      statement.setString(++p, names);
      statement.setLong(++p, id);
      // old
      statement.setString(++p, session);
      statement.setLong(++p, id);
      // up
      statement.setString(++p, session);
      statement.setLong(++p, id);
      p = bindRow(statement, p, hash, bot, self, kind, names, phone);
      statement.setObject(++p, OffsetDateTime.ofInstant(cachedAt, ZoneOffset.UTC));
      // listed
      statement.setString(++p, session);
      // changed
      p = bindRow(statement, p, hash, bot, self, kind, names, phone);
      // the announcement
      statement.setString(++p, Schema.CHANNEL);
      statement.setString(++p, PostgresCoherence.prefix(schema, session));
      statement.setString(++p, Long.toString(id));
      statement.execute();
      Set<PeerId> changed = new LinkedHashSet<>();
      changed.add(peer.peerId());
      if (first != null) {
        statement.getMoreResults();
      }
      try (ResultSet result = statement.getResultSet()) {
        while (result.next()) {
          java.sql.Array stripped = result.getArray(1);
          if (stripped != null) {
            for (Object stripId : (Object[]) stripped.getArray()) {
              changed.add(new PeerId(((Number) stripId).longValue()));
            }
          }
        }
      }
      return changed;
    }
  }

  /** Binds hash, bot, self, kind, names and phone, each possibly null; returns the last index. */
  private static int bindRow(
      PreparedStatement statement,
      int p,
      @Nullable Long hash,
      @Nullable Boolean bot,
      @Nullable Boolean self,
      @Nullable Short kind,
      @Nullable String names,
      @Nullable String phone)
      throws SQLException {
    statement.setObject(++p, hash, Types.BIGINT);
    statement.setObject(++p, bot, Types.BOOLEAN);
    statement.setObject(++p, self, Types.BOOLEAN);
    statement.setObject(++p, kind, Types.SMALLINT);
    statement.setString(++p, names);
    statement.setString(++p, phone);
    return p;
  }
}
