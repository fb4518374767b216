package dev.tgsession.sqlite;

import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionData;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.AbstractSession;
import dev.tgsession.spi.LeaseStore;
import dev.tgsession.spi.PeerCache;
import dev.tgsession.spi.StoredDcs;
import dev.tgsession.spi.WriteFence;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * A session in one SQLite file, in grammers' format plus {@code tgsession_} tables (see {@link
 * Schema}): the store operations, on the connections of {@link SqliteConnections}. Opening is
 * {@link SqliteFileOpener}'s.
 */
final class SqliteSession extends AbstractSession {

  private static final int PAGE_SIZE = 1000;

  /** The most extras a session holds (a few per DC); more means the file was tampered with. */
  private static final int MAX_EXTRAS = 1000;

  private final SqliteConnections connections;
  private final @Nullable SqliteCoherence coherence;
  private final SqliteLeaseStore leases;
  private final StateSqliteCodec state;

  /**
   * The vault this instance last read or wrote (null: plain). A DC or vault write first checks,
   * inside its transaction, that the file still holds it: an instance left behind by another's
   * encryption, rekey or return to plain is refused instead of writing a plain key into an
   * encrypted file or an old vault over a new one.
   */
  private volatile byte @Nullable [] knownVault;

  SqliteSession(
      String description,
      SqliteConnections connections,
      PeerCache peerCache,
      @Nullable SqliteCoherence coherence,
      boolean readOnly) {
    super(description, peerCache);
    this.connections = connections;
    this.coherence = coherence;
    // Read-only sessions get one too, for current() (tgsession info shows the holder); it refuses
    // to acquire.
    this.leases =
        new SqliteLeaseStore(
            connections.file(), description, connections.busyTimeoutMillis(), readOnly);
    connections.fencedBy(leases::fencingToken);
    this.state = new StateSqliteCodec(connections);
  }

  @Override
  protected @Nullable LeaseStore leaseStore() {
    return leases;
  }

  @Override
  protected boolean cachedPeersCurrent() {
    return coherence == null || coherence.current(this::peersChangedElsewhere);
  }

  SqliteConnections connections() {
    return connections;
  }

  /** The lease file's store (for tests). */
  SqliteLeaseStore leases() {
    return leases;
  }

  // ---- DCs ----------------------------------------------------------------------------------

  @Override
  protected StoredDcs loadDcs() {
    return connections.read(
        "read the DC options",
        connection -> {
          int home = 0;
          Map<Integer, DcOption> options = new TreeMap<>();
          try (ResultSet rows = connection.prepare(SessionSql.LOAD_DCS).executeQuery()) {
            while (rows.next()) {
              if (rows.getInt(1) == 0) {
                home = homeDc(rows.getInt(2), home);
              } else {
                DcOption option = decodeDcOption(rows);
                options.put(option.id(), option);
              }
            }
          }
          return new StoredDcs(home, options);
        });
  }

  private int homeDc(int stored, int seen) {
    if (stored <= 0 || seen != 0) {
      throw new IncompatibleSessionException(
          SqliteFailures.message(
              connections.file(),
              "read the home DC",
              seen != 0
                  ? "expected one row in table dc_home, found several"
                  : "expected a positive dc_home.dc_id, found " + stored));
    }
    return stored;
  }

  private DcOption decodeDcOption(ResultSet row) throws SQLException {
    int id = row.getInt(2);
    String ipv4 = row.getString(3);
    String ipv6 = row.getString(4);
    byte[] key = row.getBytes(5);
    try {
      return new DcOption(
          id,
          GrammersEncoding.parseIpv4(String.valueOf(ipv4), "dc_option.ipv4 of dc_id " + id),
          GrammersEncoding.parseIpv6(String.valueOf(ipv6), "dc_option.ipv6 of dc_id " + id),
          key == null ? null : AuthKey.of(key));
    } catch (IllegalArgumentException e) {
      throw new IncompatibleSessionException(
          SqliteFailures.message(
              connections.file(),
              "read the DC options",
              // the value is cut to 64 characters by the parser
              "dc_option row dc_id = " + id + ": " + e.getMessage()),
          e);
    }
  }

  @Override
  protected void storeHomeDcId(int dcId, WriteFence fence) {
    connections.write(
        "store the home DC",
        fence,
        true,
        connection -> {
          connection.prepare(SessionSql.DELETE_HOME_DC).executeUpdate();
          PreparedStatement insert = connection.prepare(SessionSql.INSERT_HOME_DC);
          insert.setInt(1, dcId);
          return insert.executeUpdate();
        });
  }

  @Override
  protected void storeDcOption(DcOption option, WriteFence fence) {
    // Called only while this instance holds the session plain (an encrypted one writes through
    // storeKeyVault): one transaction that first checks no other instance encrypted it meanwhile.
    connections.write(
        "store a DC option",
        fence,
        true,
        connection -> {
          requireKnownVault(connection, "store a DC option");
          return upsertDcOption(connection, option);
        });
  }

  private void requireKnownVault(SqliteConnection connection, String operation)
      throws SQLException {
    byte[] stored;
    try (ResultSet rows = connection.prepare(SessionSql.LOAD_VAULT).executeQuery()) {
      stored = rows.next() ? rows.getBytes(1) : null;
    }
    if (!Arrays.equals(stored, knownVault)) {
      throw new IncompatibleSessionException(
          SqliteFailures.message(
              connections.file(),
              operation,
              "its key vault was changed by another instance (encrypted, rekeyed, made plain, or"
                  + " a DC's key written) after this one read it; nothing was written. Open it"
                  + " again, with the encryption-key it has now"),
          null);
    }
  }

  private static int upsertDcOption(SqliteConnection connection, DcOption option)
      throws SQLException {
    PreparedStatement upsert = connection.prepare(SessionSql.UPSERT_DC_OPTION);
    upsert.setInt(1, option.id());
    upsert.setString(2, GrammersEncoding.formatIpv4(option.ipv4()));
    upsert.setString(3, GrammersEncoding.formatIpv6(option.ipv6()));
    AuthKey key = option.authKey();
    if (key == null) {
      upsert.setNull(4, Types.BLOB);
    } else {
      upsert.setBytes(4, key.bytes());
    }
    return upsert.executeUpdate();
  }

  // ---- encryption at rest -------------------------------------------------------------------

  @Override
  protected byte @Nullable [] loadKeyVault() {
    return connections.read(
        "read the key vault",
        connection -> {
          // A read-only session of a file from before schema version 2 has no vault table.
          try (ResultSet table = connection.prepare(SessionSql.VAULT_TABLE).executeQuery()) {
            if (!table.next()) {
              return null;
            }
          }
          try (ResultSet rows = connection.prepare(SessionSql.LOAD_VAULT).executeQuery()) {
            byte[] vault = rows.next() ? rows.getBytes(1) : null;
            knownVault = vault;
            return vault;
          }
        });
  }

  /**
   * One fenced {@code BEGIN IMMEDIATE} transaction writes the DC rows and the vault (or deletes
   * it), with {@code secure_delete} on and a truncating WAL checkpoint after: no old auth key stays
   * in the file's pages, its free pages or the WAL.
   */
  @Override
  protected void storeKeyVault(List<DcOption> options, byte @Nullable [] vault, WriteFence fence) {
    if (connections.readOnly()) {
      throw new IllegalStateException(
          "session file "
              + connections.file()
              + " was opened read-only (mode=read-only), and storing its auth keys "
              + (vault == null ? "plain" : "encrypted")
              + " would write to it: mode=read-only never encrypts a plain file in place nor"
              + " rekeys one; open a plain file read-only without encryption-key to read it, or"
              + " read-write with the key to encrypt it");
    }
    connections.writeErasing(
        vault == null ? "store the auth keys plain" : "store the DC options and key vault",
        fence,
        connection -> {
          requireKnownVault(
              connection, vault == null ? "store the auth keys plain" : "store the key vault");
          for (DcOption option : options) {
            upsertDcOption(connection, option);
          }
          if (vault == null) {
            connection.prepare(SessionSql.DELETE_VAULT).executeUpdate();
          } else {
            PreparedStatement store = connection.prepare(SessionSql.STORE_VAULT);
            store.setBytes(1, vault);
            store.executeUpdate();
          }
          return 1;
        });
    knownVault = vault;
  }

  // ---- peers --------------------------------------------------------------------------------

  @Override
  protected @Nullable PeerInfo loadPeer(PeerId id) {
    return connections.read(
        "read a peer",
        connection -> {
          PreparedStatement select = connection.prepare(PeerSql.BY_ID);
          select.setLong(1, id.botApiDialogId());
          return first(select);
        });
  }

  @Override
  protected PeerInfo.@Nullable User loadSelfUser() {
    return (PeerInfo.User)
        connections.read(
            "read the self user", connection -> first(connection.prepare(PeerSql.SELF_USER)));
  }

  @Override
  protected @Nullable PeerInfo loadPeerByUsername(String username) {
    return connections.read(
        "look up a username",
        connection -> {
          PreparedStatement select = connection.prepare(PeerSql.BY_USERNAME);
          select.setString(1, username);
          return first(select);
        });
  }

  @Override
  protected @Nullable PeerInfo loadPeerByPhone(String phone) {
    return connections.read(
        "look up a phone number",
        connection -> {
          PreparedStatement select = connection.prepare(PeerSql.BY_PHONE);
          select.setString(1, phone);
          return first(select);
        });
  }

  private static @Nullable PeerInfo first(PreparedStatement select) throws SQLException {
    try (ResultSet rows = select.executeQuery()) {
      return rows.next() ? PeerSqliteCodec.decode(rows) : null;
    }
  }

  @Override
  protected void storePeers(List<PeerInfo> reducedBatch, Instant cachedAt, WriteFence fence) {
    if (PeerWrites.singleStatement(reducedBatch)) {
      // One statement: autocommit is atomic and takes the write lock under the busy handler.
      PeerInfo peer = reducedBatch.get(0);
      connections.write(
          "cache a peer",
          fence,
          false,
          connection -> PeerWrites.writeOne(connection, peer, cachedAt.toEpochMilli()));
      return;
    }
    connections.writePeers(
        "cache peers",
        fence,
        (connection, stored) ->
            PeerWrites.write(connection, reducedBatch, cachedAt.toEpochMilli(), stored));
  }

  @Override
  protected @Nullable Instant loadPeerCachedAt(PeerId id) {
    return connections.read(
        "read when a peer was cached",
        connection -> {
          PreparedStatement select = connection.prepare(PeerSql.CACHED_AT);
          select.setLong(1, id.botApiDialogId());
          try (ResultSet rows = select.executeQuery()) {
            if (!rows.next()) {
              return null;
            }
            long at = rows.getLong(1);
            // a peer grammers cached has no time of ours: the epoch, the oldest there is
            return rows.wasNull() ? Instant.EPOCH : Instant.ofEpochMilli(at);
          }
        });
  }

  /**
   * One transaction: releases the usernames and phones of the peers cached before {@code olderThan}
   * (never the self user), deletes them, and drops their cached-at times. A cache write racing it
   * runs before (and refreshes the peer's time, so it is kept) or after (and stores the peer
   * again).
   */
  @Override
  protected long prunePeers(Instant olderThan, WriteFence fence) {
    long cutOff = olderThan.toEpochMilli();
    return connections.write(
        "prune the peers",
        fence,
        true,
        connection -> {
          for (PeerSql release : List.of(PeerSql.PRUNE_USERNAMES, PeerSql.PRUNE_EXTRAS)) {
            PreparedStatement delete = connection.prepare(release);
            delete.setLong(1, cutOff);
            delete.executeUpdate();
          }
          PreparedStatement peers = connection.prepare(PeerSql.PRUNE_PEERS);
          peers.setLong(1, cutOff);
          long pruned = peers.executeUpdate();
          connection.prepare(PeerSql.PRUNE_CACHED).executeUpdate();
          return pruned;
        });
  }

  // ---- extras -------------------------------------------------------------------------------

  @Override
  protected Map<String, byte[]> loadExtras() {
    return connections.read(
        "read the extras",
        connection -> {
          Map<String, byte[]> extras = new TreeMap<>();
          try (ResultSet rows = connection.prepare(SessionSql.LOAD_EXTRAS).executeQuery()) {
            while (rows.next()) {
              if (extras.size() == MAX_EXTRAS) {
                throw oversizedExtras("more than " + MAX_EXTRAS + " rows");
              }
              extras.put(rows.getString(1), extra(rows));
            }
          }
          return extras;
        });
  }

  @Override
  protected byte @Nullable [] loadExtra(String name) {
    return connections.read(
        "read an extra",
        connection -> {
          PreparedStatement select = connection.prepare(SessionSql.LOAD_EXTRA);
          select.setString(1, name);
          try (ResultSet rows = select.executeQuery()) {
            return rows.next() ? extra(rows) : null;
          }
        });
  }

  /** An extra's value: rows hold the value (NULL when too long) and its length, last. */
  private byte[] extra(ResultSet row) throws SQLException {
    int columns = row.getMetaData().getColumnCount();
    byte[] value = row.getBytes(columns - 1);
    if (value == null) {
      throw oversizedExtras("a value of " + row.getLong(columns) + " bytes");
    }
    return value;
  }

  private IncompatibleSessionException oversizedExtras(String found) {
    return new IncompatibleSessionException(
        SqliteFailures.message(
            connections.file(),
            "read the extras",
            "expected at most "
                + MAX_EXTRAS
                + " rows of at most "
                + SessionSql.MAX_EXTRA_BYTES
                + " bytes in tgsession_extra, found "
                + found
                + "; the file was changed by something else: restore a backup"),
        null);
  }

  @Override
  protected void storeExtra(String name, byte @Nullable [] value, WriteFence fence) {
    connections.write(
        value == null ? "delete an extra" : "store an extra",
        fence,
        false,
        connection -> storeExtra(connection, name, value));
  }

  private static int storeExtra(SqliteConnection connection, String name, byte @Nullable [] value)
      throws SQLException {
    PreparedStatement statement =
        connection.prepare(value == null ? SessionSql.DELETE_EXTRA : SessionSql.STORE_EXTRA);
    statement.setString(1, name);
    if (value != null) {
      statement.setBytes(2, value);
    }
    return statement.executeUpdate();
  }

  // ---- replacing everything -----------------------------------------------------------------

  /**
   * The single writes of the default, run as one fenced, erasing transaction ({@link
   * SqliteConnections#writeErasing}; the writes inside it join it): a reader sees the old session
   * or the new one, and a crash leaves the old one.
   */
  @Override
  protected void replaceStore(
      SessionData data, byte @Nullable [] vault, Instant cachedAt, WriteFence fence) {
    byte[] before = knownVault;
    try {
      connections.writeErasing(
          "replace the session",
          fence,
          connection -> {
            SqliteSession.super.replaceStore(data, vault, cachedAt, fence);
            return 1;
          });
    } catch (RuntimeException | Error e) {
      knownVault = before; // rolled back: the file holds the old vault
      throw e;
    }
  }

  @Override
  protected Stream<PeerInfo> streamPeers() {
    // Pages by peer id, one short read each, so no transaction stays open while the caller
    // consumes the stream (an open read would keep WAL checkpoints from completing).
    Iterator<PeerInfo> pages =
        new Iterator<>() {
          private List<PeerInfo> page = List.of();
          private int next;
          private long after = Long.MIN_VALUE;
          private boolean last;

          @Override
          public boolean hasNext() {
            if (next < page.size()) {
              return true;
            }
            if (last) {
              return false;
            }
            ensureOpen();
            page = loadPage(after);
            next = 0;
            last = page.size() < PAGE_SIZE;
            if (!page.isEmpty()) {
              after = page.get(page.size() - 1).peerId().botApiDialogId();
            }
            return !page.isEmpty();
          }

          @Override
          public PeerInfo next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return page.get(next++);
          }
        };
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(
            pages, Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL),
        false);
  }

  private List<PeerInfo> loadPage(long after) {
    return connections.read(
        "read the peers",
        connection -> {
          PreparedStatement select = connection.prepare(PeerSql.PAGE);
          select.setLong(1, after);
          select.setInt(2, PAGE_SIZE);
          List<PeerInfo> page = new ArrayList<>(PAGE_SIZE);
          try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              page.add(PeerSqliteCodec.decode(rows));
            }
          }
          return page;
        });
  }

  @Override
  protected long countPeers() {
    return connections.read(
        "count the peers",
        connection -> {
          try (ResultSet rows = connection.prepare(PeerSql.COUNT).executeQuery()) {
            return rows.next() ? rows.getLong(1) : 0L;
          }
        });
  }

  // ---- updates state ------------------------------------------------------------------------

  @Override
  protected UpdatesState loadUpdatesState() {
    return state.load();
  }

  @Override
  protected void storeUpdateState(UpdateState update, WriteFence fence) {
    state.store(update, fence);
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  @Override
  protected void clearStore(WriteFence fence) {
    connections.write(
        "clear the session",
        fence,
        true,
        connection -> {
          for (SessionSql delete : SessionSql.CLEAR) {
            connection.prepare(delete).executeUpdate();
          }
          return 1;
        });
    knownVault = null;
  }

  @Override
  protected void closeStore() {
    try {
      connections.close();
    } finally {
      leases.close();
    }
  }
}
