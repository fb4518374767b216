package dev.tgsession.sqlite;

import dev.tgsession.ChannelState;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.WriteFence;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The updates state in grammers' tables: {@code update_state} (one row: pts, qts, date, seq) and
 * {@code channel_state} (one row per channel: bare id, pts).
 */
final class StateSqliteCodec {

  private final SqliteConnections connections;

  StateSqliteCodec(SqliteConnections connections) {
    this.connections = connections;
  }

  /** Reads the updates state. */
  UpdatesState load() {
    return connections.read(
        "read the updates state",
        connection -> {
          int[] common = null;
          List<ChannelState> channels = new ArrayList<>();
          try (ResultSet rows = connection.prepare(SessionSql.LOAD_STATE).executeQuery()) {
            while (rows.next()) {
              if (rows.getInt(1) == 0) {
                if (common != null) {
                  throw damaged("expected one row in table update_state, found several", null);
                }
                common = new int[] {rows.getInt(2), rows.getInt(3), rows.getInt(4), rows.getInt(5)};
              } else {
                try {
                  channels.add(new ChannelState(rows.getLong(2), rows.getInt(3)));
                } catch (IllegalArgumentException e) {
                  throw damaged(
                      "expected a valid channel_state row, found: " + SqliteFailures.cause(e), e);
                }
              }
            }
          }
          int[] state = common == null ? new int[4] : common;
          try {
            return new UpdatesState(state[0], state[1], state[2], state[3], channels);
          } catch (IllegalArgumentException e) {
            throw damaged(
                "expected a valid update_state row, found: " + SqliteFailures.cause(e), e);
          }
        });
  }

  private IncompatibleSessionException damaged(String cause, @Nullable Exception e) {
    return new IncompatibleSessionException(
        SqliteFailures.message(connections.file(), "read the updates state", cause), e);
  }

  /** Applies one change to the stored updates state. */
  void store(UpdateState update, WriteFence fence) {
    if (update instanceof UpdateState.Channel channel) {
      connections.writeNoPeer(
          "store a channel's pts",
          fence,
          false,
          connection -> {
            PreparedStatement upsert = connection.prepare(SessionSql.UPSERT_CHANNEL);
            upsert.setLong(1, channel.id());
            upsert.setInt(2, channel.pts());
            return upsert.executeUpdate();
          });
    } else if (update instanceof UpdateState.Primary primary) {
      updateStateRow(
          fence,
          SessionSql.SET_PRIMARY,
          SessionSql.INSERT_PRIMARY,
          primary.pts(),
          primary.date(),
          primary.seq());
    } else if (update instanceof UpdateState.Secondary secondary) {
      updateStateRow(fence, SessionSql.SET_SECONDARY, SessionSql.INSERT_SECONDARY, secondary.qts());
    } else if (update instanceof UpdateState.All all) {
      UpdatesState state = all.state();
      connections.writeNoPeer(
          "store the update state", fence, true, connection -> replace(connection, all.state()));
    }
  }

  /**
   * Updates the single update_state row; only when it does not exist yet (the first write), runs
   * the update again and the insert in one transaction. After the first write this is one UPDATE in
   * autocommit.
   */
  private void updateStateRow(
      WriteFence fence, SessionSql update, SessionSql insert, int... values) {
    SqliteConnections.Work<Integer> set = connection -> bind(connection, update, values);
    if (connections.writeNoPeer("store the update state", fence, false, set) == 0) {
      connections.writeNoPeer(
          "store the update state",
          fence,
          true,
          connection -> set.run(connection) > 0 ? 1 : bind(connection, insert, values));
    }
  }

  private static int bind(SqliteConnection connection, SessionSql sql, int... values)
      throws SQLException {
    PreparedStatement statement = connection.prepare(sql);
    for (int i = 0; i < values.length; i++) {
      statement.setInt(i + 1, values[i]);
    }
    return statement.executeUpdate();
  }

  /** Replaces the whole stored state, inside the caller's transaction. */
  private static int replace(SqliteConnection connection, UpdatesState state) throws SQLException {
    connection.prepare(SessionSql.DELETE_STATE).executeUpdate();
    PreparedStatement insert = connection.prepare(SessionSql.INSERT_STATE);
    insert.setInt(1, state.pts());
    insert.setInt(2, state.qts());
    insert.setInt(3, state.date());
    insert.setInt(4, state.seq());
    insert.executeUpdate();
    connection.prepare(SessionSql.DELETE_CHANNELS).executeUpdate();
    if (!state.channels().isEmpty()) {
      PreparedStatement channels = connection.prepare(SessionSql.INSERT_CHANNEL);
      for (ChannelState channel : state.channels()) {
        channels.setLong(1, channel.id());
        channels.setInt(2, channel.pts());
        channels.addBatch();
      }
      channels.executeBatch();
    }
    return 1;
  }
}
