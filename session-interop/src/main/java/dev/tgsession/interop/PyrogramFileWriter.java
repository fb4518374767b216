package dev.tgsession.interop;

import dev.tgsession.AuthKey;
import dev.tgsession.ChannelKind;
import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionData;
import dev.tgsession.UpdatesState;
import dev.tgsession.interop.PyrogramSessionFile.Layout;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Writes a new Pyrogram (schema 3) or Kurigram (schema 6) {@code .session} file. */
final class PyrogramFileWriter {

  private PyrogramFileWriter() {}

  static void write(
      Path file, SessionData data, Layout layout, @Nullable Integer apiId, boolean replace) {
    int home = data.homeDcId();
    DcOption option = data.dcOptions().get(home);
    if (KnownDcs.get(home).isEmpty()) {
      throw new IllegalArgumentException(
          "expected a home DC 1..5 for a "
              + layout.library()
              + " file (Pyrogram knows Telegram's DCs by id only), found DC "
              + home);
    }
    AuthKey key = option == null ? null : option.authKey();
    PeerInfo.User self =
        data.peers().get(PeerId.selfUser()) instanceof PeerInfo.User user
            ? user
            : data.peers().values().stream()
                .filter(p -> p instanceof PeerInfo.User u && u.isSelf())
                .map(PeerInfo.User.class::cast)
                .findFirst()
                .orElse(null);
    long now = Instant.now().getEpochSecond();
    SqliteFiles.create(
        file,
        replace,
        connection -> {
          createTables(connection, layout);
          try (PreparedStatement insert =
              connection.prepareStatement("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setInt(1, home);
            if (apiId == null) {
              insert.setNull(2, Types.INTEGER);
            } else {
              insert.setInt(2, apiId);
            }
            insert.setInt(3, 0);
            if (key == null) {
              insert.setNull(4, Types.BLOB);
            } else {
              insert.setBytes(4, key.bytes());
            }
            insert.setLong(5, now);
            if (self == null) {
              insert.setNull(6, Types.INTEGER);
              insert.setNull(7, Types.INTEGER);
            } else {
              insert.setLong(6, self.id());
              insert.setInt(7, Boolean.TRUE.equals(self.bot()) ? 1 : 0);
            }
            insert.executeUpdate();
          }
          insertPeers(connection, data, layout);
          if (layout == Layout.KURIGRAM) {
            insertState(connection, data.updatesState());
          }
        });
  }

  private static void createTables(Connection connection, Layout layout) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      // the tables, indexes and trigger of the library's SCHEMA, in its order
      statement.execute(
          "CREATE TABLE sessions (dc_id INTEGER PRIMARY KEY, api_id INTEGER, test_mode INTEGER,"
              + " auth_key BLOB, date INTEGER NOT NULL, user_id INTEGER, is_bot INTEGER)");
      statement.execute(
          "CREATE TABLE peers (id INTEGER PRIMARY KEY, access_hash INTEGER, type INTEGER NOT"
              + " NULL, "
              + (layout == Layout.PYROGRAM ? "username TEXT, " : "")
              + "phone_number TEXT, last_update_on INTEGER NOT NULL DEFAULT"
              + " (CAST(STRFTIME('%s', 'now') AS INTEGER)))");
      if (layout == Layout.KURIGRAM) {
        statement.execute(
            "CREATE TABLE usernames (id INTEGER, username TEXT, FOREIGN KEY (id) REFERENCES"
                + " peers(id))");
        statement.execute(
            "CREATE TABLE update_state (id INTEGER PRIMARY KEY, pts INTEGER, qts INTEGER, date"
                + " INTEGER, seq INTEGER)");
      }
      statement.execute("CREATE TABLE version (number INTEGER PRIMARY KEY)");
      statement.execute("CREATE INDEX idx_peers_id ON peers (id)");
      if (layout == Layout.PYROGRAM) {
        statement.execute("CREATE INDEX idx_peers_username ON peers (username)");
      }
      statement.execute("CREATE INDEX idx_peers_phone_number ON peers (phone_number)");
      if (layout == Layout.KURIGRAM) {
        statement.execute("CREATE INDEX idx_usernames_id ON usernames (id)");
        statement.execute("CREATE INDEX idx_usernames_username ON usernames (username)");
      }
      statement.execute(
          "CREATE TRIGGER trg_peers_last_update_on AFTER UPDATE ON peers BEGIN UPDATE peers SET"
              + " last_update_on = CAST(STRFTIME('%s', 'now') AS INTEGER) WHERE id = NEW.id; END");
      statement.execute("INSERT INTO version VALUES (" + layout.version() + ")");
    }
  }

  private static void insertPeers(Connection connection, SessionData data, Layout layout)
      throws SQLException {
    boolean pyrogram = layout == Layout.PYROGRAM;
    try (PreparedStatement peers =
            connection.prepareStatement(
                pyrogram
                    ? "INSERT INTO peers (id, access_hash, type, username, phone_number)"
                        + " VALUES (?, ?, ?, ?, ?)"
                    : "INSERT INTO peers (id, access_hash, type, phone_number) VALUES (?, ?, ?, ?)");
        PreparedStatement names =
            connection.prepareStatement(
                pyrogram ? "SELECT 1" : "INSERT INTO usernames (id, username) VALUES (?, ?)")) {
      for (PeerInfo peer : data.peers().values()) {
        long id = peer.peerId().botApiDialogId();
        if (peer.peerId().equals(PeerId.selfUser()) && peer instanceof PeerInfo.User user) {
          id = user.id();
        }
        int column = 1;
        peers.setLong(column++, id);
        peers.setLong(column++, peer.authOrAmbient().accessHash());
        peers.setString(column++, type(peer));
        List<String> usernames = peer.usernames() == null ? List.of() : peer.usernames();
        if (pyrogram) {
          if (usernames.isEmpty()) {
            peers.setNull(column++, Types.VARCHAR);
          } else {
            peers.setString(column++, usernames.get(0));
          }
        }
        String phone = peer instanceof PeerInfo.User user ? user.phone() : null;
        if (phone == null) {
          peers.setNull(column, Types.VARCHAR);
        } else {
          peers.setString(column, phone);
        }
        peers.addBatch();
        if (!pyrogram) {
          for (String username : usernames) {
            names.setLong(1, id);
            names.setString(2, username);
            names.addBatch();
          }
        }
      }
      peers.executeBatch();
      if (!pyrogram) {
        names.executeBatch();
      }
    }
  }

  /** Pyrogram's peer type: what its {@code fetch_peers} stores for the peer. */
  static String type(PeerInfo peer) {
    if (peer instanceof PeerInfo.User user) {
      return Boolean.TRUE.equals(user.bot()) ? "bot" : "user";
    }
    if (peer instanceof PeerInfo.Channel channel) {
      return channel.kind() == ChannelKind.MEGAGROUP || channel.kind() == ChannelKind.GIGAGROUP
          ? "supergroup"
          : "channel";
    }
    return "group";
  }

  private static void insertState(Connection connection, UpdatesState state) throws SQLException {
    if (state.equals(UpdatesState.empty())) {
      return;
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO update_state (id, pts, qts, date, seq) VALUES (?, ?, ?, ?, ?)")) {
      insert.setLong(1, 0);
      insert.setInt(2, state.pts());
      insert.setInt(3, state.qts());
      insert.setInt(4, state.date());
      insert.setInt(5, state.seq());
      insert.addBatch();
      for (ChannelState channel : state.channels()) {
        // as Kurigram stores a channel's pts: its Bot API id, no qts or seq
        insert.setLong(1, PeerId.channel(channel.id()).botApiDialogId());
        insert.setInt(2, channel.pts());
        insert.setNull(3, Types.INTEGER);
        insert.setInt(4, state.date());
        insert.setNull(5, Types.INTEGER);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }
}
