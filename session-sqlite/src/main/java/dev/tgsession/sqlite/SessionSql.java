package dev.tgsession.sqlite;

/**
 * The statements on grammers' DC and update-state tables, the key vault, and the ones that clear a
 * session.
 */
enum SessionSql implements Sql {
  LOAD_DCS(
      "SELECT 0, dc_id, NULL, NULL, NULL FROM dc_home"
          + " UNION ALL SELECT 1, dc_id, ipv4, ipv6, auth_key FROM dc_option"),
  DELETE_HOME_DC("DELETE FROM dc_home"),
  INSERT_HOME_DC("INSERT INTO dc_home VALUES (?)"),
  UPSERT_DC_OPTION("INSERT OR REPLACE INTO dc_option VALUES (?, ?, ?, ?)"),

  LOAD_STATE(
      "SELECT 0, pts, qts, date, seq FROM update_state"
          + " UNION ALL SELECT 1, peer_id, pts, 0, 0 FROM channel_state"),
  SET_PRIMARY("UPDATE update_state SET pts = ?, date = ?, seq = ?"),
  INSERT_PRIMARY("INSERT INTO update_state VALUES (?, 0, ?, ?)"),
  SET_SECONDARY("UPDATE update_state SET qts = ?"),
  INSERT_SECONDARY("INSERT INTO update_state VALUES (0, ?, 0, 0)"),
  DELETE_STATE("DELETE FROM update_state"),
  INSERT_STATE("INSERT INTO update_state VALUES (?, ?, ?, ?)"),
  DELETE_CHANNELS("DELETE FROM channel_state"),
  INSERT_CHANNEL("INSERT INTO channel_state VALUES (?, ?)"),
  UPSERT_CHANNEL(
      "INSERT INTO channel_state VALUES (?, ?) ON CONFLICT (peer_id) DO UPDATE SET pts ="
          + " excluded.pts"),

  VAULT_TABLE("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tgsession_key_vault'"),
  LOAD_VAULT("SELECT vault FROM tgsession_key_vault WHERE id = 1"),
  STORE_VAULT(
      "INSERT INTO tgsession_key_vault (id, vault) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET"
          + " vault = excluded.vault"),
  DELETE_VAULT("DELETE FROM tgsession_key_vault"),

  // the value only up to MAX_EXTRA_BYTES (NULL past it), then its length
  LOAD_EXTRAS(
      "SELECT name, CASE WHEN length(value) <= "
          + Limits.MAX_EXTRA_BYTES
          + " THEN value END, length(value) FROM tgsession_extra"),
  LOAD_EXTRA(
      "SELECT CASE WHEN length(value) <= "
          + Limits.MAX_EXTRA_BYTES
          + " THEN value END, length(value) FROM tgsession_extra WHERE name = ?1"),
  STORE_EXTRA(
      "INSERT INTO tgsession_extra (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET"
          + " value = excluded.value"),
  DELETE_EXTRA("DELETE FROM tgsession_extra WHERE name = ?1"),
  CLEAR_EXTRAS("DELETE FROM tgsession_extra"),
  CLEAR_CACHED_AT("DELETE FROM tgsession_peer_cached"),

  CLEAR_DC_OPTIONS("DELETE FROM dc_option"),
  CLEAR_PEERS("DELETE FROM peer_info"),
  CLEAR_PEER_EXTRAS("DELETE FROM tgsession_peer"),
  CLEAR_USERNAMES("DELETE FROM tgsession_username");

  /** What {@code clear()} deletes, in order. */
  static final SessionSql[] CLEAR = {
    DELETE_HOME_DC,
    CLEAR_DC_OPTIONS,
    CLEAR_PEERS,
    DELETE_STATE,
    DELETE_CHANNELS,
    CLEAR_PEER_EXTRAS,
    CLEAR_USERNAMES,
    CLEAR_CACHED_AT,
    CLEAR_EXTRAS,
    DELETE_VAULT
  };

  /** The longest extra read (a sealed DC option or temporary key is a few hundred bytes). */
  static final int MAX_EXTRA_BYTES = Limits.MAX_EXTRA_BYTES;

  private final String text;

  SessionSql(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  /** Constants the statements use (a nested class: enum constants cannot use own fields). */
  private static final class Limits {
    static final int MAX_EXTRA_BYTES = 65_536;

    private Limits() {}
  }
}
