package dev.tgsession.postgres;

import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionData;
import dev.tgsession.SessionLease;
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
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A session kept in the {@code tgsession_*} tables under its name ({@link Schema}). Each write is
 * one transaction on a pooled connection, fenced by the lease token inside it: a batch of peers
 * takes the session's advisory lock when it claims anything, strips the claimed usernames, phones
 * and self flag from their other holders, merges its rows with {@code ON CONFLICT ... DO UPDATE SET
 * x = COALESCE(EXCLUDED.x, t.x)} and announces the peers it changed with {@code NOTIFY}, all before
 * one commit. DC and vault writes take the same lock and require the stored vault to be the one
 * this instance last read or wrote.
 */
final class PostgresSession extends AbstractSession {

  private static final int PAGE = 1000;

  private final PostgresConnections connections;
  private final String name;
  private final @Nullable NotifiedPeerCache cache;
  private final PostgresLeaseStore leaseStore;

  /** How messages name the server (made once: a peer read passes it to the decoder). */
  private final String where;

  /**
   * The vault this instance last read or wrote (null: plain). A DC or vault write checks, in its
   * transaction, that the table still holds it: an instance left behind by another's encryption,
   * rekey, return to plain or clear() is refused instead of writing a plain key beside the vault,
   * an old vault over a new one, or keys back into a cleared session.
   */
  private volatile byte @Nullable [] knownVault;

  private volatile boolean vaultRead;

  /** The transaction a {@link #replaceStore} on this thread runs its single writes in. */
  private final ThreadLocal<@Nullable Connection> staged = new ThreadLocal<>();

  private PostgresSession(
      PostgresConnections connections,
      String name,
      String description,
      @Nullable NotifiedPeerCache cache) {
    super(description, cache == null ? PeerCache.none() : cache);
    this.connections = connections;
    this.name = name;
    this.cache = cache;
    this.leaseStore = new PostgresLeaseStore(connections, name, description);
    this.where = connections.target().toString();
  }

  /**
   * Opens a session on a shared pool (taking one reference, given back by {@link #close()}) and
   * loads its DCs, so a server that cannot be reached fails here.
   *
   * @param peerCache the cache to keep coherent, or {@link PeerCache#none()}
   */
  static PostgresSession open(
      PostgresTarget target, String name, String description, PeerCache peerCache) {
    PostgresConnections connections = PostgresConnections.acquire(target, description);
    NotifiedPeerCache cache =
        peerCache == PeerCache.none() ? null : new NotifiedPeerCache(peerCache);
    PostgresSession session = new PostgresSession(connections, name, description, cache);
    try {
      if (cache != null) {
        connections.notifications().register(name, cache);
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

  PostgresConnections pool() {
    return connections;
  }

  // ---- DCs ----------------------------------------------------------------------------------

  @Override
  protected StoredDcs loadDcs() {
    return read(
        "read the DC options",
        connection ->
            StatePostgresCodec.loadDcs(connection, name, connections.target().toString()));
  }

  @Override
  protected void storeHomeDcId(int dcId, WriteFence fence) {
    write(
        "write the home DC",
        fence,
        connection -> {
          StatePostgresCodec.storeHomeDcId(connection, name, dcId);
          return null;
        });
  }

  /** A plain DC write: refused whenever a vault is stored (its keys would lie beside it). */
  @Override
  protected void storeDcOption(DcOption option, WriteFence fence) {
    String doing = "write DC option " + option.id();
    write(
        doing,
        fence,
        connection -> {
          requireVault(connection, null, doing);
          StatePostgresCodec.storeDcOption(connection, name, option);
          StatePostgresCodec.touch(connection, name);
          return null;
        });
  }

  // ---- encryption at rest ------------------------------------------------------------------

  @Override
  protected byte @Nullable [] loadKeyVault() {
    byte[] vault =
        read("read the key vault", connection -> StatePostgresCodec.loadVault(connection, name));
    byte[] known = knownVault;
    // Only the first read (at open) or a later state of the same vault (same random vault id, so
    // the same key) becomes known: a failed look at another's rekey or clear must not bless it.
    if (!vaultRead || (vault != null && known != null && sameVault(vault, known))) {
      knownVault = vault;
      vaultRead = true;
    }
    return vault;
  }

  /** Whether two vaults carry the same vault id ("TGSK", version, then 16 random bytes). */
  private static boolean sameVault(byte[] a, byte[] b) {
    return a.length >= 21 && b.length >= 21 && Arrays.equals(a, 5, 21, b, 5, 21);
  }

  @Override
  protected void storeKeyVault(List<DcOption> options, byte @Nullable [] vault, WriteFence fence) {
    String doing = vault == null ? "store the auth keys plain" : "store the key vault";
    write(
        doing,
        fence,
        connection -> {
          requireVault(connection, knownVault, doing);
          for (DcOption option : options) {
            StatePostgresCodec.storeDcOption(connection, name, option);
          }
          StatePostgresCodec.storeVault(connection, name, vault);
          StatePostgresCodec.touch(connection, name);
          return null;
        });
    knownVault = vault;
    vaultRead = true;
  }

  /**
   * Takes the session lock (so no other DC or vault write interleaves) and checks that the stored
   * vault is {@code expected}.
   */
  private void requireVault(Connection connection, byte @Nullable [] expected, String doing)
      throws SQLException {
    lockSession(connection);
    if (!Arrays.equals(StatePostgresCodec.loadVault(connection, name), expected)) {
      throw PostgresFailures.vaultChanged(description(), doing);
    }
  }

  // ---- peers --------------------------------------------------------------------------------

  @Override
  protected @Nullable PeerInfo loadPeer(PeerId id) {
    if (cache != null) {
      cache.loading();
    }
    return readPeer(
        "read peer " + id,
        PeerPostgresCodec.SELECT + " WHERE session = ? AND peer_id = ?",
        id.botApiDialogId());
  }

  @Override
  protected PeerInfo.@Nullable User loadSelfUser() {
    PeerInfo self =
        readPeer(
            "read the self user", PeerPostgresCodec.SELECT + " WHERE session = ? AND self", null);
    if (self != null && !(self instanceof PeerInfo.User)) {
      throw new IncompatibleSessionException(
          "expected the self user of session "
              + description()
              + " to be a user, found "
              + self.peerId(),
          null);
    }
    return (PeerInfo.User) self;
  }

  @Override
  protected @Nullable PeerInfo loadPeerByUsername(String username) {
    return readPeer(
        "look up a peer by username",
        "SELECT p.peer_id, p.hash, p.bot, p.self, p.kind, array_to_string(p.usernames, ','),"
            + " p.phone"
            + " FROM tgsession_username u JOIN tgsession_peer p"
            + " ON p.session = u.session AND p.peer_id = u.peer_id"
            + " WHERE u.session = ? AND u.username = ?",
        username);
  }

  @Override
  protected @Nullable PeerInfo loadPeerByPhone(String phone) {
    return readPeer(
        "look up a user by phone",
        PeerPostgresCodec.SELECT + " WHERE session = ? AND phone = ?",
        phone);
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
              return result.next() ? PeerPostgresCodec.read(result, where) : null;
            }
          }
        });
  }

  @Override
  protected @Nullable Instant loadPeerCachedAt(PeerId id) {
    return read(
        "read when peer " + id + " was cached",
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(PeerPostgresCodec.CACHED_AT)) {
            statement.setString(1, name);
            statement.setLong(2, id.botApiDialogId());
            try (ResultSet result = statement.executeQuery()) {
              return result.next() ? instant(result.getTimestamp(1)) : null;
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
    List<PeerInfo> sorted = new ArrayList<>(reducedBatch);
    sorted.sort(Comparator.comparing(PeerInfo::peerId));
    Connection transaction = staged.get();
    if (transaction != null) {
      try {
        PeerPostgresCodec.merge(transaction, name, connections.schema(), sorted, cachedAt, null);
        return;
      } catch (SQLException e) {
        throw new StagedFailure(e);
      }
    }
    Set<PeerId> changed = null;
    try {
      // The fence is the batch's first statement (one round trip), not a separate one.
      changed =
          connections.run(
              description(),
              operation,
              false, // one multi-statement: one implicit transaction, one round trip
              connection -> {
                try {
                  return PeerPostgresCodec.merge(
                      connection, name, connections.schema(), sorted, cachedAt, fence.lease());
                } catch (SQLException e) {
                  if (PostgresLeaseStore.lost(e)) {
                    throw fence.lost(); // the implicit transaction rolled back: nothing landed
                  }
                  throw e;
                }
              });
    } finally {
      // Tell this JVM's other instances of the session before returning; after a failure the
      // write may still have committed, so they forget everything (null).
      Set<PeerId> told = changed;
      connections.notificationsIfStarted(
          notifications -> notifications.writtenHere(name, cache, told));
    }
  }

  @Override
  protected long prunePeers(Instant olderThan, WriteFence fence) {
    try {
      return write(
          "prune the peers cached before " + olderThan,
          fence,
          connection -> {
            lockSession(connection); // claims read the usernames this deletes
            long pruned;
            try (PreparedStatement statement =
                connection.prepareStatement(PeerPostgresCodec.PRUNE)) {
              statement.setString(1, name);
              statement.setObject(2, OffsetDateTime.ofInstant(olderThan, ZoneOffset.UTC));
              statement.setString(3, name);
              try (ResultSet result = statement.executeQuery()) {
                result.next();
                pruned = result.getLong(1);
              }
            }
            if (pruned > 0) {
              notifyAll(connection);
            }
            return pruned;
          });
    } finally {
      connections.notificationsIfStarted(
          notifications -> notifications.writtenHere(name, cache, null));
    }
  }

  /** Serialises the claiming, pruning, clearing and vault-checking writers of this session. */
  private void lockSession(Connection connection) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(PeerPostgresCodec.LOCK_SESSION)) {
      statement.setString(1, PeerPostgresCodec.lockKey(name));
      statement.executeQuery().close();
    }
  }

  /** Announces that every cached peer of this session is out of date. */
  private void notifyAll(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
      statement.setString(1, Schema.CHANNEL);
      statement.setString(2, PostgresCoherence.payload(connections.schema(), name, null));
      statement.executeQuery().close();
    }
  }

  @Override
  protected Stream<PeerInfo> streamPeers() {
    return KeysetPages.stream(
        this::page, Long.MIN_VALUE, peer -> peer.peerId().botApiDialogId(), PAGE);
  }

  private List<PeerInfo> page(long after) {
    return read(
        "list the peers",
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  PeerPostgresCodec.SELECT
                      + " WHERE session = ? AND peer_id > ? ORDER BY peer_id LIMIT "
                      + PAGE)) {
            statement.setString(1, name);
            statement.setLong(2, after);
            List<PeerInfo> peers = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
              while (result.next()) {
                peers.add(PeerPostgresCodec.read(result, where));
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

  // ---- updates state and extras -------------------------------------------------------------

  @Override
  protected UpdatesState loadUpdatesState() {
    return read(
        "read the updates state",
        connection -> StatePostgresCodec.loadUpdatesState(connection, name));
  }

  @Override
  protected void storeUpdateState(UpdateState update, WriteFence fence) {
    if (!(update instanceof UpdateState.All) && staged.get() == null) {
      writeStatement(
          "write the updates state",
          fence,
          StatePostgresCodec.singleUpdateSql(update),
          StatePostgresCodec.singleUpdateBinder(name, update));
      return;
    }
    write(
        "write the updates state",
        fence,
        connection -> {
          StatePostgresCodec.storeUpdateState(connection, name, update);
          return null;
        });
  }

  @Override
  protected Map<String, byte[]> loadExtras() {
    return read("read the extras", connection -> StatePostgresCodec.loadExtras(connection, name));
  }

  @Override
  protected byte @Nullable [] loadExtra(String extra) {
    return read(
        "read extra " + extra, connection -> StatePostgresCodec.loadExtra(connection, name, extra));
  }

  @Override
  protected void storeExtra(String extra, byte @Nullable [] value, WriteFence fence) {
    write(
        (value == null ? "delete extra " : "write extra ") + extra,
        fence,
        connection -> {
          StatePostgresCodec.storeExtra(connection, name, extra, value);
          StatePostgresCodec.touch(connection, name);
          return null;
        });
  }

  // ---- clear, replace and close -------------------------------------------------------------

  @Override
  protected void clearStore(WriteFence fence) {
    try {
      write(
          "clear the session",
          fence,
          connection -> {
            lockSession(connection);
            StatePostgresCodec.deleteAll(connection, name, false);
            notifyAll(connection);
            return null;
          });
      knownVault = null;
      vaultRead = true;
    } finally {
      connections.notificationsIfStarted(
          notifications -> notifications.writtenHere(name, cache, null));
    }
  }

  /**
   * Replaces everything in one transaction (a copy killed midway used to leave peers without keys):
   * the core's sequence of single writes runs on one connection bound to this thread, and commits
   * once, so a reader sees the old session or the new one and a rerun after a crash starts from
   * either.
   */
  @Override
  protected void replaceStore(
      SessionData data, byte @Nullable [] vault, Instant cachedAt, WriteFence fence) {
    byte[] before = knownVault;
    try {
      write(
          "replace the session with " + data.peers().size() + " peers",
          fence,
          connection -> {
            requireVault(connection, before, "replace the session");
            staged.set(connection);
            try {
              super.replaceStore(data, vault, cachedAt, fence);
            } catch (StagedFailure e) {
              throw e.cause;
            } finally {
              staged.remove();
            }
            notifyAll(connection);
            return null;
          });
      knownVault = vault;
      vaultRead = true;
    } catch (RuntimeException e) {
      knownVault = before;
      throw e;
    } finally {
      connections.notificationsIfStarted(
          notifications -> notifications.writtenHere(name, cache, null));
    }
  }

  /** A statement of a staged write failed: carried out of the core's sequence, then rethrown. */
  private static final class StagedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient SQLException cause;

    StagedFailure(SQLException cause) {
      super(null, cause, false, false);
      this.cause = cause;
    }
  }

  @Override
  protected void closeStore() {
    if (cache != null) {
      connections.notifications().unregister(name, cache);
    }
    connections.release();
  }

  // ---- running statements -------------------------------------------------------------------

  /** Runs a read in auto-commit mode, once more on a fresh connection if the first one broke. */
  private <T> T read(String operation, PostgresConnections.SqlWork<T> work) {
    return connections.run(description(), operation, false, work);
  }

  /**
   * Runs a write as one transaction, fenced first by the lease token (the lease row locked until
   * the commit, so no takeover lands in between); repeats it (every write here is idempotent) when
   * the connection broke or the server asked for a retry.
   */
  private <T> T write(String operation, WriteFence fence, PostgresConnections.SqlWork<T> work) {
    Connection transaction = staged.get();
    if (transaction != null) {
      try {
        return work.run(transaction); // fenced once, when the staged transaction began
      } catch (SQLException e) {
        throw new StagedFailure(e);
      }
    }
    return connections.run(
        description(),
        operation,
        true,
        connection -> {
          SessionLease lease = fence.lease();
          if (lease != null && !PostgresLeaseStore.fence(connection, name, lease.token())) {
            throw fence.lost();
          }
          return work.run(connection);
        });
  }

  private void writeStatement(
      String operation, WriteFence fence, String sql, StatePostgresCodec.Binder binder) {
    connections.runStatement(description(), operation, name, fence, sql, binder);
  }

  @Override
  protected LeaseStore leaseStore() {
    return leaseStore;
  }

  private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
