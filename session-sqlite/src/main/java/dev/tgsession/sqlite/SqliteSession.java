package dev.tgsession.sqlite;

import dev.tgsession.AuthKey;
import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
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

  private final SqliteConnections connections;
  private final @Nullable PeerCacheCoherence coherence;
  private final @Nullable SqliteLeaseStore leases;

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
      @Nullable PeerCacheCoherence coherence,
      boolean readOnly) {
    super(description, peerCache);
    this.connections = connections;
    this.coherence = coherence;
    // Read-only sessions get one too, for current() (tgsession info shows the holder); it refuses
    // to acquire.
    this.leases = new SqliteLeaseStore(connections, description);
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
      return rows.next() ? PeerTable.decode(rows) : null;
    }
  }

  @Override
  protected void storePeers(List<PeerInfo> reducedBatch, Instant cachedAt, WriteFence fence) {
    if (PeerWrites.singleStatement(reducedBatch)) {
      // One statement: autocommit is atomic and takes the write lock under the busy handler.
      PeerInfo peer = reducedBatch.get(0);
      connections.write(
          "cache a peer", fence, false, connection -> PeerWrites.writeOne(connection, peer));
      return;
    }
    connections.write(
        "cache peers", fence, true, connection -> PeerWrites.write(connection, reducedBatch));
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
              page.add(PeerTable.decode(rows));
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

  @Override
  protected void storeUpdateState(UpdateState update, WriteFence fence) {
    if (update instanceof UpdateState.Channel channel) {
      connections.write(
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
      connections.write(
          "store the update state",
          fence,
          true,
          connection -> {
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
          });
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
    if (connections.write("store the update state", fence, false, set) == 0) {
      connections.write(
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
    connections.close();
  }
}
