package dev.tgsession.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.bson.Document;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * The raw drivers doing the fleet's work with one shared pool: one Jedis {@link RedisClient}, one
 * {@link MongoClient}, {@value #POSTGRES_POOL} pgjdbc connections in a queue; SQLite (one file per
 * session, as ours) one sqlite-jdbc connection per file in WAL with {@code synchronous=NORMAL}. A
 * session is a key prefix, a column value or a file; a peer is its id, access hash and username
 * (unique per session); the update state one row, hash or document per session.
 */
abstract class FleetRaw implements AutoCloseable {

  /** The PostgreSQL baseline's pool size. */
  static final int POSTGRES_POOL = 8;

  /** Makes session {@code s} exist (a file and its tables for SQLite; nothing elsewhere). */
  abstract void open(int s) throws Exception;

  abstract void write(int s, long id, long hash, @Nullable String username) throws Exception;

  /** The access hash of the peer, or null when not stored. */
  abstract @Nullable Long read(int s, long id) throws Exception;

  abstract @Nullable Long byUsername(int s, String username) throws Exception;

  abstract void state(int s, int pts, int date, int seq) throws Exception;

  /**
   * The first use of session {@code s}: the peers and the update state written in the fewest round
   * trips the driver offers (one transaction, one pipeline, one bulk write and one update), as a
   * host writing what an account's first update brought would do.
   */
  abstract void useOnce(int s, long[] ids, long[] hashes, @Nullable String[] usernames, int pts)
      throws Exception;

  @Override
  public abstract void close() throws SQLException;

  static FleetRaw start(Store store, String backend) throws Exception {
    return switch (backend) {
      case Store.SQLITE -> new Sqlite(store);
      case Store.POSTGRES -> new Postgres(store);
      case Store.REDIS -> new Redis(store);
      case Store.MONGO -> new Mongo(store);
      default -> throw new IllegalArgumentException("expected a fleet backend, found " + backend);
    };
  }

  private static final class Sqlite extends FleetRaw {
    private final Store store;
    private final List<@Nullable Connection> files = new ArrayList<>();

    Sqlite(Store store) {
      this.store = store;
    }

    @Override
    void open(int s) throws SQLException {
      Connection c =
          DriverManager.getConnection("jdbc:sqlite:" + store.file("raw-" + s + ".sqlite"));
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA journal_mode=WAL");
        st.execute("PRAGMA synchronous=NORMAL");
        st.execute(
            "CREATE TABLE IF NOT EXISTS peers (id INTEGER PRIMARY KEY, hash INTEGER,"
                + " username TEXT UNIQUE)");
        st.execute(
            "CREATE TABLE IF NOT EXISTS state (k INTEGER PRIMARY KEY, pts INTEGER,"
                + " date INTEGER, seq INTEGER)");
      }
      synchronized (files) {
        while (files.size() <= s) {
          files.add(null);
        }
        files.set(s, c);
      }
    }

    private Connection file(int s) {
      synchronized (files) {
        Connection c = files.get(s);
        if (c == null) {
          throw new IllegalStateException("expected raw session " + s + " open, found none");
        }
        return c;
      }
    }

    @Override
    void write(int s, long id, long hash, @Nullable String username) throws SQLException {
      Connection c = file(s);
      synchronized (c) {
        try (PreparedStatement st =
            c.prepareStatement(
                "INSERT INTO peers (id, hash, username) VALUES (?, ?, ?) ON CONFLICT(id) DO"
                    + " UPDATE SET hash = excluded.hash, username = excluded.username")) {
          st.setLong(1, id);
          st.setLong(2, hash);
          st.setString(3, username);
          st.executeUpdate();
        }
      }
    }

    @Override
    @Nullable Long read(int s, long id) throws SQLException {
      return query(file(s), "SELECT hash FROM peers WHERE id = ?", id);
    }

    @Override
    @Nullable Long byUsername(int s, String username) throws SQLException {
      return query(file(s), "SELECT hash FROM peers WHERE username = ?", username);
    }

    @Override
    void state(int s, int pts, int date, int seq) throws SQLException {
      Connection c = file(s);
      synchronized (c) {
        try (PreparedStatement st =
            c.prepareStatement("INSERT OR REPLACE INTO state VALUES (0, ?, ?, ?)")) {
          st.setInt(1, pts);
          st.setInt(2, date);
          st.setInt(3, seq);
          st.executeUpdate();
        }
      }
    }

    @Override
    void useOnce(int s, long[] ids, long[] hashes, @Nullable String[] usernames, int pts)
        throws SQLException {
      Connection c = file(s);
      synchronized (c) {
        c.setAutoCommit(false);
        try (PreparedStatement peers =
                c.prepareStatement(
                    "INSERT INTO peers (id, hash, username) VALUES (?, ?, ?) ON CONFLICT(id) DO"
                        + " UPDATE SET hash = excluded.hash, username = excluded.username");
            PreparedStatement state =
                c.prepareStatement("INSERT OR REPLACE INTO state VALUES (0, ?, ?, ?)")) {
          for (int k = 0; k < ids.length; k++) {
            peers.setLong(1, ids[k]);
            peers.setLong(2, hashes[k]);
            peers.setString(3, usernames[k]);
            peers.addBatch();
          }
          peers.executeBatch();
          state.setInt(1, pts);
          state.setInt(2, 1_700_000_000);
          state.setInt(3, 1);
          state.executeUpdate();
          c.commit();
        } catch (SQLException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      }
    }

    @Override
    public void close() throws SQLException {
      for (Connection c : files) {
        if (c != null) {
          c.close();
        }
      }
      files.clear();
    }
  }

  static @Nullable Long query(Connection c, String sql, Object... values) throws SQLException {
    synchronized (c) {
      try (PreparedStatement st = c.prepareStatement(sql)) {
        for (int k = 0; k < values.length; k++) {
          st.setObject(k + 1, values[k]);
        }
        try (ResultSet rows = st.executeQuery()) {
          return rows.next() ? rows.getLong(1) : null;
        }
      }
    }
  }

  private static final class Postgres extends FleetRaw {
    private final BlockingQueue<Connection> pool = new ArrayBlockingQueue<>(POSTGRES_POOL);
    private final List<Connection> all = new ArrayList<>();

    Postgres(Store store) throws SQLException {
      for (int k = 0; k < POSTGRES_POOL; k++) {
        Connection c = store.postgres().connect();
        all.add(c);
        pool.add(c);
      }
      try (Statement st = all.get(0).createStatement()) {
        st.execute(
            "CREATE TABLE IF NOT EXISTS raw_peers (s int, id bigint, hash bigint, username text,"
                + " PRIMARY KEY (s, id))");
        st.execute("CREATE UNIQUE INDEX IF NOT EXISTS raw_names ON raw_peers (s, username)");
        st.execute(
            "CREATE TABLE IF NOT EXISTS raw_state (s int PRIMARY KEY, pts int, date int, seq int)");
      }
    }

    private interface Work<T> {
      T run(Connection c) throws SQLException;
    }

    private <T> T with(Work<T> work) throws SQLException, InterruptedException {
      Connection c = pool.take();
      try {
        return work.run(c);
      } finally {
        pool.add(c);
      }
    }

    private static int update(Connection c, String sql, Object... values) throws SQLException {
      try (PreparedStatement st = c.prepareStatement(sql)) {
        for (int k = 0; k < values.length; k++) {
          st.setObject(k + 1, values[k]);
        }
        return st.executeUpdate();
      }
    }

    @Override
    void open(int s) {}

    @Override
    void write(int s, long id, long hash, @Nullable String username) throws Exception {
      with(
          c ->
              update(
                  c,
                  "INSERT INTO raw_peers VALUES (?, ?, ?, ?) ON CONFLICT (s, id) DO UPDATE SET"
                      + " hash = excluded.hash, username = excluded.username",
                  s,
                  id,
                  hash,
                  username));
    }

    @Override
    @Nullable Long read(int s, long id) throws Exception {
      return with(c -> query(c, "SELECT hash FROM raw_peers WHERE s = ? AND id = ?", s, id));
    }

    @Override
    @Nullable Long byUsername(int s, String username) throws Exception {
      return with(
          c -> query(c, "SELECT hash FROM raw_peers WHERE s = ? AND username = ?", s, username));
    }

    @Override
    void state(int s, int pts, int date, int seq) throws Exception {
      with(
          c ->
              update(
                  c,
                  "INSERT INTO raw_state VALUES (?, ?, ?, ?) ON CONFLICT (s) DO UPDATE SET"
                      + " pts = excluded.pts, date = excluded.date, seq = excluded.seq",
                  s,
                  pts,
                  date,
                  seq));
    }

    @Override
    void useOnce(int s, long[] ids, long[] hashes, @Nullable String[] usernames, int pts)
        throws Exception {
      with(
          c -> {
            c.setAutoCommit(false);
            try (PreparedStatement peers =
                    c.prepareStatement(
                        "INSERT INTO raw_peers VALUES (?, ?, ?, ?) ON CONFLICT (s, id) DO UPDATE"
                            + " SET hash = excluded.hash, username = excluded.username");
                PreparedStatement state =
                    c.prepareStatement(
                        "INSERT INTO raw_state VALUES (?, ?, ?, ?) ON CONFLICT (s) DO UPDATE SET"
                            + " pts = excluded.pts, date = excluded.date, seq = excluded.seq")) {
              for (int k = 0; k < ids.length; k++) {
                peers.setInt(1, s);
                peers.setLong(2, ids[k]);
                peers.setLong(3, hashes[k]);
                peers.setString(4, usernames[k]);
                peers.addBatch();
              }
              peers.executeBatch();
              state.setInt(1, s);
              state.setInt(2, pts);
              state.setInt(3, 1_700_000_000);
              state.setInt(4, 1);
              state.executeUpdate();
              c.commit();
              return null;
            } catch (SQLException e) {
              c.rollback();
              throw e;
            } finally {
              c.setAutoCommit(true);
            }
          });
    }

    @Override
    public void close() throws SQLException {
      for (Connection c : all) {
        c.close();
      }
    }
  }

  private static final class Redis extends FleetRaw {
    private final RedisClient redis;

    Redis(Store store) {
      redis = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", store.port())).build();
    }

    private static byte[] key(int s, String part) {
      return ("{raw" + s + "}:" + part).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    void open(int s) {}

    @Override
    void write(int s, long id, long hash, @Nullable String username) {
      byte[] field = RedisRaw.id(id);
      if (username == null) {
        redis.hset(key(s, "peers"), field, RedisRaw.id(hash));
        return;
      }
      try (var pipeline = redis.pipelined()) {
        pipeline.hset(key(s, "peers"), field, RedisRaw.id(hash));
        pipeline.hset(key(s, "usernames"), RedisRaw.bytes(username), field);
        pipeline.sync();
      }
    }

    private static @Nullable Long decode(byte @Nullable [] value) {
      return value == null ? null : java.nio.ByteBuffer.wrap(value).getLong();
    }

    @Override
    @Nullable Long read(int s, long id) {
      return decode(redis.hget(key(s, "peers"), RedisRaw.id(id)));
    }

    @Override
    @Nullable Long byUsername(int s, String username) {
      byte[] id = redis.hget(key(s, "usernames"), RedisRaw.bytes(username));
      return id == null ? null : decode(redis.hget(key(s, "peers"), id));
    }

    @Override
    void state(int s, int pts, int date, int seq) {
      redis.hset(key(s, "state"), stateFields(pts, date, seq));
    }

    @Override
    void useOnce(int s, long[] ids, long[] hashes, @Nullable String[] usernames, int pts) {
      try (var pipeline = redis.pipelined()) {
        for (int k = 0; k < ids.length; k++) {
          byte[] field = RedisRaw.id(ids[k]);
          pipeline.hset(key(s, "peers"), field, RedisRaw.id(hashes[k]));
          String username = usernames[k];
          if (username != null) {
            pipeline.hset(key(s, "usernames"), RedisRaw.bytes(username), field);
          }
        }
        pipeline.hset(key(s, "state"), stateFields(pts, 1_700_000_000, 1));
        pipeline.sync();
      }
    }

    private static java.util.Map<byte[], byte[]> stateFields(int pts, int date, int seq) {
      return java.util.Map.of(
          RedisRaw.bytes("pts"),
          RedisRaw.bytes(String.valueOf(pts)),
          RedisRaw.bytes("date"),
          RedisRaw.bytes(String.valueOf(date)),
          RedisRaw.bytes("seq"),
          RedisRaw.bytes(String.valueOf(seq)));
    }

    @Override
    public void close() {
      redis.close();
    }
  }

  private static final class Mongo extends FleetRaw {
    private final MongoClient client;
    private final MongoCollection<Document> peers;
    private final MongoCollection<Document> states;
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);

    Mongo(Store store) {
      client = MongoClients.create(store.mongoConnectionString());
      var db = client.getDatabase(store.database());
      peers = db.getCollection("raw_fleet_peers");
      states = db.getCollection("raw_fleet_state");
      peers.createIndex(Indexes.ascending("s", "u"));
    }

    @Override
    void open(int s) {}

    @Override
    void write(int s, long id, long hash, @Nullable String username) {
      peers.replaceOne(
          Filters.eq("_id", s + ":" + id),
          new Document("_id", s + ":" + id).append("s", s).append("h", hash).append("u", username),
          UPSERT);
    }

    @Override
    @Nullable Long read(int s, long id) {
      Document d = peers.find(Filters.eq("_id", s + ":" + id)).first();
      return d == null ? null : d.getLong("h");
    }

    @Override
    @Nullable Long byUsername(int s, String username) {
      Document d = peers.find(Filters.and(Filters.eq("s", s), Filters.eq("u", username))).first();
      return d == null ? null : d.getLong("h");
    }

    @Override
    void state(int s, int pts, int date, int seq) {
      states.replaceOne(
          Filters.eq("_id", s),
          new Document("_id", s).append("pts", pts).append("date", date).append("seq", seq),
          UPSERT);
    }

    @Override
    void useOnce(int s, long[] ids, long[] hashes, @Nullable String[] usernames, int pts) {
      List<ReplaceOneModel<Document>> writes = new ArrayList<>(ids.length);
      for (int k = 0; k < ids.length; k++) {
        String id = s + ":" + ids[k];
        writes.add(
            new ReplaceOneModel<>(
                Filters.eq("_id", id),
                new Document("_id", id)
                    .append("s", s)
                    .append("h", hashes[k])
                    .append("u", usernames[k]),
                UPSERT));
      }
      peers.bulkWrite(writes, new BulkWriteOptions().ordered(false));
      state(s, pts, 1_700_000_000, 1);
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
