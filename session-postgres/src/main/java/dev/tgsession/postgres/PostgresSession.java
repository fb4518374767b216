package dev.tgsession.postgres;

import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionException;
import dev.tgsession.SessionLease;
import dev.tgsession.SessionStorageException;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.AbstractSession;
import dev.tgsession.spi.LeaseStore;
import dev.tgsession.spi.PeerCache;
import dev.tgsession.spi.StoredDcs;
import dev.tgsession.spi.WriteFence;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * A session kept in the {@code tgsession_*} tables under its name ({@link Schema}). Each write is
 * one transaction on a pooled connection: a batch of peers takes the session's advisory lock when
 * it claims anything, strips the claimed usernames, phones and self flag from their other holders,
 * merges its rows with {@code ON CONFLICT ... DO UPDATE SET x = COALESCE(EXCLUDED.x, t.x)} and
 * announces the peers it changed with {@code NOTIFY}, all before one commit.
 */
final class PostgresSession extends AbstractSession {

  private static final int PAGE = 1000;
  private static final int ATTEMPTS = 3;

  private final PostgresPool pool;
  private final String name;
  private final @Nullable NotifiedPeerCache cache;
  private final String where;
  private final PostgresLeaseStore leaseStore;

  private PostgresSession(
      PostgresPool pool, String name, String description, @Nullable NotifiedPeerCache cache) {
    super(description, cache == null ? PeerCache.none() : cache);
    this.pool = pool;
    this.name = name;
    this.cache = cache;
    this.where = pool.target().toString();
    this.leaseStore = new PostgresLeaseStore(this::read, name, description);
  }

  /**
   * Opens a session on a shared pool (taking one reference, given back by {@link #close()}) and
   * loads its DCs, so a server that cannot be reached fails here.
   *
   * @param peerCache the cache to keep coherent, or {@link PeerCache#none()}
   */
  static PostgresSession open(
      PostgresTarget target, String name, String description, PeerCache peerCache) {
    PostgresPool pool = PostgresPool.acquire(target, name);
    NotifiedPeerCache cache =
        peerCache == PeerCache.none() ? null : new NotifiedPeerCache(peerCache);
    PostgresSession session = new PostgresSession(pool, name, description, cache);
    try {
      if (cache != null) {
        pool.notifications().register(name, cache);
      }
      session.homeDcId();
      return session;
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /** The cache this session serves peers from, or null when it has none (for tests). */
  @Nullable NotifiedPeerCache cache() {
    return cache;
  }

  PostgresPool pool() {
    return pool;
  }

  // ---- DCs ----------------------------------------------------------------------------------

  @Override
  protected StoredDcs loadDcs() {
    return read("read the DC options", connection -> StateRows.loadDcs(connection, name, where));
  }

  @Override
  protected void storeHomeDcId(int dcId, WriteFence fence) {
    write(
        "write the home DC",
        fence,
        connection -> {
          StateRows.storeHomeDcId(connection, name, dcId);
          return null;
        });
  }

  @Override
  protected void storeDcOption(DcOption option, WriteFence fence) {
    write(
        "write DC option " + option.id(),
        fence,
        connection -> {
          StateRows.storeDcOption(connection, name, option);
          return null;
        });
  }

  // ---- encryption at rest ------------------------------------------------------------------

  @Override
  protected byte @Nullable [] loadKeyVault() {
    return read(
        "read the key vault",
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT vault FROM tgsession_key_vault WHERE session = ?")) {
            statement.setString(1, name);
            try (ResultSet result = statement.executeQuery()) {
              return result.next() ? result.getBytes(1) : null;
            }
          }
        });
  }

  @Override
  protected void storeKeyVault(List<DcOption> options, byte @Nullable [] vault, WriteFence fence) {
    write(
        "write the DC options and key vault",
        fence,
        connection -> {
          for (DcOption option : options) {
            StateRows.storeDcOption(connection, name, option);
          }
          String sql =
              vault == null
                  ? "DELETE FROM tgsession_key_vault WHERE session = ?"
                  : "INSERT INTO tgsession_key_vault (session, vault) VALUES (?, ?)"
                      + " ON CONFLICT (session) DO UPDATE SET vault = EXCLUDED.vault";
          try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, name);
            if (vault != null) {
              statement.setBytes(2, vault);
            }
            statement.executeUpdate();
          }
          return null;
        });
  }

  // ---- peers --------------------------------------------------------------------------------

  @Override
  protected @Nullable PeerInfo loadPeer(PeerId id) {
    if (cache != null) {
      cache.loading();
    }
    return readPeer(
        "read peer " + id,
        PeerRows.SELECT + " WHERE session = ? AND peer_id = ?",
        id.botApiDialogId());
  }

  @Override
  protected PeerInfo.@Nullable User loadSelfUser() {
    PeerInfo self =
        readPeer("read the self user", PeerRows.SELECT + " WHERE session = ? AND self", null);
    if (self != null && !(self instanceof PeerInfo.User)) {
      throw new IncompatibleSessionException(
          "expected the self user of session "
              + name
              + " in "
              + where
              + " to be a user, found "
              + self.peerId());
    }
    return (PeerInfo.User) self;
  }

  @Override
  protected @Nullable PeerInfo loadPeerByUsername(String username) {
    return readPeer(
        "look up a peer by username",
        "SELECT p.peer_id, p.hash, p.bot, p.self, p.kind, p.usernames, p.phone"
            + " FROM tgsession_username u JOIN tgsession_peer p"
            + " ON p.session = u.session AND p.peer_id = u.peer_id"
            + " WHERE u.session = ? AND u.username = ?",
        username);
  }

  @Override
  protected @Nullable PeerInfo loadPeerByPhone(String phone) {
    return readPeer(
        "look up a user by phone", PeerRows.SELECT + " WHERE session = ? AND phone = ?", phone);
  }

  private @Nullable PeerInfo readPeer(String operation, String sql, @Nullable Object argument) {
    return read(
        operation,
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, name);
            if (argument != null) {
              statement.setObject(2, argument);
            }
            try (ResultSet result = statement.executeQuery()) {
              return result.next() ? PeerRows.read(result, where) : null;
            }
          }
        });
  }

  @Override
  protected void storePeers(List<PeerInfo> reducedBatch, Instant cachedAt, WriteFence fence) {
    String operation =
        reducedBatch.size() == 1
            ? "write peer " + reducedBatch.get(0).peerId()
            : "write a batch of " + reducedBatch.size() + " peers";
    // One lock order for every writer (rows are locked in array order): fewer deadlocks.
    List<PeerInfo> sorted = new ArrayList<>(reducedBatch);
    sorted.sort(Comparator.comparing(PeerInfo::peerId));
    Set<PeerId> changed = null;
    try {
      changed = writeFencedByWork(operation, connection -> storePeers(connection, sorted, fence));
    } finally {
      // Tell this JVM's other instances of the session before returning; after a failure the
      // write may still have committed, so they forget everything (null).
      Set<PeerId> told = changed;
      pool.notificationsIfStarted(notifications -> notifications.writtenHere(name, cache, told));
    }
  }

  /**
   * Sends the whole batch as one pipelined multi-statement (pgjdbc sends the statements together
   * and reads their results after one Sync): the fence, the session lock, the claims and the
   * upsert, so a batch costs two round trips with its commit.
   */
  private Set<PeerId> storePeers(Connection connection, List<PeerInfo> batch, WriteFence fence)
      throws SQLException {
    Set<PeerId> changed = new LinkedHashSet<>(PeerRows.ids(batch));
    PeerRows.Claims claims = PeerRows.claims(batch);
    SessionLease lease = fence.lease();
    String prefix = PeerNotifications.prefix(pool.schema(), name);
    List<String> statements = new ArrayList<>();
    if (lease != null) {
      statements.add(PostgresLeaseStore.FENCE);
    }
    if (claims.any()) {
      statements.add(PeerRows.LOCK_SESSION);
    }
    if (!claims.listOwners().isEmpty()) {
      statements.add(PeerRows.STRIP_USERNAMES);
    }
    if (!claims.phones().isEmpty()) {
      statements.add(PeerRows.STRIP_PHONES);
    }
    if (claims.selfId() != null) {
      statements.add(PeerRows.STRIP_SELF);
    }
    statements.add(PeerRows.UPSERT_AND_NOTIFY);
    try (PreparedStatement statement =
        connection.prepareStatement(String.join(";\n", statements))) {
      int p = 0;
      if (lease != null) {
        statement.setString(++p, name);
      }
      if (claims.any()) {
        statement.setString(++p, lockKey());
      }
      if (!claims.listOwners().isEmpty()) {
        statement.setArray(++p, PeerRows.bigints(connection, claims.usernameOwners()));
        statement.setArray(++p, PeerRows.texts(connection, claims.usernames()));
        statement.setString(++p, name);
        statement.setString(++p, name);
        statement.setString(++p, name);
        statement.setArray(++p, PeerRows.bigints(connection, claims.listOwners()));
        statement.setArray(++p, PeerRows.texts(connection, claims.usernames()));
        statement.setString(++p, name);
        statement.setString(++p, Schema.CHANNEL);
        statement.setString(++p, prefix);
      }
      if (!claims.phones().isEmpty()) {
        statement.setArray(++p, PeerRows.bigints(connection, claims.phoneOwners()));
        statement.setArray(++p, PeerRows.texts(connection, claims.phones()));
        statement.setString(++p, name);
        statement.setString(++p, Schema.CHANNEL);
        statement.setString(++p, prefix);
      }
      if (claims.selfId() != null) {
        statement.setString(++p, name);
        statement.setLong(++p, claims.selfId());
        statement.setString(++p, Schema.CHANNEL);
        statement.setString(++p, prefix);
      }
      PeerRows.Columns columns = PeerRows.columns(batch);
      statement.setString(++p, name);
      statement.setArray(++p, connection.createArrayOf("bigint", columns.ids()));
      statement.setArray(++p, connection.createArrayOf("bigint", columns.hashes()));
      statement.setArray(++p, connection.createArrayOf("boolean", columns.bots()));
      statement.setArray(++p, connection.createArrayOf("boolean", columns.selves()));
      statement.setArray(++p, connection.createArrayOf("smallint", columns.kinds()));
      statement.setArray(++p, connection.createArrayOf("text", columns.names()));
      statement.setArray(++p, connection.createArrayOf("text", columns.phones()));
      statement.setString(++p, Schema.CHANNEL);
      statement.setString(++p, PeerNotifications.payload(pool.schema(), name, changed));
      statement.execute();
      boolean fenced = true;
      for (String sql : statements) {
        try (ResultSet result = statement.getResultSet()) {
          if (sql == PostgresLeaseStore.FENCE) {
            fenced = lease != null && result.next() && result.getLong(1) == lease.token();
          } else if (sql != PeerRows.LOCK_SESSION && sql != PeerRows.UPSERT_AND_NOTIFY) {
            PeerRows.collectIds(result, changed);
          }
        }
        statement.getMoreResults();
      }
      if (!fenced) {
        throw fence.lost(); // the caller rolls the transaction back: nothing of it lands
      }
    }
    return changed;
  }

  private String lockKey() {
    return "tgsession_session:" + name;
  }

  /** Serialises the claiming writers of this session (their claims read what others write). */
  private void lockSession(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(PeerRows.LOCK_SESSION)) {
      statement.setString(1, lockKey());
      statement.executeQuery().close();
    }
  }

  @Override
  protected Stream<PeerInfo> streamPeers() {
    Iterator<PeerInfo> pages =
        new Iterator<>() {
          private List<PeerInfo> page = List.of();
          private int index;
          private @Nullable Long after = Long.MIN_VALUE;

          @Override
          public boolean hasNext() {
            if (index < page.size()) {
              return true;
            }
            if (after == null) {
              return false;
            }
            page = page(after);
            index = 0;
            after = page.size() < PAGE ? null : page.get(page.size() - 1).peerId().botApiDialogId();
            return !page.isEmpty();
          }

          @Override
          public PeerInfo next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return page.get(index++);
          }
        };
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  private List<PeerInfo> page(long after) {
    return read(
        "list the peers",
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  PeerRows.SELECT
                      + " WHERE session = ? AND peer_id > ? ORDER BY peer_id LIMIT "
                      + PAGE)) {
            statement.setString(1, name);
            statement.setLong(2, after);
            List<PeerInfo> peers = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
              while (result.next()) {
                peers.add(PeerRows.read(result, where));
              }
            }
            return peers;
          }
        });
  }

  @Override
  protected long countPeers() {
    return read(
        "count the peers",
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT count(*) FROM tgsession_peer WHERE session = ?")) {
            statement.setString(1, name);
            try (ResultSet result = statement.executeQuery()) {
              result.next();
              return result.getLong(1);
            }
          }
        });
  }

  // ---- updates state ------------------------------------------------------------------------

  @Override
  protected UpdatesState loadUpdatesState() {
    return read(
        "read the updates state", connection -> StateRows.loadUpdatesState(connection, name));
  }

  @Override
  protected void storeUpdateState(UpdateState update, WriteFence fence) {
    write(
        "write the updates state",
        fence,
        connection -> {
          StateRows.storeUpdateState(connection, name, update);
          return null;
        });
  }

  // ---- clear and close ----------------------------------------------------------------------

  @Override
  protected void clearStore(WriteFence fence) {
    try {
      clearTables(fence);
    } finally {
      pool.notificationsIfStarted(notifications -> notifications.writtenHere(name, cache, null));
    }
  }

  private void clearTables(WriteFence fence) {
    write(
        "clear the session",
        fence,
        connection -> {
          lockSession(connection);
          for (String table :
              List.of(
                  "tgsession_username",
                  "tgsession_peer",
                  "tgsession_channel",
                  "tgsession_dc",
                  "tgsession_key_vault",
                  "tgsession_session")) {
            try (PreparedStatement statement =
                connection.prepareStatement("DELETE FROM " + table + " WHERE session = ?")) {
              statement.setString(1, name);
              statement.executeUpdate();
            }
          }
          try (PreparedStatement statement =
              connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            statement.setString(1, Schema.CHANNEL);
            statement.setString(2, PeerNotifications.payload(pool.schema(), name, null));
            statement.executeQuery().close();
          }
          return null;
        });
  }

  @Override
  protected void closeStore() {
    if (cache != null) {
      pool.notifications().unregister(name, cache);
    }
    pool.release();
  }

  // ---- running statements -------------------------------------------------------------------

  /** Work on a connection. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Runs a read in auto-commit mode, once more on a fresh connection if the first one broke. */
  <T> T read(String operation, SqlWork<T> work) {
    return run(operation, false, null, work);
  }

  /**
   * Runs a write as one transaction; repeats it (every write here is idempotent) when the
   * connection broke or the server asked for a retry (deadlock, serialization, a unique index
   * another writer won).
   */
  private <T> T write(String operation, WriteFence fence, SqlWork<T> work) {
    return run(operation, true, fence, work);
  }

  /** As {@link #write}, for work that checks the lease's token itself, in its transaction. */
  private <T> T writeFencedByWork(String operation, SqlWork<T> work) {
    return run(operation, true, null, work);
  }

  private <T> T run(
      String operation, boolean transaction, @Nullable WriteFence fence, SqlWork<T> work) {
    SQLException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try (Connection connection = pool.connection()) {
        if (!transaction) {
          return work.run(connection);
        }
        connection.setAutoCommit(false);
        try {
          if (fence != null) {
            fence(connection, fence);
          }
          T result = work.run(connection);
          connection.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(connection);
          throw e;
        }
      } catch (SQLException e) {
        last = e;
        if (!retryable(e)) {
          break;
        }
      } catch (SessionException e) {
        throw e;
      }
    }
    throw failure(operation, last);
  }

  /** Checks the lease's fencing token in the write's transaction (no lease: nothing to check). */
  private void fence(Connection connection, WriteFence fence) throws SQLException {
    SessionLease lease = fence.lease();
    if (lease != null && !PostgresLeaseStore.fence(connection, name, lease.token())) {
      throw fence.lost();
    }
  }

  @Override
  protected LeaseStore leaseStore() {
    return leaseStore;
  }

  private static boolean retryable(SQLException e) {
    String state = e.getSQLState();
    if (state == null) {
      return false;
    }
    return state.startsWith("08") // connection exception
        || state.equals("57P01") // admin_shutdown (server restarting)
        || state.equals("57P02") // crash_shutdown
        || state.equals("57P03") // cannot_connect_now (starting up)
        || state.equals("40001") // serialization_failure
        || state.equals("40P01") // deadlock_detected
        || state.equals("23505"); // unique_violation: a concurrent claimer won; redo the claims
  }

  private SessionStorageException failure(String operation, @Nullable SQLException cause) {
    return new SessionStorageException(
        where
            + " failed to "
            + operation
            + " for session "
            + name
            + ": "
            + (cause == null ? "unknown error" : PostgresPool.causeOf(cause)),
        cause);
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      // the connection is broken; the pool drops it
    }
  }
}
