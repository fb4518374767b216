package dev.tgsession.interop;

import dev.tgsession.AddressFamily;
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
import dev.tgsession.TempAuthKey;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.PeerBatch;
import dev.tgsession.support.IpAddresses;
import dev.tgsession.support.QuotedValue;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes Telethon's {@code .session} files (Telethon's {@code SQLiteSession}, database
 * versions 1 to 8).
 *
 * <p>A file is read as Telethon reads it, older versions as Telethon's own upgrade steps leave
 * them:
 *
 * <ul>
 *   <li>the {@code sessions} row: its DC becomes the home DC, with its address, port and auth key
 *       (the other address family is taken from {@link KnownDcs}; for a DC not known there, an IPv4
 *       address is mapped into IPv6 ({@code ::ffff:a.b.c.d}) and a missing IPv4 becomes {@code
 *       0.0.0.0}). A fresh Telethon file (DC 0, no key) gives the defaults. Version 8's {@code
 *       tmp_auth_key} is the home DC's temporary key ({@link Contents#tempAuthKey()});
 *   <li>every {@code entities} row: its marked id (Bot API style) says the kind, {@code hash} is
 *       the access hash, {@code username} (lower-case) and {@code phone} are kept. Telethon knows
 *       no bot or self flags and no channel kinds: those stay unknown ({@code null}). When several
 *       entities carry one username or phone, the most recently seen ({@code date}, then id) keeps
 *       it, as Telethon resolves it. Files of versions 1 to 5 give no entities: Telethon's upgrade
 *       from them deletes every entity (their access hashes may be wrong);
 *   <li>{@code update_state} (version 4 and later): row 0 is the common state (pts, qts, date,
 *       seq), every other row one channel's pts by bare channel id.
 * </ul>
 *
 * <p>Dropped, and listed in {@link Contents#dropped()}: {@code takeout_id}, the {@code sent_files}
 * cache and the entities' display names. A file is opened read-only and never modified.
 */
public final class TelethonSessionFile {

  /** The version Telethon 1.x up to 1.42 writes and every Telethon 1.x opens: the default. */
  public static final int VERSION = 7;

  /** The version Telethon 1.43 and later write ({@code sessions.tmp_auth_key} added). */
  public static final int LATEST_VERSION = 8;

  /**
   * How long a version 8 file's {@code tmp_auth_key} is assumed to stay valid after it is read:
   * Telethon stores no expiry. Telegram refuses an expired temporary key and the client then binds
   * a new one, so assuming too long loses nothing; the import keeps the key for this long.
   */
  public static final java.time.Duration TEMP_KEY_LIFETIME = java.time.Duration.ofHours(24);

  static final String WHAT = "a Telethon .session file";

  private static final Set<String> SESSION_COLUMNS =
      Set.of("dc_id", "server_address", "port", "auth_key");
  private static final Set<String> ENTITY_COLUMNS = Set.of("id", "hash", "username", "phone");

  private TelethonSessionFile() {}

  /**
   * What a Telethon file holds.
   *
   * @param session everything a session keeps
   * @param version the file's database version
   * @param tempAuthKey version 8's {@code tmp_auth_key} of the home DC, or {@code null}: Telethon
   *     keeps no expiry for it (the session has it in {@link SessionData#tempAuthKeys()}, expiring
   *     {@link #TEMP_KEY_LIFETIME} after the read)
   * @param dropped what the file holds that a session does not keep, one line each
   * @param notes what else the reader had to assume (a newer version read), one line each
   */
  public record Contents(
      SessionData session,
      int version,
      @Nullable AuthKey tempAuthKey,
      List<String> dropped,
      List<String> notes) {
    /** Copies the lists. */
    public Contents {
      Objects.requireNonNull(session, "session");
      dropped = List.copyOf(dropped);
      notes = List.copyOf(notes);
    }
  }

  /**
   * Reads a Telethon session file.
   *
   * @param file the {@code .session} file
   * @return everything the file holds that a session keeps
   * @throws IncompatibleSessionException if the file is not a Telethon session file, is of a
   *     version whose tables lack what is read, or holds a value out of Telegram's ranges (naming
   *     table, row and value)
   * @throws SessionStorageException if the file cannot be read
   */
  public static SessionData read(Path file) {
    return readContents(file).session();
  }

  /**
   * Reads a Telethon session file, with what it dropped.
   *
   * @see #read(Path)
   */
  public static Contents readContents(Path file) {
    Objects.requireNonNull(file, "file");
    SqliteFiles.requireDatabase(file, WHAT);
    try (Connection connection = SqliteFiles.openReadOnly(file)) {
      Map<String, Set<String>> tables = SqliteFiles.tables(connection);
      if (!tables.containsKey("version")
          || !tables.containsKey("sessions")
          || !tables.containsKey("entities")) {
        throw new IncompatibleSessionException(
            "expected a Telethon .session file (tables version, sessions, entities), found an"
                + " SQLite database with tables "
                + QuotedValue.cut(tables.keySet().toString())
                + " at "
                + file
                + (tables.containsKey("dc_home")
                    ? "; it is a grammers/tgsession file: open it as sqlite:" + file
                    : tables.containsKey("peers")
                        ? "; it is a Pyrogram or Kurigram file: import it as pyrogram-file or"
                            + " kurigram-file"
                        : "; check the path"));
      }
      List<String> notes = new ArrayList<>();
      List<String> dropped = new ArrayList<>();
      int version = version(connection, file);
      requireColumns(tables, "sessions", SESSION_COLUMNS, version, file);
      requireColumns(tables, "entities", ENTITY_COLUMNS, version, file);
      if (version > LATEST_VERSION) {
        notes.add(
            "the file is of Telethon database version "
                + version
                + ", newer than "
                + LATEST_VERSION
                + ": read as version "
                + LATEST_VERSION
                + " (its tables hold every column read)");
      }
      try (Statement statement = connection.createStatement()) {
        Map<Integer, DcOption> options = new TreeMap<>(KnownDcs.all());
        Set<String> sessionColumns = tables.get("sessions");
        Home home = readDcs(statement, sessionColumns, options, file);
        if (home.takeoutId() != null) {
          dropped.add("takeout_id " + home.takeoutId() + " (a takeout session is not kept)");
        }
        Map<PeerId, PeerInfo> peers;
        if (version <= 5) { // Telethon's upgrade step from 5 runs "delete from entities"
          long count = count(statement, "entities");
          peers = Map.of();
          if (count > 0) {
            dropped.add(
                count
                    + " entities: Telethon's upgrade from database version "
                    + version
                    + " deletes them (their access hashes may be wrong)");
          }
        } else {
          boolean dated = tables.get("entities").contains("date");
          peers = readEntities(statement, dated, file);
          long names =
              tables.get("entities").contains("name")
                  ? countWhere(statement, "entities", "name IS NOT NULL AND name <> ''")
                  : 0;
          if (names > 0) {
            dropped.add(names + " display names (entities.name: a session keeps no names)");
          }
        }
        if (tables.containsKey("sent_files") && version >= 3) { // 2 -> 3 drops the table
          long sent = count(statement, "sent_files");
          if (sent > 0) {
            dropped.add(sent + " sent_files rows (Telethon's cache of uploaded files)");
          }
        }
        UpdatesState state =
            version >= 4 && tables.containsKey("update_state")
                ? readUpdateState(statement, file)
                : UpdatesState.empty();
        Map<Integer, TempAuthKey> temp =
            home.tempKey() == null
                ? Map.of()
                : Map.of(
                    home.dcId(),
                    new TempAuthKey(home.tempKey(), Instant.now().plus(TEMP_KEY_LIFETIME)));
        SessionData data =
            new SessionData(home.dcId(), options, peers, state)
                .withExtras(Map.of(), temp, Map.of(), home.family());
        return new Contents(data, version, home.tempKey(), dropped, notes);
      }
    } catch (SQLException e) {
      throw SqliteFiles.readFailure(file, WHAT, e);
    }
  }

  /**
   * Writes {@code data} as a new Telethon session file of {@code version} 7 (opened by every
   * Telethon 1.x) or 8 (Telethon 1.43 and later): the home DC with its address of {@code family}
   * and port and its auth key, every peer as an entity (marked id, access hash, first username,
   * phone), and the updates state with its channels. Telethon keeps one DC: the keys of other DCs
   * are not written.
   *
   * @param tempAuthKey the home DC's temporary key for version 8, or {@code null}
   * @param ipv6 whether to write the home DC's IPv6 address (else its IPv4 one): the session's
   *     {@link SessionData#homeDcFamily()} is the family it was given in
   * @param replace whether an existing {@code file} may be replaced
   * @throws IllegalArgumentException if the version is not 7 or 8, the home DC has no option, or
   *     {@code file} exists and {@code replace} is false
   * @throws SessionStorageException if the file cannot be written (then no file is left)
   */
  public static void write(
      Path file,
      SessionData data,
      int version,
      @Nullable AuthKey tempAuthKey,
      boolean ipv6,
      boolean replace) {
    TelethonFileWriter.write(file, data, version, tempAuthKey, ipv6, replace);
  }

  /**
   * Writes {@code data} as a new Telethon file of {@code version}, with the home DC's address in
   * the family the session was given it in and, for version 8, its unexpired temporary key.
   *
   * @see #write(Path, SessionData, int, AuthKey, boolean, boolean)
   */
  public static void write(Path file, SessionData data, int version, boolean replace) {
    TempAuthKey temp = data.tempAuthKeys().get(data.homeDcId());
    AuthKey tempKey =
        version >= LATEST_VERSION && temp != null && !temp.expiredAt(Instant.now())
            ? temp.key()
            : null;
    DcOption home = data.dcOptions().get(data.homeDcId());
    boolean ipv6 =
        data.homeDcFamily() == AddressFamily.IPV6
            || (home != null && home.ipv4().getAddress().isAnyLocalAddress());
    write(file, data, version, tempKey, ipv6, replace);
  }

  private record Home(
      int dcId, @Nullable Long takeoutId, @Nullable AuthKey tempKey, AddressFamily family) {}

  private static void requireColumns(
      Map<String, Set<String>> tables, String table, Set<String> needed, int version, Path file) {
    if (!tables.get(table).containsAll(needed)) {
      throw new IncompatibleSessionException(
          "expected table "
              + table
              + " of Telethon file "
              + file
              + " to have columns "
              + new java.util.TreeSet<>(needed)
              + ", found "
              + tables.get(table)
              + " (database version "
              + version
              + "); this version is not read");
    }
  }

  private static long count(Statement statement, String table) throws SQLException {
    return countWhere(statement, table, "1");
  }

  private static long countWhere(Statement statement, String table, String where)
      throws SQLException {
    try (ResultSet rows =
        statement.executeQuery("SELECT count(*) FROM " + table + " WHERE " + where)) {
      return rows.next() ? rows.getLong(1) : 0;
    }
  }

  private static int version(Connection connection, Path file) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT version, typeof(version), quote(version) FROM version LIMIT 1")) {
      if (!rows.next()) {
        throw new IncompatibleSessionException(
            "expected a row in table version of Telethon file " + file + ", found none");
      }
      long version = rows.getLong(1);
      if (!"integer".equals(rows.getString(2)) || version < 1 || version > 1000) {
        throw new IncompatibleSessionException(
            "expected table version of Telethon file "
                + file
                + " to hold a version 1.."
                + LATEST_VERSION
                + ", found "
                + QuotedValue.cut(rows.getString(3))
                + "; it was left untouched");
      }
      return (int) version;
    }
  }

  /** Reads the sessions rows into {@code options}; returns the home DC (the first row's). */
  private static Home readDcs(
      Statement statement, Set<String> columns, Map<Integer, DcOption> options, Path file)
      throws SQLException {
    int home = 0;
    Long takeoutId = null;
    AuthKey tempKey = null;
    AddressFamily family = AddressFamily.IPV4;
    String takeout = columns.contains("takeout_id") ? "takeout_id" : "NULL";
    String temp = columns.contains("tmp_auth_key") ? "tmp_auth_key" : "NULL";
    try (ResultSet rows =
        statement.executeQuery(
            "SELECT dc_id, server_address, port, auth_key, typeof(dc_id), typeof(port),"
                + " quote(dc_id), "
                + takeout
                + ", "
                + temp
                + " FROM sessions ORDER BY rowid")) {
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
              "expected table sessions of Telethon file "
                  + file
                  + " to hold a positive dc_id, a server_address and an integer port, found row"
                  + " dc_id = "
                  + QuotedValue.cut(rows.getString(7))
                  + ", server_address "
                  + (address == null ? "NULL" : "'" + QuotedValue.cut(address) + "'")
                  + ", port "
                  + (rows.getString(6).equals("integer") ? port : "not an integer")
                  + "; the file is damaged, it was not imported");
        }
        AuthKey authKey = noKey ? null : key(key, "auth_key", dcId, file);
        options.put(dcId, dcOption(dcId, address, port, authKey, file));
        if (home == 0) {
          home = dcId;
          family = address.indexOf(':') >= 0 ? AddressFamily.IPV6 : AddressFamily.IPV4;
          long takeoutValue = rows.getLong(8);
          takeoutId = rows.wasNull() ? null : takeoutValue;
          byte[] tempBytes = rows.getBytes(9);
          tempKey =
              tempBytes == null || tempBytes.length == 0
                  ? null
                  : key(tempBytes, "tmp_auth_key", dcId, file);
        }
      }
    }
    return new Home(home == 0 ? KnownDcs.DEFAULT_HOME_DC : home, takeoutId, tempKey, family);
  }

  private static AuthKey key(byte[] key, String column, int dcId, Path file) {
    if (key.length != AuthKey.LENGTH) {
      throw new IncompatibleSessionException(
          "expected table sessions, row dc_id = "
              + dcId
              + ", of Telethon file "
              + file
              + " to hold a "
              + column
              + " of "
              + AuthKey.LENGTH
              + " bytes, found "
              + key.length
              + " bytes; the file is damaged, it was not imported");
    }
    return AuthKey.of(key);
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

  private static Map<PeerId, PeerInfo> readEntities(Statement statement, boolean dated, Path file)
      throws SQLException {
    List<PeerInfo> seen = new ArrayList<>();
    // oldest first, so that PeerBatch gives a shared username or phone to the latest
    try (ResultSet rows =
        statement.executeQuery(
            "SELECT id, hash, username, phone, typeof(id) = 'integer' AND typeof(hash) ="
                + " 'integer', quote(id) || ', hash = ' || quote(hash) FROM entities ORDER BY "
                + (dated ? "coalesce(date, 0), id" : "id"))) {
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
    if (row.getInt(5) != 1) {
      throw new IncompatibleSessionException(
          "expected table entities of Telethon file "
              + file
              + " to hold an integer id and hash, found row id = "
              + QuotedValue.cut(row.getString(6))
              + "; the file is damaged, it was not imported");
    }
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
          "expected table entities of Telethon file "
              + file
              + " to hold valid peers, found row id = "
              + markedId
              + ": "
              + QuotedValue.cut(e.getMessage())
              + "; it was not imported",
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
              "expected integers in table update_state (id, pts, qts, date, seq) of Telethon file "
                  + file
                  + ", found row ("
                  + QuotedValue.cut(rows.getString(7))
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
