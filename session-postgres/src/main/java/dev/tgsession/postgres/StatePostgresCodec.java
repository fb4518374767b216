package dev.tgsession.postgres;

import dev.tgsession.AuthKey;
import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.StoredDcs;
import dev.tgsession.support.IpAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The statements on a session's row ({@code tgsession_session}: home DC, updates state, last write
 * time; it exists from the session's first write until the directory deletes it), DC options
 * ({@code tgsession_dc}: addresses as 4 and 16 raw bytes, the auth key as 256), channels ({@code
 * tgsession_channel}), extras ({@code tgsession_extra}) and key vault ({@code
 * tgsession_key_vault}). Each runs on a connection the session gives, inside its transaction.
 */
final class StatePostgresCodec {

  private StatePostgresCodec() {}

  /**
   * The home DC and the DC options, in one round trip (what opening a session reads): one row per
   * stored DC, or one row of nulls when there is none, each carrying the home DC.
   */
  private static final String LOAD_DCS =
      """
      SELECT s.home_dc, d.dc_id, d.ipv4, d.ipv4_port, d.ipv6, d.ipv6_port, d.auth_key
      FROM (SELECT CAST(? AS text) AS session) k
      LEFT JOIN tgsession_session s ON s.session = k.session
      LEFT JOIN tgsession_dc d ON d.session = k.session""";

  static StoredDcs loadDcs(Connection connection, String name, String where) throws SQLException {
    int home = 0;
    Map<Integer, DcOption> options = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(LOAD_DCS)) {
      statement.setString(1, name);
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          home = result.getInt(1); // 0 when the session has no row
          if (result.getObject(2) != null) {
            DcOption option = dcOption(result, name, where);
            options.put(option.id(), option);
          }
        }
      }
    }
    return new StoredDcs(home, options);
  }

  /** The DC option in columns 2 to 7 of {@code row}. */
  private static DcOption dcOption(ResultSet row, String name, String where) throws SQLException {
    int id = row.getInt(2);
    try {
      InetSocketAddress ipv4 = new InetSocketAddress(address(row.getBytes(3), 4), row.getInt(4));
      InetSocketAddress ipv6 = new InetSocketAddress(address(row.getBytes(5), 16), row.getInt(6));
      byte[] key = row.getBytes(7);
      return new DcOption(id, ipv4, ipv6, key == null ? null : AuthKey.of(key));
    } catch (IllegalArgumentException | UnknownHostException e) {
      throw new IncompatibleSessionException(
          "expected DC option "
              + id
              + " of session "
              + name
              + " in "
              + where
              + " to hold addresses and a 256-byte auth key, found: "
              + e.getMessage(),
          e);
    }
  }

  private static InetAddress address(byte[] bytes, int length) throws UnknownHostException {
    if (bytes.length != length) {
      throw new UnknownHostException(
          "expected " + length + " address bytes, found " + bytes.length);
    }
    // The project's one parser: an IPv4-mapped IPv6 address stays IPv6.
    return IpAddresses.fromBytes(bytes);
  }

  static void storeHomeDcId(Connection connection, String name, int dcId) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO tgsession_session (session, home_dc, updated_at) VALUES (?, ?, now())"
                + " ON CONFLICT (session) DO UPDATE SET home_dc = EXCLUDED.home_dc,"
                + " updated_at = EXCLUDED.updated_at")) {
      statement.setString(1, name);
      statement.setInt(2, dcId);
      statement.executeUpdate();
    }
  }

  static void storeDcOption(Connection connection, String name, DcOption option)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO tgsession_dc"
                + " (session, dc_id, ipv4, ipv4_port, ipv6, ipv6_port, auth_key)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session, dc_id) DO UPDATE SET"
                + " ipv4 = EXCLUDED.ipv4, ipv4_port = EXCLUDED.ipv4_port,"
                + " ipv6 = EXCLUDED.ipv6, ipv6_port = EXCLUDED.ipv6_port,"
                + " auth_key = EXCLUDED.auth_key")) {
      statement.setString(1, name);
      statement.setInt(2, option.id());
      statement.setBytes(3, option.ipv4().getAddress().getAddress());
      statement.setInt(4, option.ipv4().getPort());
      statement.setBytes(5, option.ipv6().getAddress().getAddress());
      statement.setInt(6, option.ipv6().getPort());
      AuthKey key = option.authKey();
      statement.setBytes(7, key == null ? null : key.bytes());
      statement.executeUpdate();
    }
  }

  /** The session row and its channels in one round trip. */
  static UpdatesState loadUpdatesState(Connection connection, String name) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT 0 AS part, pts::bigint, qts, date, seq FROM tgsession_session"
                + " WHERE session = ?"
                + " UNION ALL SELECT 1, channel_id, pts, 0, 0 FROM tgsession_channel"
                + " WHERE session = ? ORDER BY 1, 2")) {
      statement.setString(1, name);
      statement.setString(2, name);
      int pts = 0;
      int qts = 0;
      int date = 0;
      int seq = 0;
      List<ChannelState> channels = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          if (result.getInt(1) == 0) {
            pts = (int) result.getLong(2);
            qts = result.getInt(3);
            date = result.getInt(4);
            seq = result.getInt(5);
          } else {
            channels.add(new ChannelState(result.getLong(2), result.getInt(3)));
          }
        }
      }
      return new UpdatesState(pts, qts, date, seq, channels);
    }
  }

  /** Sets parameters from {@code offset + 1} on. */
  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement statement, int offset) throws SQLException;
  }

  private static final String PRIMARY = updateSql("pts, date, seq");
  private static final String SECONDARY = updateSql("qts");

  /** The one statement of a Primary, Secondary or Channel update (not of an All). */
  static String singleUpdateSql(UpdateState update) {
    if (update instanceof UpdateState.Primary) {
      return PRIMARY;
    } else if (update instanceof UpdateState.Secondary) {
      return SECONDARY;
    } else if (update instanceof UpdateState.Channel) {
      return UPSERT_CHANNEL;
    }
    throw new IllegalArgumentException("expected a single update, found " + update);
  }

  /** Binds {@link #singleUpdateSql}'s parameters. */
  static Binder singleUpdateBinder(String name, UpdateState update) {
    return (statement, offset) -> {
      int p = offset;
      if (update instanceof UpdateState.Channel channel) {
        // the update; the session row and the channel row when there was none to update
        statement.setInt(++p, channel.pts());
        statement.setString(++p, name);
        statement.setLong(++p, channel.id());
        statement.setString(++p, name);
        statement.setString(++p, name);
        statement.setLong(++p, channel.id());
        statement.setInt(++p, channel.pts());
        return;
      }
      int[] values =
          update instanceof UpdateState.Primary primary
              ? new int[] {primary.pts(), primary.date(), primary.seq()}
              : new int[] {((UpdateState.Secondary) update).qts()};
      // the update; the upsert when there was no row to update
      for (int value : values) {
        statement.setInt(++p, value);
      }
      statement.setString(++p, name);
      statement.setString(++p, name);
      for (int value : values) {
        statement.setInt(++p, value);
      }
    };
  }

  /**
   * A channel's pts (parameters: pts, session, channel; session; session, channel, pts). A stored
   * channel row is only updated: its session row exists (the two are written together and deleted
   * together), so the session row is only inserted with a new channel row. An update is cheaper
   * than an upsert that finds its row ({@code ON CONFLICT DO UPDATE} locks the row first: one more
   * WAL record per write).
   */
  private static final String UPSERT_CHANNEL =
      """
      WITH u AS (
        UPDATE tgsession_channel SET pts = ? WHERE session = ? AND channel_id = ? RETURNING 1),
      listed AS (
        INSERT INTO tgsession_session (session) SELECT ? WHERE NOT EXISTS (SELECT FROM u)
        ON CONFLICT DO NOTHING)
      INSERT INTO tgsession_channel (session, channel_id, pts)
      SELECT ?, ?, ? WHERE NOT EXISTS (SELECT FROM u)
      ON CONFLICT (session, channel_id) DO UPDATE SET pts = EXCLUDED.pts""";

  static void storeUpdateState(Connection connection, String name, UpdateState update)
      throws SQLException {
    if (update instanceof UpdateState.All all) {
      replaceState(connection, name, all.state());
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(singleUpdateSql(update))) {
      singleUpdateBinder(name, update).bind(statement, 0);
      statement.execute();
    }
  }

  private static void replaceState(Connection connection, String name, UpdatesState state)
      throws SQLException {
    upsertState(
        connection,
        name,
        "pts, qts, date, seq",
        state.pts(),
        state.qts(),
        state.date(),
        state.seq());
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM tgsession_channel WHERE session = ?")) {
      delete.setString(1, name);
      delete.executeUpdate();
    }
    if (state.channels().isEmpty()) {
      return;
    }
    Long[] ids = new Long[state.channels().size()];
    Integer[] pts = new Integer[ids.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = state.channels().get(i).id();
      pts[i] = state.channels().get(i).pts();
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO tgsession_channel (session, channel_id, pts)"
                + " SELECT ?, * FROM unnest(?::bigint[], ?::integer[])")) {
      insert.setString(1, name);
      insert.setArray(2, connection.createArrayOf("bigint", ids));
      insert.setArray(3, connection.createArrayOf("integer", pts));
      insert.executeUpdate();
    }
  }

  /** The upsert of some integer columns of the session row (parameters: session, values). */
  private static String upsertSql(String columns) {
    String[] names = columns.split(", ");
    StringBuilder sql =
        new StringBuilder("INSERT INTO tgsession_session (session, updated_at, ")
            .append(columns)
            .append(") VALUES (?, now()")
            .append(", ?".repeat(names.length))
            .append(") ON CONFLICT (session) DO UPDATE SET updated_at = EXCLUDED.updated_at, ");
    for (int i = 0; i < names.length; i++) {
      sql.append(i == 0 ? "" : ", ").append(names[i]).append(" = EXCLUDED.").append(names[i]);
    }
    return sql.toString();
  }

  /**
   * Sets some integer columns of the session row as an update, falling back to an upsert only when
   * the row is missing (parameters: values, session; session, values). Once the session exists the
   * update is all that runs: cheaper than an upsert that finds its row, which locks the row first
   * (one more WAL record per write).
   */
  private static String updateSql(String columns) {
    String[] names = columns.split(", ");
    StringBuilder sql =
        new StringBuilder("WITH u AS (UPDATE tgsession_session SET updated_at = now()");
    for (String column : names) {
      sql.append(", ").append(column).append(" = ?");
    }
    sql.append(
            " WHERE session = ? RETURNING 1)\nINSERT INTO tgsession_session (session, updated_at, ")
        .append(columns)
        .append(") SELECT ?, now()")
        .append(", ?".repeat(names.length))
        .append(" WHERE NOT EXISTS (SELECT FROM u) ON CONFLICT (session) DO UPDATE SET")
        .append(" updated_at = EXCLUDED.updated_at");
    for (String column : names) {
      sql.append(", ").append(column).append(" = EXCLUDED.").append(column);
    }
    return sql.toString();
  }

  /** Sets some integer columns of the session row, creating it with zeros elsewhere. */
  private static void upsertState(Connection connection, String name, String columns, int... values)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(upsertSql(columns))) {
      statement.setString(1, name);
      for (int i = 0; i < values.length; i++) {
        statement.setInt(i + 2, values[i]);
      }
      statement.executeUpdate();
    }
  }

  /** Marks the session written now, creating its row (so the directory lists it) when missing. */
  static void touch(Connection connection, String name) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO tgsession_session (session, updated_at) VALUES (?, now())"
                + " ON CONFLICT (session) DO UPDATE SET updated_at = EXCLUDED.updated_at")) {
      statement.setString(1, name);
      statement.executeUpdate();
    }
  }

  /** The stored key vault, or null when the session's keys are plain. */
  static byte @Nullable [] loadVault(Connection connection, String name) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT vault FROM tgsession_key_vault WHERE session = ?")) {
      statement.setString(1, name);
      try (ResultSet result = statement.executeQuery()) {
        return result.next() ? result.getBytes(1) : null;
      }
    }
  }

  /** Stores the key vault, or deletes it when {@code vault} is null. */
  static void storeVault(Connection connection, String name, byte @Nullable [] vault)
      throws SQLException {
    String sql =
        vault == null
            ? "DELETE FROM tgsession_key_vault WHERE session = ?"
            : "INSERT INTO tgsession_key_vault (session, vault) VALUES (?, ?)"
                + " ON CONFLICT (session) DO UPDATE SET vault = EXCLUDED.vault";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, name);
      if (vault != null) {
        statement.setBytes(2, vault);
      }
      statement.executeUpdate();
    }
  }

  static Map<String, byte[]> loadExtras(Connection connection, String name) throws SQLException {
    Map<String, byte[]> extras = new TreeMap<>();
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT name, value FROM tgsession_extra WHERE session = ?")) {
      statement.setString(1, name);
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          extras.put(result.getString(1), result.getBytes(2));
        }
      }
    }
    return extras;
  }

  static byte @Nullable [] loadExtra(Connection connection, String session, String name)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT value FROM tgsession_extra WHERE session = ? AND name = ?")) {
      statement.setString(1, session);
      statement.setString(2, name);
      try (ResultSet result = statement.executeQuery()) {
        return result.next() ? result.getBytes(1) : null;
      }
    }
  }

  /** Stores one extra, or deletes it when {@code value} is null. */
  static void storeExtra(
      Connection connection, String session, String name, byte @Nullable [] value)
      throws SQLException {
    String sql =
        value == null
            ? "DELETE FROM tgsession_extra WHERE session = ? AND name = ?"
            : "INSERT INTO tgsession_extra (session, name, value) VALUES (?, ?, ?)"
                + " ON CONFLICT (session, name) DO UPDATE SET value = EXCLUDED.value";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, session);
      statement.setString(2, name);
      if (value != null) {
        statement.setBytes(3, value);
      }
      statement.executeUpdate();
    }
  }

  /**
   * Deletes what a session stores (DCs, peers, usernames, channels, extras, vault) and resets its
   * row, which stays: a cleared session is still listed. With {@code everything} the row goes too,
   * as the directory's delete does, and the lease ends with its token raised: the lease row stays
   * (only its token counter), so a token is never issued twice and the old holder's next write
   * finds another token.
   *
   * @return how many rows went
   */
  static int deleteAll(Connection connection, String name, boolean everything) throws SQLException {
    int rows = 0;
    for (String table :
        List.of(
            "tgsession_username",
            "tgsession_peer",
            "tgsession_channel",
            "tgsession_dc",
            "tgsession_extra",
            "tgsession_key_vault")) {
      try (PreparedStatement statement =
          connection.prepareStatement("DELETE FROM " + table + " WHERE session = ?")) {
        statement.setString(1, name);
        rows += statement.executeUpdate();
      }
    }
    String last =
        everything
            ? "DELETE FROM tgsession_session WHERE session = ?"
            : "UPDATE tgsession_session SET home_dc = 0, pts = 0, qts = 0, date = 0, seq = 0,"
                + " updated_at = now() WHERE session = ?";
    try (PreparedStatement statement = connection.prepareStatement(last)) {
      statement.setString(1, name);
      rows += statement.executeUpdate();
    }
    if (everything) {
      try (PreparedStatement statement =
          connection.prepareStatement(
              "UPDATE tgsession_lease SET owner = NULL, expires_at = NULL, token = token + 1"
                  + " WHERE session = ?")) {
        statement.setString(1, name);
        statement.executeUpdate();
      }
    }
    return rows;
  }
}
