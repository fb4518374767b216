package dev.tgsession.sqlite;

/**
 * The statements on the peer tables: grammers' {@code peer_info} and our {@code tgsession_peer} and
 * {@code tgsession_username} (see {@link PeerSqliteCodec} for the mapping and the merge rules).
 */
enum PeerSql implements Sql {
  BY_ID(Text.COLUMNS + Text.FROM_PEERS + "WHERE pi.peer_id = ?"),
  SELF_USER(
      Text.COLUMNS
          + Text.FROM_PEERS
          + "WHERE pi.subtype & 1 = 1 AND pi.peer_id"
          + Text.USER_IDS
          + " ORDER BY pi.peer_id LIMIT 1"),
  BY_USERNAME(
      Text.COLUMNS
          + "FROM tgsession_username u JOIN peer_info pi ON pi.peer_id = u.peer_id"
          + " LEFT JOIN tgsession_peer tp ON tp.peer_id = pi.peer_id WHERE u.username = ?"),
  BY_PHONE(
      Text.COLUMNS
          + "FROM tgsession_peer tp JOIN peer_info pi ON pi.peer_id = tp.peer_id"
          + " WHERE tp.phone = ? AND tp.peer_id"
          + Text.USER_IDS),
  /** The stored rows of several peers. ?1 their ids as a JSON array. */
  BY_IDS(Text.COLUMNS + Text.FROM_PEERS + "WHERE pi.peer_id IN (SELECT value FROM json_each(?1))"),
  PAGE(Text.COLUMNS + Text.FROM_PEERS + "WHERE pi.peer_id > ? ORDER BY pi.peer_id LIMIT ?"),
  COUNT("SELECT count(*) FROM peer_info"),

  /**
   * Upserts a user's row of ours. ?1 id, ?2 auth known, ?3 hash is 0, ?4 bot, ?5 self, ?6 phone, ?7
   * usernames known. The flags merge with the stored ones as {@code STORED_BOT} reads them.
   */
  UPSERT_USER_EXTRA(
      "INSERT INTO tgsession_peer (peer_id, ambient, bot, self, phone, usernames)"
          + " SELECT ?1, ?2 AND ?3, coalesce(?4, s.bot), coalesce(?5, s.self), ?6, ?7"
          + " FROM (SELECT "
          + Text.STORED_BOT
          + " AS bot, "
          + Text.STORED_SELF
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
          + " OR (excluded.usernames OR usernames) IS NOT usernames"),

  /** Upserts a channel's row of ours. ?1 id, ?2 auth known, ?3 hash is 0, ?4 usernames known. */
  UPSERT_CHANNEL_EXTRA(
      "INSERT INTO tgsession_peer (peer_id, ambient, usernames) VALUES (?1, ?2 AND ?3, ?4)"
          + " ON CONFLICT (peer_id) DO UPDATE SET"
          + " ambient = CASE WHEN ?2 THEN excluded.ambient ELSE ambient END,"
          + " usernames = excluded.usernames OR usernames"
          + " WHERE (CASE WHEN ?2 THEN excluded.ambient ELSE ambient END) IS NOT ambient"
          + " OR (excluded.usernames OR usernames) IS NOT usernames"),

  /**
   * Upserts grammers' row. ?1 id, ?2 hash (NULL for 0 or unknown), ?3 auth known, ?4 subtype from
   * our (just merged) flags, ?5 subtype otherwise (NULL keeps the stored one).
   */
  UPSERT_PEER_INFO(
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
          + " IS NOT subtype"),

  /**
   * grammers' row of a record with only an access hash: the raw upsert, which leaves {@code
   * subtype} (and so the partial index on it) and our tables alone. ?1 id, ?2 hash.
   */
  UPSERT_HASH(
      "INSERT INTO peer_info (peer_id, hash, subtype) VALUES (?1, ?2, NULL)"
          + " ON CONFLICT (peer_id) DO UPDATE SET hash = excluded.hash"),

  /**
   * {@link #UPSERT_HASH} for a batch in one statement (one native call instead of one per peer). ?1
   * the peers as a JSON object from each id (a key, so text) to its hash: SQLite parses it once,
   * where {@code [id, hash]} pairs took two {@code ->>} parses per peer (15% of the statement).
   */
  UPSERT_HASHES(
      "INSERT INTO peer_info (peer_id, hash, subtype)"
          + " SELECT CAST(j.key AS INTEGER), j.value, NULL FROM json_each(?1) j WHERE true"
          + " ON CONFLICT (peer_id) DO UPDATE SET hash = excluded.hash"),

  /** grammers' row of a record that holds nothing but its id, if there is none. ?1 id. */
  INSERT_ID(
      "INSERT INTO peer_info (peer_id, hash, subtype) VALUES (?1, NULL, NULL)"
          + " ON CONFLICT (peer_id) DO NOTHING"),

  /**
   * A small group chat's row as grammers writes it: hash 0 ({@code PeerInfo::Chat} has the default
   * auth), no subtype. ?1 id.
   */
  UPSERT_CHAT(
      "INSERT INTO peer_info (peer_id, hash, subtype) VALUES (?1, 0, NULL)"
          + " ON CONFLICT (peer_id) DO UPDATE SET hash = 0, subtype = NULL"
          + " WHERE hash IS NOT 0 OR subtype IS NOT NULL"),

  /** Gives every other self user self = false in our table (first, while grammers' bit is set). */
  UNSET_OTHER_SELF_EXTRA(
      "INSERT INTO tgsession_peer (peer_id, ambient, bot, self, phone, usernames)"
          + " SELECT pi.peer_id, 0, "
          + Text.STORED_BOT
          + ", 0, NULL, 0"
          + " FROM peer_info pi LEFT JOIN tgsession_peer tp ON tp.peer_id = pi.peer_id"
          + " WHERE pi.subtype & 1 = 1 AND pi.peer_id"
          + Text.USER_IDS
          + " AND pi.peer_id <> ?1"
          + " ON CONFLICT (peer_id) DO UPDATE SET bot = excluded.bot, self = 0"),

  /** Clears grammers' self bit of every other user. */
  UNSET_OTHER_SELF(
      "UPDATE peer_info SET subtype = nullif(subtype & ~1, 0)"
          + " WHERE subtype & 1 = 1 AND peer_id"
          + Text.USER_IDS
          + " AND peer_id <> ?1"),

  /** Takes a phone from every other user. ?1 phone, ?2 id. */
  RELEASE_PHONE("UPDATE tgsession_peer SET phone = NULL WHERE phone = ?1 AND peer_id <> ?2"),

  /**
   * Forgets the usernames a peer no longer carries before its new list is claimed. ?1 id, ?2 the
   * new list joined by spaces (usernames hold none). Names it keeps are left alone: re-caching a
   * peer with the same names writes nothing here.
   */
  DELETE_LOST_USERNAMES(
      "DELETE FROM tgsession_username WHERE peer_id = ?1"
          + " AND instr(' ' || ?2 || ' ', ' ' || username || ' ') = 0"),

  /**
   * Gives a username to a peer, taking it from any other; no write when it already holds it at that
   * position. ?1 username, ?2 id, ?3 position.
   */
  CLAIM_USERNAME(
      "INSERT INTO tgsession_username (username, peer_id, position) VALUES (?1, ?2, ?3)"
          + " ON CONFLICT (username) DO UPDATE SET"
          + " peer_id = excluded.peer_id, position = excluded.position"
          + " WHERE peer_id IS NOT excluded.peer_id OR position IS NOT excluded.position"),

  /**
   * Records when one peer was last cached (epoch milliseconds), never moving it back. ?1 id, ?2
   * time.
   */
  TOUCH_ONE(
      "INSERT INTO tgsession_peer_cached (peer_id, cached_at) VALUES (?1, ?2)"
          + " ON CONFLICT (peer_id) DO UPDATE SET cached_at = excluded.cached_at"
          + " WHERE excluded.cached_at > cached_at"),

  /** {@link #TOUCH_ONE} for a batch. ?1 the ids as a JSON array, ?2 time. */
  TOUCH_MANY(
      "INSERT INTO tgsession_peer_cached (peer_id, cached_at) SELECT value, ?2 FROM json_each(?1)"
          + " WHERE true ON CONFLICT (peer_id) DO UPDATE SET cached_at = excluded.cached_at"
          + " WHERE excluded.cached_at > cached_at"),

  /**
   * When a stored peer was last cached: one row when the peer is stored, its time NULL when no time
   * is recorded (a peer grammers itself cached). ?1 id.
   */
  CACHED_AT(
      "SELECT c.cached_at FROM peer_info pi LEFT JOIN tgsession_peer_cached c"
          + " ON c.peer_id = pi.peer_id WHERE pi.peer_id = ?1"),

  /** Releases the usernames of the peers a prune deletes. ?1 the cut-off time. */
  PRUNE_USERNAMES("DELETE FROM tgsession_username WHERE peer_id IN (" + Text.PRUNED + ")"),

  /** Deletes our rows (phones, flags) of the peers a prune deletes. ?1 the cut-off time. */
  PRUNE_EXTRAS("DELETE FROM tgsession_peer WHERE peer_id IN (" + Text.PRUNED + ")"),

  /** Deletes grammers' rows of the peers cached before the cut-off, never the self user. */
  PRUNE_PEERS("DELETE FROM peer_info WHERE peer_id IN (" + Text.PRUNED + ")"),

  /** Drops the cached-at times of peers no longer stored. */
  PRUNE_CACHED(
      "DELETE FROM tgsession_peer_cached WHERE peer_id NOT IN (SELECT peer_id FROM peer_info)");

  private final String text;

  PeerSql(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  /** Fragments shared by the statements (a nested class: enum constants cannot use own fields). */
  private static final class Text {
    static final String USER_IDS = " BETWEEN 1 AND " + 0xFF_FFFF_FFFFL;

    /** What is wrong with a row's stored types (NULL when nothing): "table.column = value". */
    static final String DAMAGE =
        "CASE WHEN typeof(pi.hash) NOT IN ('integer', 'null')"
            + " THEN 'peer_info.hash = ' || substr(quote(pi.hash), 1, 40)"
            + " WHEN typeof(pi.subtype) NOT IN ('integer', 'null')"
            + " THEN 'peer_info.subtype = ' || substr(quote(pi.subtype), 1, 40)"
            + " WHEN tp.peer_id IS NULL THEN NULL"
            + " WHEN typeof(tp.usernames) <> 'integer' OR tp.usernames NOT IN (0, 1)"
            + " THEN 'tgsession_peer.usernames = ' || substr(quote(tp.usernames), 1, 40)"
            + " WHEN typeof(tp.ambient) <> 'integer' OR tp.ambient NOT IN (0, 1)"
            + " THEN 'tgsession_peer.ambient = ' || substr(quote(tp.ambient), 1, 40)"
            + " WHEN typeof(tp.bot) NOT IN ('integer', 'null') OR tp.bot NOT IN (0, 1)"
            + " THEN 'tgsession_peer.bot = ' || substr(quote(tp.bot), 1, 40)"
            + " WHEN typeof(tp.self) NOT IN ('integer', 'null') OR tp.self NOT IN (0, 1)"
            + " THEN 'tgsession_peer.self = ' || substr(quote(tp.self), 1, 40)"
            + " WHEN typeof(tp.phone) NOT IN ('text', 'null') OR instr(tp.phone, '|') > 0"
            + " THEN 'tgsession_peer.phone = ' || substr(quote(tp.phone), 1, 40) END";

    /**
     * One column named {@code p} (sqlite-jdbc converts every result column's name on every query,
     * and an expression's name is its whole text): the peer id and everything else packed in one
     * text: {@code !damage} when the row holds what neither grammers nor we write (see {@link
     * #DAMAGE}); else {@code hash|subtype|} for a row of grammers' alone, {@code
     * hash|subtype|ABS|phone|names} with ours: A ambient 0/1, B bot and S self 0/1/- (unknown),
     * names empty (unknown) or {@code +} followed by the usernames joined by spaces, in order.
     */
    static final String COLUMNS =
        "SELECT pi.peer_id || coalesce('|!' || "
            + DAMAGE
            + ", '|' || coalesce(pi.hash, '') || '|' || coalesce(pi.subtype, '') || '|'"
            + " || CASE WHEN tp.peer_id IS NULL THEN '' ELSE"
            + " tp.ambient || coalesce(tp.bot, '-') || coalesce(tp.self, '-')"
            + " || '|' || coalesce(tp.phone, '') || '|'"
            // in position order: the subquery walks the (peer_id, position) index, no sorter
            + " || CASE WHEN tp.usernames THEN '+' || coalesce((SELECT group_concat(n.username,"
            + " ' ') FROM (SELECT username FROM tgsession_username WHERE peer_id = pi.peer_id"
            + " ORDER BY position) n), '') ELSE '' END END) AS p ";

    /**
     * The peers a prune deletes: cached before ?1 (epoch milliseconds; no recorded time counts as
     * the epoch), except the self user (grammers' self bit, as {@link PeerSql#SELF_USER} reads it).
     */
    static final String PRUNED =
        "SELECT pi.peer_id FROM peer_info pi LEFT JOIN tgsession_peer_cached c"
            + " ON c.peer_id = pi.peer_id WHERE coalesce(c.cached_at, 0) < ?1"
            + " AND NOT (coalesce(pi.subtype, 0) & 1 = 1 AND pi.peer_id"
            + USER_IDS
            + ")";

    static final String FROM_PEERS =
        "FROM peer_info pi LEFT JOIN tgsession_peer tp ON tp.peer_id = pi.peer_id ";

    /** Our flags count only while they agree with grammers' subtype bits (bot 2, self 1). */
    static final String AGREE =
        "tp.peer_id IS NOT NULL"
            + " AND coalesce(pi.subtype, 0) = coalesce(tp.bot, 0) * 2 + coalesce(tp.self, 0)";

    static final String STORED_BOT =
        "CASE WHEN "
            + AGREE
            + " THEN tp.bot WHEN pi.subtype IS NULL THEN NULL"
            + " ELSE (pi.subtype >> 1) & 1 END";
    static final String STORED_SELF =
        "CASE WHEN "
            + AGREE
            + " THEN tp.self WHEN pi.subtype IS NULL THEN NULL"
            + " ELSE pi.subtype & 1 END";

    private Text() {}
  }
}
