package dev.tgsession.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The update-state writes of the JDBC baselines ({@link SqliteRaw}, {@link PostgresRaw}): one
 * {@code UPDATE} of the one state row (pts, date, seq) and one upsert of a channel's pts, each a
 * prepared statement run in autocommit.
 */
final class JdbcStateWrites {
  private final PreparedStatement primary;
  private final PreparedStatement channel;

  /** Prepares {@code primarySql} (pts, date, seq) and {@code channelSql} (channel id, pts). */
  JdbcStateWrites(Connection writer, String primarySql, String channelSql) throws SQLException {
    primary = writer.prepareStatement(primarySql);
    channel = writer.prepareStatement(channelSql);
  }

  /** The next primary state of {@code cursor}: the number of rows updated. */
  int primary(RealisticCursor cursor) throws SQLException {
    int pts = cursor.nextPts();
    primary.setInt(1, pts);
    primary.setInt(2, Realistic.date(pts));
    primary.setInt(3, pts);
    return primary.executeUpdate();
  }

  /** The next channel's next pts: the number of rows written. */
  int channel(RealisticCursor cursor) throws SQLException {
    channel.setLong(1, cursor.nextChannel());
    channel.setInt(2, cursor.nextPts());
    return channel.executeUpdate();
  }
}
