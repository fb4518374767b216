package dev.tgsession.bench;

import dev.tgsession.PeerInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pgjdbc baseline of {@link PostgresRealistic}: one table with the same columns and constraints
 * (access hash, kind, bot flag, a UNIQUE username, a UNIQUE phone), one writer connection (100
 * upserts per commit, one JDBC batch) and one reader connection, prepared statements. An upsert
 * keeps a stored bot flag and phone when the new one is unknown, as the merge rule does. One
 * session per database, so no session column.
 */
public class PostgresRaw extends RawBench {

  static final String DDL =
      "CREATE TABLE peer (peer_id bigint PRIMARY KEY, hash bigint, kind smallint NOT NULL,"
          + " bot boolean, username text UNIQUE, phone text UNIQUE)";
  static final String UPSERT =
      "INSERT INTO peer (peer_id, hash, kind, bot, username, phone) VALUES (?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (peer_id) DO UPDATE SET hash = excluded.hash, kind = excluded.kind,"
          + " bot = coalesce(excluded.bot, peer.bot), username = excluded.username,"
          + " phone = coalesce(excluded.phone, peer.phone)";
  static final String STATE_DDL =
      "CREATE TABLE update_state (id smallint PRIMARY KEY, pts integer NOT NULL,"
          + " qts integer NOT NULL, date integer NOT NULL, seq integer NOT NULL)";
  static final String CHANNEL_DDL =
      "CREATE TABLE channel_state (peer_id bigint PRIMARY KEY, pts integer NOT NULL)";
  static final String UPDATE_STATE =
      "UPDATE update_state SET pts = ?, date = ?, seq = ? WHERE id = 1";
  static final String UPSERT_CHANNEL =
      "INSERT INTO channel_state (peer_id, pts) VALUES (?, ?)"
          + " ON CONFLICT (peer_id) DO UPDATE SET pts = excluded.pts";
  static final String COLUMNS = "peer_id, hash, kind, bot, username, phone";
  static final String BY_ID = "SELECT " + COLUMNS + " FROM peer WHERE peer_id = ?";
  static final String BY_USERNAME = "SELECT " + COLUMNS + " FROM peer WHERE username = ?";
  static final String BY_PHONE = "SELECT " + COLUMNS + " FROM peer WHERE phone = ?";

  private Connection writer;
  private PreparedStatement upsert;
  private JdbcStateWrites state;
  private Connection reader;
  private PreparedStatement byId;
  private PreparedStatement byUsername;
  private PreparedStatement byPhone;
  private @Nullable Connection fresh;
  private @Nullable PreparedStatement freshById;

  @Override
  String backend() {
    return Store.POSTGRES;
  }

  @Override
  int defaultColdStored() {
    return PostgresRealistic.COLD_STORED;
  }

  @Override
  void connect() throws SQLException {
    writer = store.postgres().connect();
    try (Statement statement = writer.createStatement()) {
      statement.execute(DDL);
      statement.execute(STATE_DDL);
      statement.execute(CHANNEL_DDL);
      statement.execute("INSERT INTO update_state VALUES (1, 0, 0, 0, 0)");
    }
    upsert = writer.prepareStatement(UPSERT);
    state = new JdbcStateWrites(writer, UPDATE_STATE, UPSERT_CHANNEL);
    reader = store.postgres().connect();
    byId = reader.prepareStatement(BY_ID);
    byUsername = reader.prepareStatement(BY_USERNAME);
    byPhone = reader.prepareStatement(BY_PHONE);
  }

  @Override
  void storeBatch(List<PeerInfo> peers) throws SQLException {
    upsertBatch(peers);
  }

  private void bind(PeerInfo peer) throws SQLException {
    upsert.setLong(1, peer.peerId().botApiDialogId());
    upsert.setLong(2, peer.authOrAmbient().accessHash());
    upsert.setShort(3, (short) kindOf(peer));
    Boolean bot = botOf(peer);
    if (bot == null) {
      upsert.setNull(4, Types.BOOLEAN);
    } else {
      upsert.setBoolean(4, bot);
    }
    upsert.setString(5, usernameOf(peer));
    upsert.setString(6, phoneOf(peer));
  }

  @Override
  void openFreshReader() throws SQLException {
    fresh = store.postgres().connect();
    freshById = fresh.prepareStatement(BY_ID);
  }

  @Override
  void closeFreshReader() throws SQLException {
    if (fresh != null) {
      fresh.close();
      fresh = null;
      freshById = null;
    }
  }

  @Override
  @Nullable RawPeer freshRead(long dialogId) throws SQLException {
    PreparedStatement select = freshById;
    if (select == null) {
      throw new IllegalStateException("expected the fresh reader");
    }
    select.setLong(1, dialogId);
    return read(select);
  }

  @Override
  void disconnect() throws SQLException {
    for (Connection c : new Connection[] {reader, writer}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static @Nullable RawPeer read(PreparedStatement select) throws SQLException {
    try (ResultSet rows = select.executeQuery()) {
      if (!rows.next()) {
        return null;
      }
      boolean bot = rows.getBoolean(4);
      Boolean botFlag = rows.wasNull() ? null : bot;
      return new RawPeer(
          rows.getLong(1),
          rows.getLong(2),
          rows.getShort(3),
          botFlag,
          rows.getString(5),
          rows.getString(6));
    }
  }

  private int[] upsertBatch(List<PeerInfo> peers) throws SQLException {
    writer.setAutoCommit(false);
    try {
      for (PeerInfo peer : peers) {
        bind(peer);
        upsert.addBatch();
      }
      int[] counts = upsert.executeBatch();
      writer.commit();
      return counts;
    } catch (SQLException e) {
      writer.rollback();
      throw e;
    } finally {
      writer.setAutoCommit(true);
    }
  }

  /** One update of the state row's pts, date and seq, in autocommit. */
  @Benchmark
  public int updateStatePrimary() throws SQLException {
    return state.primary(cursor);
  }

  /** One upsert of a channel's pts, in autocommit. */
  @Benchmark
  public int updateStateChannel() throws SQLException {
    return state.channel(cursor);
  }

  /** 100 upserts in one transaction (one JDBC batch): one op = 100. */
  @Benchmark
  public int[] batch100Named() throws SQLException {
    return upsertBatch(cursor.nextBatch());
  }

  /** 100 upserts of users never stored, in one transaction: one op = 100. */
  @Benchmark
  public int[] batch100New() throws SQLException {
    return upsertBatch(cursor.nextNewBatch());
  }

  /** One upsert in autocommit. */
  @Benchmark
  public int singleNamed() throws SQLException {
    bind(Realistic.peer(cursor.nextUser(), cursor.nextHash()));
    return upsert.executeUpdate();
  }

  /** A primary-key select over the 5,000-peer working set. */
  @Benchmark
  public @Nullable RawPeer warmPeer() throws SQLException {
    byId.setLong(1, Realistic.peerId(cursor.nextWarm()).botApiDialogId());
    return read(byId);
  }

  /** A select on the UNIQUE username column. */
  @Benchmark
  public @Nullable RawPeer peerByUsername() throws SQLException {
    byUsername.setString(1, Realistic.username(cursor.nextNamed()));
    return read(byUsername);
  }

  /** A select on the UNIQUE phone column. */
  @Benchmark
  public @Nullable RawPeer peerByPhone() throws SQLException {
    byPhone.setString(1, Realistic.phone(cursor.nextPhone()));
    return read(byPhone);
  }

  /** An upsert through the writer, then a primary-key select of that peer through the reader. */
  @Benchmark
  public @Nullable RawPeer coherentRead() throws SQLException {
    int i = cursor.nextUser();
    bind(Realistic.peer(i, cursor.nextHash()));
    upsert.executeUpdate();
    byId.setLong(1, Realistic.peerId(i).botApiDialogId());
    return read(byId);
  }

  /**
   * A primary-key select on a connection opened for the iteration, of {@value
   * PostgresRealistic#COLD_READS} distinct peers of {@value PostgresRealistic#COLD_STORED}, in the
   * order {@link PostgresRealistic#coldPeer} reads them. One op = one iteration's reads.
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(batchSize = PostgresRealistic.COLD_WARMUP_READS)
  @Measurement(batchSize = PostgresRealistic.COLD_READS)
  public @Nullable RawPeer coldPeer() throws SQLException {
    PreparedStatement select = freshById;
    if (select == null) {
      throw new IllegalStateException("expected the fresh reader of coldPeer");
    }
    select.setLong(1, Realistic.peerId(cursor.nextCold()).botApiDialogId());
    return read(select);
  }
}
