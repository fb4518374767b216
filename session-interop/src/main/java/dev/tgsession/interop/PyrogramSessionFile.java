package dev.tgsession.interop;

import dev.tgsession.AuthKey;
import dev.tgsession.ChannelKind;
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
import dev.tgsession.support.QuotedValue;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes the {@code .session} files of Pyrogram ({@code pyrogram/pyrogram}'s {@code
 * FileStorage}, schema version 3) and of Kurigram and Pyrofork ({@code KurimuzonAkuma/pyrogram},
 * schema version 6: usernames in their own table, an {@code update_state} table).
 *
 * <p>What a file holds becomes {@link SessionData}:
 *
 * <ul>
 *   <li>the {@code sessions} row: {@code dc_id} is the home DC, with Telegram's address for it
 *       ({@link KnownDcs}: Pyrogram keeps no address, it has its own table) and {@code auth_key};
 *       {@code user_id} and {@code is_bot} make the self user. {@code api_id} and {@code date} are
 *       dropped; a test-server file ({@code test_mode} 1) is refused;
 *   <li>every {@code peers} row: its marked id (Bot API style), {@code access_hash}, {@code type}
 *       ({@code user}, {@code bot}: users with the bot flag; {@code group}: a chat; {@code
 *       channel}: a broadcast channel; {@code supergroup}: a megagroup), {@code phone_number} and
 *       its usernames ({@code peers.username} in schema 3; every row of {@code usernames} in 4 and
 *       later). A username shared by several peers belongs to the one updated last, as Pyrogram
 *       resolves it; {@code last_update_on} itself is dropped;
 *   <li>{@code update_state} (schema 5 and later): row 0 is the common state, a negative id a
 *       channel's pts (Bot API id).
 * </ul>
 *
 * <p>A file is opened read-only and never modified.
 */
public final class PyrogramSessionFile {

  /** Which library's layout a file has, or is written in. */
  public enum Layout {
    /** Pyrogram ({@code pyrogram/pyrogram}), schema version 3. */
    PYROGRAM(3, "Pyrogram"),
    /** Kurigram and Pyrofork ({@code KurimuzonAkuma/pyrogram}), schema version 6. */
    KURIGRAM(6, "Kurigram");

    private final int version;
    private final String library;

    Layout(int version, String library) {
      this.version = version;
      this.library = library;
    }

    /** The schema version this layout writes. */
    public int version() {
      return version;
    }

    /** The library's name. */
    public String library() {
      return library;
    }
  }

  /**
   * What a Pyrogram or Kurigram file holds.
   *
   * @param session everything a session keeps
   * @param layout whose layout the file has (by its tables)
   * @param version the file's schema version ({@code version.number})
   * @param apiId the {@code api_id} stored, or {@code null}
   * @param dropped what the file holds that a session does not keep, one line each
   * @param notes what else the reader had to assume, one line each
   */
  public record Contents(
      SessionData session,
      Layout layout,
      int version,
      @Nullable Integer apiId,
      List<String> dropped,
      List<String> notes) {
    /** Copies the lists. */
    public Contents {
      Objects.requireNonNull(session, "session");
      Objects.requireNonNull(layout, "layout");
      dropped = List.copyOf(dropped);
      notes = List.copyOf(notes);
    }
  }

  static final String WHAT = "a Pyrogram or Kurigram .session file";
  static final int LATEST_VERSION = 6;
  private static final long CHANNEL_MARK = 1_000_000_000_000L;

  private PyrogramSessionFile() {}

  /**
   * Reads a Pyrogram (schema 1 to 3) or Kurigram (schema 4 to 6) session file.
   *
   * @throws IncompatibleSessionException if the file is not such a file, is of a test server, or
   *     holds a value out of Telegram's ranges (naming table, row and value); the file is untouched
   * @throws SessionStorageException if the file cannot be read
   */
  public static Contents read(Path file) {
    Objects.requireNonNull(file, "file");
    SqliteFiles.requireDatabase(file, WHAT);
    try (Connection connection = SqliteFiles.openReadOnly(file)) {
      Map<String, Set<String>> tables = SqliteFiles.tables(connection);
      if (!tables.containsKey("sessions")
          || !tables.containsKey("peers")
          || !tables.getOrDefault("version", Set.of()).contains("number")) {
        throw new IncompatibleSessionException(
            "expected "
                + WHAT
                + " (tables sessions, peers, version(number)), found an SQLite database with"
                + " tables "
                + QuotedValue.cut(tables.keySet().toString())
                + " at "
                + file
                + (tables.containsKey("entities")
                    ? "; it is a Telethon file: import it as telethon-file"
                    : tables.containsKey("dc_home")
                        ? "; it is a grammers/tgsession file: open it as sqlite:" + file
                        : "; check the path"));
      }
      int version = version(connection, file);
      boolean usernameTable = tables.containsKey("usernames");
      Layout layout = usernameTable ? Layout.KURIGRAM : Layout.PYROGRAM;
      List<String> dropped = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      if (version > LATEST_VERSION) {
        notes.add(
            "the file is of schema version "
                + version
                + ", newer than "
                + LATEST_VERSION
                + ": read as version "
                + LATEST_VERSION
                + " (its tables hold every column read)");
      }
      requireColumns(tables, "sessions", Set.of("dc_id", "auth_key", "user_id", "is_bot"), file);
      requireColumns(tables, "peers", Set.of("id", "access_hash", "type", "phone_number"), file);
      if (!usernameTable) {
        requireColumns(tables, "peers", Set.of("username"), file);
      }
      try (Statement statement = connection.createStatement()) {
        SessionRow row = sessionRow(statement, tables.get("sessions"), file);
        if (row.apiId() != null) {
          dropped.add("api_id " + row.apiId() + " (give it again with --api-id to export back)");
        }
        Map<PeerId, PeerInfo> peers;
        if (version <= 1) { // the library's upgrade from version 1 runs "DELETE FROM peers"
          long count = count(statement, "SELECT count(*) FROM peers");
          peers = new LinkedHashMap<>();
          if (count > 0) {
            dropped.add(
                count
                    + " peers: "
                    + layout.library()
                    + "'s upgrade from schema version 1 deletes them");
          }
        } else {
          peers = readPeers(statement, usernameTable, file);
        }
        if (row.userId() != null) {
          PeerId selfId = PeerId.user(row.userId());
          PeerInfo.User known =
              peers.get(selfId) instanceof PeerInfo.User user
                  ? user
                  : new PeerInfo.User(row.userId(), null, null, null, null, null);
          peers.put(
              selfId,
              new PeerInfo.User(
                  known.id(), known.auth(), row.bot(), true, known.usernames(), known.phone()));
        }
        UpdatesState state =
            tables.containsKey("update_state") && version >= 5
                ? readState(statement, file)
                : UpdatesState.empty();
        Map<Integer, DcOption> options = new TreeMap<>(KnownDcs.all());
        DcOption known = options.get(row.dcId());
        options.put(
            row.dcId(), new DcOption(row.dcId(), known.ipv4(), known.ipv6(), row.authKey()));
        SessionData data = new SessionData(row.dcId(), options, peers, state);
        return new Contents(data, layout, version, row.apiId(), dropped, notes);
      }
    } catch (SQLException e) {
      throw SqliteFiles.readFailure(file, WHAT, e);
    }
  }

  /**
   * Writes {@code data} as a new session file of {@code layout}: the home DC's id and auth key, the
   * self user's id and bot flag, {@code apiId}, every peer (marked id, access hash, type, phone;
   * Pyrogram: the first username, Kurigram: all of them) and, for Kurigram, the updates state with
   * its channels. Every peer's {@code last_update_on} is the time of writing.
   *
   * @param apiId the {@code api_id} to store, or {@code null} (Pyrogram then asks for it again)
   * @param replace whether an existing {@code file} may be replaced
   * @throws IllegalArgumentException if the home DC is not one of Telegram's DCs 1..5 (Pyrogram
   *     knows no other), or {@code file} exists and {@code replace} is false
   * @throws SessionStorageException if the file cannot be written (then no file is left)
   */
  public static void write(
      Path file, SessionData data, Layout layout, @Nullable Integer apiId, boolean replace) {
    PyrogramFileWriter.write(file, data, layout, apiId, replace);
  }

  private record SessionRow(
      int dcId,
      @Nullable Integer apiId,
      @Nullable AuthKey authKey,
      @Nullable Long userId,
      boolean bot) {}

  private static int version(Connection connection, Path file) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT number, typeof(number), quote(number) FROM version LIMIT 1")) {
      if (!rows.next()) {
        throw new IncompatibleSessionException(
            "expected a row in table version of " + file + ", found none; it was left untouched");
      }
      long number = rows.getLong(1);
      if (!"integer".equals(rows.getString(2)) || number < 1 || number > 1000) {
        throw new IncompatibleSessionException(
            "expected table version of "
                + file
                + " to hold a schema version 1.."
                + LATEST_VERSION
                + ", found number = "
                + QuotedValue.cut(rows.getString(3))
                + "; it was left untouched");
      }
      return (int) number;
    }
  }

  private static void requireColumns(
      Map<String, Set<String>> tables, String table, Set<String> needed, Path file) {
    if (!tables.get(table).containsAll(needed)) {
      throw new IncompatibleSessionException(
          "expected table "
              + table
              + " of "
              + file
              + " to have columns "
              + new java.util.TreeSet<>(needed)
              + ", found "
              + tables.get(table)
              + "; this schema is not read");
    }
  }

  private static SessionRow sessionRow(Statement statement, Set<String> columns, Path file)
      throws SQLException {
    String apiId = columns.contains("api_id") ? "api_id" : "NULL";
    String testMode = columns.contains("test_mode") ? "test_mode" : "0";
    try (ResultSet rows =
        statement.executeQuery(
            "SELECT dc_id, "
                + apiId
                + ", "
                + testMode
                + ", auth_key, user_id, is_bot, typeof(dc_id), quote(dc_id), typeof(user_id),"
                + " quote(user_id), typeof(auth_key) FROM sessions ORDER BY rowid LIMIT 1")) {
      if (!rows.next()) {
        throw new IncompatibleSessionException(
            "expected a row in table sessions of " + file + ", found none; it was left untouched");
      }
      long dcId = rows.getLong(1);
      if (!"integer".equals(rows.getString(7)) || KnownDcs.get((int) dcId).isEmpty()) {
        throw damaged(
            file,
            "sessions",
            "dc_id = " + QuotedValue.cut(rows.getString(8)),
            "a DC id 1..5 (Pyrogram knows no other)");
      }
      if (rows.getInt(3) != 0) {
        throw damaged(
            file,
            "sessions",
            "dc_id = " + dcId + ", test_mode = " + rows.getString(3),
            "a session of Telegram's production servers (test_mode 0): tgsession does not map"
                + " test DCs onto production ones");
      }
      long apiValue = rows.getLong(2);
      Integer api = rows.wasNull() ? null : (int) apiValue;
      byte[] key = rows.getBytes(4);
      AuthKey authKey = null;
      if (key != null && key.length > 0) {
        if (key.length != AuthKey.LENGTH || !"blob".equals(rows.getString(11))) {
          throw damaged(
              file,
              "sessions",
              "dc_id = " + dcId + ", auth_key of " + key.length + " bytes",
              "an auth_key of " + AuthKey.LENGTH + " bytes");
        }
        authKey = AuthKey.of(key);
      }
      Long userId = null;
      String userType = rows.getString(9);
      if (!"null".equals(userType)) {
        long user = rows.getLong(5);
        if (!"integer".equals(userType) || user < 0 || user > 0xFF_FFFF_FFFFL) {
          throw damaged(
              file,
              "sessions",
              "dc_id = " + dcId + ", user_id = " + QuotedValue.cut(rows.getString(10)),
              "a user id 1.." + 0xFF_FFFF_FFFFL);
        }
        userId = user == 0 ? null : user;
      }
      boolean bot = rows.getInt(6) != 0;
      return new SessionRow((int) dcId, api, authKey, userId, bot);
    }
  }

  private static Map<PeerId, PeerInfo> readPeers(
      Statement statement, boolean usernameTable, Path file) throws SQLException {
    Map<Long, List<String>> usernames = new HashMap<>();
    if (usernameTable) {
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT id, username, typeof(id) = 'integer' AND typeof(username) IN ('text',"
                  + " 'null'), quote(id) || ', username = ' || quote(username) FROM usernames"
                  + " ORDER BY rowid")) {
        while (rows.next()) {
          if (rows.getInt(3) != 1) {
            throw damaged(
                file,
                "usernames",
                "id = " + QuotedValue.cut(rows.getString(4)),
                "an integer id and text");
          }
          String name = rows.getString(2);
          if (name != null && !name.isEmpty()) {
            usernames.computeIfAbsent(rows.getLong(1), id -> new ArrayList<>()).add(name);
          }
        }
      }
    }
    List<PeerInfo> seen = new ArrayList<>();
    // oldest first, so that PeerBatch gives a shared username to the latest (Pyrogram's order)
    try (ResultSet rows =
        statement.executeQuery(
            "SELECT id, access_hash, type, phone_number, "
                + (usernameTable ? "NULL" : "username")
                + ", typeof(id) = 'integer' AND typeof(access_hash) IN ('integer', 'null'),"
                + " quote(id) || ', access_hash = ' || quote(access_hash) || ', type = ' ||"
                + " quote(type) FROM peers ORDER BY last_update_on, id")) {
      while (rows.next()) {
        String where = "id = " + QuotedValue.cut(rows.getString(7));
        if (rows.getInt(6) != 1) {
          throw damaged(file, "peers", where, "an integer id and access_hash");
        }
        long id = rows.getLong(1);
        long hash = rows.getLong(2);
        String type = String.valueOf(rows.getString(3));
        String phone = rows.getString(4);
        List<String> names =
            usernameTable
                ? usernames.getOrDefault(id, List.of())
                : rows.getString(5) == null ? List.of() : List.of(rows.getString(5));
        try {
          seen.add(peer(id, hash, type, names, phone));
        } catch (IllegalArgumentException e) {
          throw damaged(file, "peers", where, "a valid peer (" + e.getMessage() + ")");
        }
      }
    }
    Map<PeerId, PeerInfo> peers = new LinkedHashMap<>();
    for (PeerInfo peer : PeerBatch.reduce(seen)) {
      peers.put(peer.peerId(), peer);
    }
    return peers;
  }

  private static PeerInfo peer(
      long markedId, long hash, String type, List<String> usernames, @Nullable String phone) {
    PeerId id = new PeerId(markedId);
    PeerAuth auth = new PeerAuth(hash);
    List<String> names = usernames.isEmpty() ? null : usernames;
    String phoneNumber = phone == null || phone.isEmpty() ? null : phone;
    return switch (type) {
      case "user", "bot" -> {
        requireKind(id, dev.tgsession.PeerKind.USER, type);
        yield new PeerInfo.User(id.bareId(), auth, type.equals("bot"), null, names, phoneNumber);
      }
      case "group" -> {
        requireKind(id, dev.tgsession.PeerKind.CHAT, type);
        yield new PeerInfo.Chat(id.bareId());
      }
      case "channel", "supergroup" -> {
        requireKind(id, dev.tgsession.PeerKind.CHANNEL, type);
        ChannelKind kind = type.equals("channel") ? ChannelKind.BROADCAST : ChannelKind.MEGAGROUP;
        yield new PeerInfo.Channel(id.bareId(), auth, kind, names);
      }
      default ->
          throw new IllegalArgumentException(
              "expected type user, bot, group, channel or supergroup, found " + type);
    };
  }

  private static void requireKind(PeerId id, dev.tgsession.PeerKind kind, String type) {
    if (id.kind() != kind) {
      throw new IllegalArgumentException(
          "type " + type + " with a " + id.kind().name().toLowerCase() + " id");
    }
  }

  private static UpdatesState readState(Statement statement, Path file) throws SQLException {
    int pts = 0;
    int qts = 0;
    int date = 0;
    int seq = 0;
    List<ChannelState> channels = new ArrayList<>();
    try (ResultSet rows =
        statement.executeQuery(
            "SELECT id, pts, qts, date, seq, typeof(id) = 'integer' AND typeof(pts) = 'integer'"
                + " AND typeof(qts) IN ('integer', 'null') AND typeof(date) IN ('integer',"
                + " 'null') AND typeof(seq) IN ('integer', 'null') AND pts BETWEEN 0 AND"
                + " 2147483647 AND coalesce(qts, 0) BETWEEN 0 AND 2147483647 AND coalesce(date, 0)"
                + " BETWEEN 0 AND 2147483647 AND coalesce(seq, 0) BETWEEN 0 AND 2147483647,"
                + " quote(id) || ', pts = ' || quote(pts) || ', qts = ' || quote(qts) ||"
                + " ', date = ' || quote(date) || ', seq = ' || quote(seq) FROM update_state"
                + " ORDER BY id")) {
      while (rows.next()) {
        String where = "id = " + QuotedValue.cut(rows.getString(7));
        long id = rows.getLong(1);
        if (rows.getInt(6) != 1 || id > 0) {
          throw damaged(
              file, "update_state", where, "id 0 or a channel's id, and pts 0..2147483647");
        }
        if (id == 0) {
          pts = rows.getInt(2);
          qts = rows.getInt(3);
          date = rows.getInt(4);
          seq = rows.getInt(5);
        } else {
          long bare = -id - CHANNEL_MARK;
          try {
            PeerId.channel(bare);
            channels.add(new ChannelState(bare, rows.getInt(2)));
          } catch (IllegalArgumentException e) {
            throw damaged(file, "update_state", where, "a channel's id");
          }
        }
      }
    }
    return new UpdatesState(pts, qts, date, seq, channels);
  }

  private static long count(Statement statement, String sql) throws SQLException {
    try (ResultSet rows = statement.executeQuery(sql)) {
      return rows.next() ? rows.getLong(1) : 0;
    }
  }

  static IncompatibleSessionException damaged(
      Path file, String table, String row, String expected) {
    return new IncompatibleSessionException(
        "expected table "
            + table
            + " of "
            + file
            + " to hold "
            + expected
            + ", found row "
            + row
            + "; the file is damaged, it was not imported and was left untouched");
  }
}
