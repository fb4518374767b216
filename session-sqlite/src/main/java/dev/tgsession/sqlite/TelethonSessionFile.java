package dev.tgsession.sqlite;

import dev.tgsession.AuthKey;
import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionData;
import dev.tgsession.SessionStorageException;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.PeerBatch;
import dev.tgsession.support.IpAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Reads a Telethon {@code .session} file (Telethon's {@code SQLiteSession}, database version 7).
 *
 * <p>What it holds becomes {@link SessionData}:
 *
 * <ul>
 *   <li>the {@code sessions} row: its DC becomes the home DC, with its address, port and auth key
 *       (the other address family is taken from {@link KnownDcs}; for a DC not known there, an IPv4
 *       address is mapped into IPv6 ({@code ::ffff:a.b.c.d}) and a missing IPv4 becomes {@code
 *       0.0.0.0}). A fresh Telethon file (DC 0, no key) gives the defaults;
 *   <li>every {@code entities} row: its marked id (Bot API style) says the kind, {@code hash} is
 *       the access hash, {@code username} (lower-case) and {@code phone} are kept. Telethon knows
 *       no bot or self flags and no channel kinds: those stay unknown ({@code null}). When several
 *       entities carry one username or phone, the most recently seen ({@code date}, then id) keeps
 *       it, as Telethon resolves it;
 *   <li>{@code update_state}: row 0 is the common state (pts, qts, date, seq), every other row one
 *       channel's pts by bare channel id.
 * </ul>
 *
 * <p>The file is opened read-only and never modified.
 */
public final class TelethonSessionFile {

  /** The Telethon database version this reader understands. */
  public static final int VERSION = 7;

  private TelethonSessionFile() {}

  /**
   * Reads a Telethon session file.
   *
   * @param file the {@code .session} file
   * @return everything the file holds that a session keeps
   * @throws IncompatibleSessionException if the file is not a Telethon session file of version 7,
   *     or holds a value out of Telegram's ranges
   * @throws SessionStorageException if the file cannot be read
   */
  public static SessionData read(Path file) {
    Objects.requireNonNull(file, "file");
    if (!Files.isRegularFile(file)) {
      throw new SessionStorageException(
          "expected a Telethon .session file at " + file + ", found no such file", null);
    }
    SessionFile.requireSqliteHeader(file, "a Telethon .session file");
    try (Connection connection =
        SessionFile.openReadOnly(file, SqliteSessionProvider.DEFAULT_BUSY_TIMEOUT_MILLIS)) {
      Schema.Contents contents = Schema.read(connection);
      if (!contents.tables().containsAll(Schema.TELETHON_TABLES)) {
        throw new IncompatibleSessionException(
            "expected a Telethon .session file (tables version, sessions, entities), found an"
                + " SQLite database with tables "
                + contents.tables()
                + " at "
                + file
                + (contents.hasGrammersTables()
                    ? "; it is a grammers/tgsession file: open it as sqlite:" + file
                    : "; check the path"));
      }
      try (Statement statement = connection.createStatement()) {
        int version = version(statement, file);
        if (version != VERSION) {
          throw new IncompatibleSessionException(
              "expected a Telethon session file of version "
                  + VERSION
                  + ", found version "
                  + version
                  + " at "
                  + file
                  + "; open it once with Telethon 1.25 or newer (which upgrades it to version "
                  + VERSION
                  + ") and import it again");
        }
        Map<Integer, DcOption> options = new TreeMap<>(KnownDcs.all());
        int home = readDcs(statement, options, file);
        Map<PeerId, PeerInfo> peers = readEntities(statement, file);
        UpdatesState state =
            contents.tables().contains("update_state")
                ? readUpdateState(statement, file)
                : UpdatesState.empty();
        return new SessionData(home, options, peers, state);
      }
    } catch (SQLException e) {
      throw SqliteFileOpener.inspectionFailure(
          file, e, SqliteSessionProvider.DEFAULT_BUSY_TIMEOUT_MILLIS);
    }
  }

  private static String cut(@Nullable String value) {
    String text = String.valueOf(value);
    return text.length() <= 64
        ? text
        : text.substring(0, 64) + "... (" + text.length() + " characters)";
  }

  private static int version(Statement statement, Path file) throws SQLException {
    try (ResultSet rows = statement.executeQuery("SELECT version FROM version")) {
      if (!rows.next()) {
        throw new IncompatibleSessionException(
            "expected a row in table version of Telethon file " + file + ", found none");
      }
      return rows.getInt(1);
    }
  }

  /** Reads the sessions rows into {@code options}; returns the home DC. */
  private static int readDcs(Statement statement, Map<Integer, DcOption> options, Path file)
      throws SQLException {
    int home = 0;
    try (ResultSet rows =
        statement.executeQuery(
            "SELECT dc_id, server_address, port, auth_key, typeof(dc_id), typeof(port),"
                + " quote(dc_id) FROM sessions ORDER BY rowid")) {
      while (rows.next()) {
        int dcId = rows.getInt(1);
        String address = rows.getString(2);
        int port = rows.getInt(3);
        byte[] key = rows.getBytes(4);
        boolean noKey = key == null || key.length == 0;
        if (dcId == 0 && address == null && noKey && "integer".equals(rows.getString(5))) {
          continue; // a Telethon session that never connected: DC 0, no address, no key
        }
        if (!"integer".equals(rows.getString(5))
            || dcId <= 0
            || address == null
            || !"integer".equals(rows.getString(6))) {
          throw new IncompatibleSessionException(
              "expected a sessions row of Telethon file "
                  + file
                  + " with a positive dc_id, a server_address and an integer port, found dc_id "
                  + cut(rows.getString(7))
                  + ", server_address "
                  + (address == null ? "NULL" : "'" + cut(address) + "'")
                  + ", port "
                  + (rows.getString(6).equals("integer") ? port : "not an integer")
                  + "; the file is damaged, it was not imported");
        }
        AuthKey authKey = null;
        if (key != null && key.length > 0) {
          if (key.length != AuthKey.LENGTH) {
            throw new IncompatibleSessionException(
                "expected an auth key of "
                    + AuthKey.LENGTH
                    + " bytes for DC "
                    + dcId
                    + " in "
                    + file
                    + ", found "
                    + key.length
                    + " bytes");
          }
          authKey = AuthKey.of(key);
        }
        options.put(dcId, dcOption(dcId, address, port, authKey, file));
        if (home == 0) {
          home = dcId;
        }
      }
    }
    return home == 0 ? KnownDcs.DEFAULT_HOME_DC : home;
  }

  private static DcOption dcOption(int dcId, String address, int port, AuthKey authKey, Path file) {
    InetAddress ip;
    try {
      ip = IpAddresses.literal(String.valueOf(address), "sessions.server_address of dc_id " + dcId);
    } catch (IllegalArgumentException e) {
      throw new IncompatibleSessionException(
          "expected table sessions, row dc_id = "
              + dcId
              + ", in "
              + file
              + " to hold an IP address: "
              + e.getMessage(),
          e);
    }
    if (port < 0 || port > 65535) {
      throw new IncompatibleSessionException(
          "expected a port in 0..65535 for DC " + dcId + " in " + file + ", found " + port);
    }
    DcOption known = KnownDcs.get(dcId).orElse(null);
    InetSocketAddress given = new InetSocketAddress(ip, port);
    InetSocketAddress ipv4;
    InetSocketAddress ipv6;
    if (ip instanceof Inet4Address) {
      ipv4 = given;
      ipv6 =
          known != null
              ? known.ipv6()
              : new InetSocketAddress(IpAddresses.mapped((Inet4Address) ip), port);
    } else {
      ipv6 = given;
      ipv4 =
          known != null
              ? known.ipv4()
              : new InetSocketAddress(IpAddresses.fromBytes(new byte[4]), port);
    }
    return new DcOption(dcId, ipv4, ipv6, authKey);
  }

  private static Map<PeerId, PeerInfo> readEntities(Statement statement, Path file)
      throws SQLException {
    List<PeerInfo> seen = new ArrayList<>();
    // oldest first, so that PeerBatch gives a shared username or phone to the latest
    try (ResultSet rows =
        statement.executeQuery(
            "SELECT id, hash, username, phone, date FROM entities"
                + " ORDER BY coalesce(date, 0), id")) {
      while (rows.next()) {
        seen.add(entity(rows, file));
      }
    }
    Map<PeerId, PeerInfo> peers = new LinkedHashMap<>();
    for (PeerInfo peer : PeerBatch.reduce(seen)) {
      peers.put(peer.peerId(), peer);
    }
    return peers;
  }

  private static PeerInfo entity(ResultSet row, Path file) throws SQLException {
    long markedId = row.getLong(1);
    long hash = row.getLong(2);
    String username = row.getString(3);
    String phone = row.getString(4);
    try {
      PeerId id = new PeerId(markedId);
      List<String> usernames = username == null ? null : List.of(username);
      return switch (id.kind()) {
        case USER ->
            new PeerInfo.User(id.bareId(), new PeerAuth(hash), null, null, usernames, phone);
        case CHAT -> new PeerInfo.Chat(id.bareId());
        case CHANNEL -> new PeerInfo.Channel(id.bareId(), new PeerAuth(hash), null, usernames);
        case USER_SELF ->
            throw new IllegalArgumentException("found the self-user placeholder id " + markedId);
      };
    } catch (IllegalArgumentException e) {
      throw new IncompatibleSessionException(
          "expected a valid entity in "
              + file
              + ", found entity "
              + markedId
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static UpdatesState readUpdateState(Statement statement, Path file) throws SQLException {
    int pts = 0;
    int qts = 0;
    int date = 0;
    int seq = 0;
    List<ChannelState> channels = new ArrayList<>();
    try (ResultSet rows =
        statement.executeQuery(
            "SELECT id, pts, qts, date, seq, typeof(id) = 'integer' AND typeof(pts) = 'integer'"
                + " AND typeof(qts) = 'integer' AND typeof(date) IN ('integer', 'real')"
                + " AND typeof(seq) = 'integer', quote(id) || ', ' || quote(pts) || ', '"
                + " || quote(qts) || ', ' || quote(date) || ', ' || quote(seq)"
                + " FROM update_state ORDER BY id")) {
      while (rows.next()) {
        long id = rows.getLong(1);
        if (rows.getInt(6) != 1) {
          throw new IncompatibleSessionException(
              "expected integers in the update_state row (id, pts, qts, date, seq) of Telethon file "
                  + file
                  + ", found ("
                  + cut(rows.getString(7))
                  + "); the file is damaged, it was not imported");
        }
        try {
          if (id == 0) {
            pts = rows.getInt(2);
            qts = rows.getInt(3);
            // Telethon stores datetime.timestamp(), a float
            date = (int) rows.getDouble(4);
            seq = rows.getInt(5);
          } else {
            channels.add(new ChannelState(id, rows.getInt(2)));
          }
        } catch (IllegalArgumentException e) {
          throw new IncompatibleSessionException(
              "expected a valid update_state row "
                  + id
                  + " in "
                  + file
                  + ", found: "
                  + e.getMessage(),
              e);
        }
      }
    }
    try {
      return new UpdatesState(pts, qts, date, seq, channels);
    } catch (IllegalArgumentException e) {
      throw new IncompatibleSessionException(
          "expected a valid update state in " + file + ", found: " + e.getMessage(), e);
    }
  }
}
