package dev.tgsession.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The sqlite-jdbc baseline: grammers' {@code peer_info}, {@code update_state} and {@code
 * channel_state} tables in a WAL file with {@code synchronous = NORMAL} (the settings the sqlite
 * backend uses), written through one connection with prepared statements, read through one
 * connection per thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SqliteDriverBench {

  static final String UPSERT_PEER =
      "INSERT INTO peer_info (peer_id, hash, subtype) VALUES (?, ?, NULL)"
          + " ON CONFLICT (peer_id) DO UPDATE SET hash = excluded.hash";
  static final String SELECT_PEER = "SELECT hash, subtype FROM peer_info WHERE peer_id = ?";
  static final String UPDATE_STATE = "UPDATE update_state SET pts = ?, date = ?, seq = ?";
  static final String UPSERT_CHANNEL =
      "INSERT INTO channel_state (peer_id, pts) VALUES (?, ?)"
          + " ON CONFLICT (peer_id) DO UPDATE SET pts = excluded.pts";

  private Store store;
  private Path file;
  private Connection writer;
  private PreparedStatement upsertPeer;
  private PreparedStatement updateState;
  private PreparedStatement upsertChannel;
  private final ReentrantLock writeLock = new ReentrantLock();

  /** Creates the file and tables and stores the {@link Workload}'s users. */
  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    store = Store.start(Store.SQLITE);
    file = store.file("raw.sqlite");
    writer = open(file);
    try (Statement statement = writer.createStatement()) {
      statement.execute(
          "CREATE TABLE peer_info (peer_id INTEGER NOT NULL, hash INTEGER, subtype INTEGER,"
              + " PRIMARY KEY (peer_id))");
      statement.execute(
          "CREATE TABLE update_state (pts INTEGER NOT NULL, qts INTEGER NOT NULL,"
              + " date INTEGER NOT NULL, seq INTEGER NOT NULL)");
      statement.execute(
          "CREATE TABLE channel_state (peer_id INTEGER NOT NULL, pts INTEGER NOT NULL,"
              + " PRIMARY KEY (peer_id))");
      statement.execute("INSERT INTO update_state VALUES (0, 0, 0, 0)");
    }
    upsertPeer = writer.prepareStatement(UPSERT_PEER);
    updateState = writer.prepareStatement(UPDATE_STATE);
    upsertChannel = writer.prepareStatement(UPSERT_CHANNEL);
    writer.setAutoCommit(false);
    for (int i = 0; i < Workload.STORED; i++) {
      upsertPeer.setLong(1, Workload.storedId(i));
      upsertPeer.setLong(2, Workload.initialHash(i));
      upsertPeer.addBatch();
    }
    upsertPeer.executeBatch();
    writer.commit();
    writer.setAutoCommit(true);
  }

  /** Closes the connection and deletes the file. */
  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    try {
      writer.close();
    } finally {
      store.close();
    }
  }

  static Connection open(Path file) throws SQLException {
    Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA busy_timeout = 5000");
      statement.execute("PRAGMA journal_mode = WAL");
      statement.execute("PRAGMA synchronous = NORMAL");
    }
    return connection;
  }

  /** A reader connection of one thread. */
  @State(Scope.Thread)
  public static class Reader {
    private Connection connection;
    private PreparedStatement select;

    /** Opens this thread's connection to the benchmark's file. */
    @Setup(Level.Trial)
    public void setUp(SqliteDriverBench bench) throws SQLException {
      connection = open(bench.file);
      select = connection.prepareStatement(SELECT_PEER);
    }

    /** Closes it. */
    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
      connection.close();
    }
  }

  /** One upsert of a stored user's access hash, in autocommit. */
  @Benchmark
  public int upsertPeer(Cursor cursor) throws SQLException {
    writeLock.lock();
    try {
      upsertPeer.setLong(1, Workload.storedId(cursor.nextStored()));
      upsertPeer.setLong(2, cursor.nextHash());
      return upsertPeer.executeUpdate();
    } finally {
      writeLock.unlock();
    }
  }

  /** 100 upserts as one JDBC batch in one transaction (one op = one batch). */
  @Benchmark
  public int[] upsertPeers100(Cursor cursor) throws SQLException {
    writeLock.lock();
    try {
      writer.setAutoCommit(false);
      try {
        for (int k = 0; k < Workload.BATCH; k++) {
          upsertPeer.setLong(1, Workload.storedId(cursor.nextStored()));
          upsertPeer.setLong(2, cursor.nextHash());
          upsertPeer.addBatch();
        }
        int[] counts = upsertPeer.executeBatch();
        writer.commit();
        return counts;
      } catch (SQLException e) {
        writer.rollback();
        throw e;
      } finally {
        writer.setAutoCommit(true);
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** A primary-key select of a stored user. */
  @Benchmark
  public long selectPeer(Cursor cursor, Reader reader) throws SQLException {
    reader.select.setLong(1, Workload.storedId(cursor.nextStored()));
    try (ResultSet rows = reader.select.executeQuery()) {
      return rows.next() ? rows.getLong(1) + rows.getInt(2) : 0;
    }
  }

  /** One update of pts, date and seq, in autocommit. */
  @Benchmark
  public int updateStatePrimary(Cursor cursor) throws SQLException {
    writeLock.lock();
    try {
      int pts = cursor.nextPts();
      updateState.setInt(1, pts);
      updateState.setInt(2, pts);
      updateState.setInt(3, pts);
      return updateState.executeUpdate();
    } finally {
      writeLock.unlock();
    }
  }

  /** One upsert of a channel's pts, in autocommit. */
  @Benchmark
  public int upsertChannelPts(Cursor cursor) throws SQLException {
    writeLock.lock();
    try {
      upsertChannel.setLong(1, cursor.nextChannel());
      upsertChannel.setInt(2, cursor.nextPts());
      return upsertChannel.executeUpdate();
    } finally {
      writeLock.unlock();
    }
  }

  /** {@link #upsertPeer} from 4 threads (one writer connection: SQLite has one writer). */
  @Benchmark
  @Threads(4)
  public int upsertPeer4T(Cursor cursor) throws SQLException {
    return upsertPeer(cursor);
  }

  /** {@link #selectPeer} from 4 threads, each on its own connection. */
  @Benchmark
  @Threads(4)
  public long selectPeer4T(Cursor cursor, Reader reader) throws SQLException {
    return selectPeer(cursor, reader);
  }

  /** {@link #updateStatePrimary} from 4 threads. */
  @Benchmark
  @Threads(4)
  public int updateStatePrimary4T(Cursor cursor) throws SQLException {
    return updateStatePrimary(cursor);
  }
}
