package dev.tgsession.interop;

import dev.tgsession.AuthKey;
import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionData;
import dev.tgsession.UpdatesState;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Writes a new Telethon {@code .session} file, with Telethon 1.25's tables (and 1.43's column). */
final class TelethonFileWriter {

  private TelethonFileWriter() {}

  static void write(
      Path file,
      SessionData data,
      int version,
      @Nullable AuthKey tempAuthKey,
      boolean ipv6,
      boolean replace) {
    if (version != TelethonSessionFile.VERSION && version != TelethonSessionFile.LATEST_VERSION) {
      throw new IllegalArgumentException(
          "expected Telethon database version "
              + TelethonSessionFile.VERSION
              + " or "
              + TelethonSessionFile.LATEST_VERSION
              + ", found "
              + version);
    }
    if (tempAuthKey != null && version < TelethonSessionFile.LATEST_VERSION) {
      throw new IllegalArgumentException(
          "expected no temporary key for a Telethon file of version "
              + version
              + " (version "
              + TelethonSessionFile.LATEST_VERSION
              + " has tmp_auth_key), found one");
    }
    DcOption home = data.dcOptions().get(data.homeDcId());
    if (home == null) {
      throw new IllegalArgumentException(
          "expected an option for the home DC " + data.homeDcId() + ", found none");
    }
    InetSocketAddress address = ipv6 ? home.ipv6() : home.ipv4();
    long now = Instant.now().getEpochSecond();
    SqliteFiles.create(
        file,
        replace,
        connection -> {
          createTables(connection, version);
          insertSession(connection, home, address, tempAuthKey, version);
          insertEntities(connection, data.peers().values(), now);
          insertState(connection, data.updatesState());
        });
  }

  private static void createTables(Connection connection, int version) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      // Telethon 1.25.1's definitions, in its order
      statement.execute("create table version (version integer primary key)");
      statement.execute(
          "create table sessions (dc_id integer primary key, server_address text, port integer,"
              + " auth_key blob, takeout_id integer"
              + (version >= 8 ? ", tmp_auth_key blob" : "")
              + ")");
      statement.execute(
          "create table entities (id integer primary key, hash integer not null, username text,"
              + " phone integer, name text, date integer)");
      statement.execute(
          "create table sent_files (md5_digest blob, file_size integer, type integer, id integer,"
              + " hash integer, primary key(md5_digest, file_size, type))");
      statement.execute(
          "create table update_state (id integer primary key, pts integer, qts integer,"
              + " date integer, seq integer)");
      statement.execute("insert into version values (" + version + ")");
    }
  }

  private static void insertSession(
      Connection connection,
      DcOption home,
      InetSocketAddress address,
      @Nullable AuthKey tempAuthKey,
      int version)
      throws SQLException {
    String sql =
        version >= 8
            ? "insert into sessions values (?, ?, ?, ?, NULL, ?)"
            : "insert into sessions values (?, ?, ?, ?, NULL)";
    try (PreparedStatement insert = connection.prepareStatement(sql)) {
      insert.setInt(1, home.id());
      insert.setString(2, dev.tgsession.support.IpAddresses.toText(address.getAddress()));
      insert.setInt(3, address.getPort());
      AuthKey key = home.authKey();
      insert.setBytes(4, key == null ? new byte[0] : key.bytes());
      if (version >= 8) {
        if (tempAuthKey == null) {
          insert.setNull(5, Types.BLOB);
        } else {
          insert.setBytes(5, tempAuthKey.bytes());
        }
      }
      insert.executeUpdate();
    }
  }

  private static void insertEntities(
      Connection connection, java.util.Collection<PeerInfo> peers, long now) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement("insert into entities values (?, ?, ?, ?, NULL, ?)")) {
      for (PeerInfo peer : peers) {
        insert.setLong(1, peer.peerId().botApiDialogId());
        insert.setLong(2, peer.authOrAmbient().accessHash());
        List<String> usernames = peer.usernames();
        if (usernames == null || usernames.isEmpty()) {
          insert.setNull(3, Types.VARCHAR);
        } else {
          insert.setString(3, usernames.get(0));
        }
        String phone = peer instanceof PeerInfo.User user ? user.phone() : null;
        if (phone == null) {
          insert.setNull(4, Types.INTEGER);
        } else {
          // as Telethon does: text, which the column's integer affinity stores as a number
          insert.setString(4, phone);
        }
        insert.setLong(5, now);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static void insertState(Connection connection, UpdatesState state) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement("insert into update_state values (?, ?, ?, ?, ?)")) {
      if (!state.equals(UpdatesState.empty())) {
        insert.setLong(1, 0);
        insert.setInt(2, state.pts());
        insert.setInt(3, state.qts());
        insert.setInt(4, state.date());
        insert.setInt(5, state.seq());
        insert.addBatch();
      }
      for (ChannelState channel : state.channels()) {
        // Telethon keeps a channel's pts under its bare id; the other fields as it writes them
        insert.setLong(1, channel.id());
        insert.setInt(2, channel.pts());
        insert.setInt(3, 0);
        insert.setInt(4, state.date());
        insert.setInt(5, 0);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }
}
