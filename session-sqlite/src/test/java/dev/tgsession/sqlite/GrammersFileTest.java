package dev.tgsession.sqlite;

import static dev.tgsession.sqlite.TestData.dc;
import static dev.tgsession.sqlite.TestData.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.AuthKey;
import dev.tgsession.ChannelKind;
import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files in grammers' format, both ways: files built with grammers' DDL and the rows grammers'
 * SqliteSession writes (grammers-session 0.8, storages/sqlite.rs) open here with every value; files
 * written here hold in grammers' tables exactly what grammers would have written.
 */
@DisplayName("grammers session files")
class GrammersFileTest {

  // grammers' migrate_v0_to_v1, kept here independently of Schema so a change there is caught.
  static final List<String> GRAMMERS_DDL =
      List.of(
          "CREATE TABLE dc_home (\n                dc_id INTEGER NOT NULL,\n"
              + "                PRIMARY KEY(dc_id))",
          "CREATE TABLE dc_option (\n                dc_id INTEGER NOT NULL,\n"
              + "                ipv4 TEXT NOT NULL,\n                ipv6 TEXT NOT NULL,\n"
              + "                auth_key BLOB,\n                PRIMARY KEY (dc_id))",
          "CREATE TABLE peer_info (\n                peer_id INTEGER NOT NULL,\n"
              + "                hash INTEGER,\n                subtype INTEGER,\n"
              + "                PRIMARY KEY (peer_id))",
          "CREATE TABLE update_state (\n                pts INTEGER NOT NULL,\n"
              + "                qts INTEGER NOT NULL,\n                date INTEGER NOT NULL,\n"
              + "                seq INTEGER NOT NULL)",
          "CREATE TABLE channel_state (\n                peer_id INTEGER NOT NULL,\n"
              + "                pts INTEGER NOT NULL,\n                PRIMARY KEY (peer_id))");

  @TempDir Path dir;

  static Connection raw(Path file) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file);
  }

  /** Makes a file as grammers' SqliteSession::open does, then runs grammers' writes. */
  static void grammersFile(Path file, String... writes) throws SQLException {
    try (Connection connection = raw(file);
        Statement statement = connection.createStatement()) {
      statement.execute("BEGIN TRANSACTION");
      for (String ddl : GRAMMERS_DDL) {
        statement.execute(ddl);
      }
      statement.execute("COMMIT");
      statement.execute("PRAGMA user_version = 1");
      for (String write : writes) {
        statement.execute(write);
      }
    }
  }

  static void grammersDcOption(Path file, int id, String ipv4, String ipv6, byte[] key)
      throws SQLException {
    try (Connection connection = raw(file);
        PreparedStatement insert =
            connection.prepareStatement("INSERT OR REPLACE INTO dc_option VALUES (?, ?, ?, ?)")) {
      insert.setInt(1, id);
      insert.setString(2, ipv4);
      insert.setString(3, ipv6);
      insert.setBytes(4, key);
      insert.executeUpdate();
    }
  }

  /** The rows of a table as lists of column values (blobs as their SHA of bytes via Arrays). */
  static List<List<Object>> rows(Path file, String query) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection connection = raw(file);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(query)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          Object value = result.getObject(i);
          row.add(value instanceof byte[] bytes ? Arrays.toString(bytes) : value);
        }
        rows.add(row);
      }
    }
    return rows;
  }

  static List<Object> row(Object... values) {
    return Arrays.asList(values);
  }

  Session open(Path file) {
    return Sessions.open("sqlite:" + file);
  }

  @Nested
  @DisplayName("a file grammers wrote")
  class ReadingGrammers {

    @Test
    @DisplayName("opens with home DC, DC options and keys, peers, update state and channels")
    void everyValueIntact() throws SQLException {
      Path file = dir.resolve("grammers.session");
      grammersFile(
          file,
          "DELETE FROM dc_home",
          "INSERT INTO dc_home VALUES (3)",
          "INSERT OR REPLACE INTO peer_info VALUES (1001, 5, NULL)",
          "INSERT OR REPLACE INTO peer_info VALUES (1002, -7, 2)",
          "INSERT OR REPLACE INTO peer_info VALUES (1003, 9, 3)",
          "INSERT OR REPLACE INTO peer_info (peer_id) VALUES (1004)",
          "INSERT OR REPLACE INTO peer_info (peer_id) VALUES (-42)",
          "INSERT OR REPLACE INTO peer_info VALUES (-1000000000077, 123, 8)",
          "INSERT OR REPLACE INTO peer_info VALUES (-1000000000078, -124, 4)",
          "INSERT OR REPLACE INTO peer_info VALUES (-1000000000079, 9223372036854775807, 12)",
          "INSERT OR REPLACE INTO peer_info (peer_id, hash) VALUES (-1997852516352, 1)",
          "INSERT INTO update_state VALUES (10, 20, 30, 40)",
          "INSERT INTO channel_state VALUES (78, 6)",
          "INSERT INTO channel_state VALUES (77, 5)");
      AuthKey key2 = key(2);
      AuthKey key7 = key(7);
      grammersDcOption(file, 2, "149.154.167.51:443", "[2001:67c:4e8:f002::a]:443", key2.bytes());
      grammersDcOption(file, 4, "10.1.2.3:80", "[::ffff:10.1.2.3]:80", null);
      grammersDcOption(file, 7, "0.0.0.0:1", "[::]:1", key7.bytes());

      try (Session session = open(file)) {
        assertThat(session.homeDcId()).isEqualTo(3);
        assertThat(session.dcOption(2))
            .contains(dc(2, "149.154.167.51", "2001:67c:4e8:f002::a", 443, key2));
        DcOption four = session.dcOption(4).orElseThrow();
        assertThat(four.ipv4()).isEqualTo(TestData.address("10.1.2.3", 80));
        assertThat(four.ipv6().getAddress()).isInstanceOf(Inet6Address.class);
        assertThat(four.ipv6().getAddress().getAddress())
            .containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 10, 1, 2, 3);
        assertThat(four.authKey()).isNull();
        assertThat(session.dcOption(7)).contains(dc(7, "0.0.0.0", "::", 1, key7));
        assertThat(session.dcOption(1)).isEqualTo(dev.tgsession.KnownDcs.get(1));

        assertThat(session.peer(PeerId.user(1001)))
            .contains(new PeerInfo.User(1001, new PeerAuth(5), null, null, null, null));
        assertThat(session.peer(PeerId.user(1002)))
            .contains(new PeerInfo.User(1002, new PeerAuth(-7), true, false, null, null));
        PeerInfo.User selfBot = new PeerInfo.User(1003, new PeerAuth(9), true, true, null, null);
        assertThat(session.peer(PeerId.user(1003))).contains(selfBot);
        assertThat(session.peer(PeerId.selfUser())).contains(selfBot);
        assertThat(session.peer(PeerId.user(1004)))
            .contains(new PeerInfo.User(1004, null, null, null, null, null));
        assertThat(session.peer(PeerId.chat(42))).contains(new PeerInfo.Chat(42));
        assertThat(session.peer(PeerId.channel(77)))
            .contains(new PeerInfo.Channel(77, new PeerAuth(123), ChannelKind.BROADCAST, null));
        assertThat(session.peer(PeerId.channel(78)))
            .contains(new PeerInfo.Channel(78, new PeerAuth(-124), ChannelKind.MEGAGROUP, null));
        assertThat(session.peer(PeerId.channel(79)))
            .contains(
                new PeerInfo.Channel(
                    79, new PeerAuth(Long.MAX_VALUE), ChannelKind.GIGAGROUP, null));
        assertThat(session.peer(PeerId.channel(997852516352L)))
            .contains(new PeerInfo.Channel(997852516352L, new PeerAuth(1), null, null));
        assertThat(session.peerCount()).isEqualTo(9);

        assertThat(session.updatesState())
            .isEqualTo(
                new UpdatesState(
                    10, 20, 30, 40, List.of(new ChannelState(77, 5), new ChannelState(78, 6))));
      }
    }

    @Test
    @DisplayName("keeps grammers' rows as they were and gains only tgsession_ tables")
    void openingChangesNoGrammersRow() throws SQLException {
      Path file = dir.resolve("grammers.session");
      grammersFile(
          file,
          "INSERT INTO dc_home VALUES (4)",
          "INSERT OR REPLACE INTO peer_info VALUES (1002, -7, 2)",
          "INSERT INTO update_state VALUES (1, 2, 3, 4)");
      List<List<Object>> before = rows(file, "SELECT * FROM peer_info");

      open(file).close();

      assertThat(rows(file, "SELECT * FROM peer_info")).isEqualTo(before);
      assertThat(rows(file, "SELECT * FROM dc_home")).containsExactly(row(4));
      assertThat(rows(file, "SELECT * FROM update_state")).containsExactly(row(1, 2, 3, 4));
      assertThat(rows(file, "PRAGMA user_version")).containsExactly(row(1));
      assertThat(rows(file, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"))
          .extracting(r -> (String) r.get(0))
          .filteredOn(name -> !Schema.GRAMMERS_TABLES.contains(name))
          .allMatch(name -> name.startsWith("tgsession_"))
          .contains("tgsession_schema", "tgsession_peer", "tgsession_username");
    }

    @Test
    @DisplayName("caching a peer grammers stored merges with grammers' hash and flags")
    void mergesWithGrammersRow() throws SQLException {
      Path file = dir.resolve("grammers.session");
      grammersFile(file, "INSERT OR REPLACE INTO peer_info VALUES (1002, -7, 2)");

      try (Session session = open(file)) {
        session.cachePeer(new PeerInfo.User(1002, null, null, null, List.of("robot"), null));

        assertThat(session.peer(PeerId.user(1002)))
            .contains(
                new PeerInfo.User(1002, new PeerAuth(-7), true, false, List.of("robot"), null));
      }
      assertThat(rows(file, "SELECT * FROM peer_info")).containsExactly(row(1002, -7, 2));
    }

    @Test
    @DisplayName("a new self user takes the flag from grammers' self user, keeping its bot bit")
    void selfHandoverFromGrammersRow() throws SQLException {
      Path file = dir.resolve("grammers.session");
      grammersFile(file, "INSERT OR REPLACE INTO peer_info VALUES (1003, 9, 3)");

      try (Session session = open(file)) {
        session.cachePeer(new PeerInfo.User(2000, new PeerAuth(1), false, true, null, null));

        assertThat(session.peer(PeerId.selfUser()))
            .map(PeerInfo::peerId)
            .contains(PeerId.user(2000));
        assertThat(session.peer(PeerId.user(1003)))
            .contains(new PeerInfo.User(1003, new PeerAuth(9), true, false, null, null));
      }
      assertThat(rows(file, "SELECT * FROM peer_info ORDER BY peer_id"))
          .containsExactly(row(1003, 9, 2), row(2000, 1, 1));
    }

    @Test
    @DisplayName("a row grammers rewrote after us reads as grammers reads it")
    void grammersRewriteWins() throws SQLException {
      Path file = dir.resolve("mixed.session");
      try (Session session = open(file)) {
        session.cachePeer(new PeerInfo.User(5, new PeerAuth(1), null, null, List.of("five"), null));
      }
      try (Connection connection = raw(file);
          Statement statement = connection.createStatement()) {
        statement.execute("INSERT OR REPLACE INTO peer_info VALUES (5, 77, 2)");
      }

      try (Session session = open(file)) {
        assertThat(session.peer(PeerId.user(5)))
            .contains(new PeerInfo.User(5, new PeerAuth(77), true, false, List.of("five"), null));
      }
    }
  }

  @Nested
  @DisplayName("a file written here")
  class WritingGrammers {

    @Test
    @DisplayName("has grammers' DDL, user_version 1, and grammers' rows in grammers' encodings")
    void grammersTablesHoldGrammersEncodings() throws SQLException {
      Path file = dir.resolve("ours.session");
      AuthKey key = key(11);
      try (Session session = open(file)) {
        session.setHomeDcId(4);
        session.setDcOption(dc(4, "149.154.167.92", "2001:67c:4e8:f004:0:0:0:a", 443, key));
        session.setDcOption(dc(9, "10.0.0.9", "::", 8443, null));
        session.cachePeers(
            List.of(
                new PeerInfo.User(1, new PeerAuth(5), true, false, List.of("bot1"), "4412345"),
                new PeerInfo.User(2, null, null, null, null, null),
                new PeerInfo.User(3, PeerAuth.AMBIENT, false, false, List.of(), null),
                new PeerInfo.User(4, new PeerAuth(-4), false, true, null, null),
                new PeerInfo.User(6, new PeerAuth(6), true, null, null, null),
                new PeerInfo.Chat(9),
                new PeerInfo.Channel(10, new PeerAuth(10), ChannelKind.MEGAGROUP, null),
                new PeerInfo.Channel(11, new PeerAuth(11), ChannelKind.BROADCAST, List.of("c")),
                new PeerInfo.Channel(12, new PeerAuth(12), ChannelKind.GIGAGROUP, null),
                new PeerInfo.Channel(13, null, null, null)));
        session.cachePeer(new PeerInfo.User(7, new PeerAuth(7), true, true, null, null));
        session.setUpdateState(
            new UpdateState.All(new UpdatesState(1, 2, 3, 4, List.of(new ChannelState(10, 100)))));
        session.setUpdateState(new UpdateState.Primary(11, 13, 14));
        session.setUpdateState(new UpdateState.Secondary(12));
        session.setUpdateState(new UpdateState.Channel(12, 120));
      }

      assertThat(rows(file, "PRAGMA user_version")).containsExactly(row(1));
      Map<String, String> ddl = new TreeMap<>();
      for (List<Object> r :
          rows(file, "SELECT name, sql FROM sqlite_master WHERE type = 'table'")) {
        ddl.put((String) r.get(0), (String) r.get(1));
      }
      assertThat(GRAMMERS_DDL).allSatisfy(table -> assertThat(ddl).containsValue(table));
      assertThat(rows(file, "SELECT * FROM dc_home")).containsExactly(row(4));
      assertThat(rows(file, "SELECT * FROM dc_option ORDER BY dc_id"))
          .containsExactly(
              row(
                  4,
                  "149.154.167.92:443",
                  "[2001:67c:4e8:f004::a]:443",
                  Arrays.toString(key.bytes())),
              row(9, "10.0.0.9:8443", "[::]:8443", null));
      assertThat(rows(file, "SELECT * FROM peer_info ORDER BY peer_id"))
          .containsExactly(
              row(-1000000000013L, null, null),
              row(-1000000000012L, 12, 12),
              row(-1000000000011L, 11, 8),
              row(-1000000000010L, 10, 4),
              row(-9, 0, null),
              row(1, 5, 2),
              row(2, null, null),
              row(3, null, null),
              row(4, -4, null),
              row(6, 6, 2),
              row(7, 7, 3));
      assertThat(rows(file, "SELECT * FROM update_state")).containsExactly(row(11, 12, 13, 14));
      assertThat(rows(file, "SELECT * FROM channel_state ORDER BY peer_id"))
          .containsExactly(row(10, 100), row(12, 120));
    }

    @Test
    @DisplayName("keeps what grammers cannot: unknown vs false flags, hash 0, usernames, phones")
    void extrasSurviveReopen() {
      Path file = dir.resolve("ours.session");
      List<PeerInfo> peers =
          List.of(
              new PeerInfo.User(1, new PeerAuth(5), true, null, List.of("a", "b"), "4412345"),
              new PeerInfo.User(2, PeerAuth.AMBIENT, null, false, List.of(), null),
              new PeerInfo.User(3, null, false, false, null, null),
              new PeerInfo.Channel(4, PeerAuth.AMBIENT, null, List.of("chan")));
      try (Session session = open(file)) {
        session.cachePeers(peers);
      }

      try (Session session = open(file)) {
        for (PeerInfo peer : peers) {
          assertThat(session.peer(peer.peerId())).contains(peer);
        }
        assertThat(session.peerByUsername("@B")).map(PeerInfo::peerId).contains(PeerId.user(1));
        assertThat(session.peerByPhone("+4412345")).map(PeerInfo::peerId).contains(PeerId.user(1));
      }
    }
  }
}
