package dev.tgsession.sqlite;

import dev.tgsession.AuthKey;
import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionException;
import dev.tgsession.SessionLockedException;
import dev.tgsession.SessionStorageException;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.AbstractSession;
import dev.tgsession.spi.PeerCache;
import dev.tgsession.spi.StoredDcs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A session in one SQLite file, in grammers' format plus {@code tgsession_} tables (see {@link
 * Schema}).
 *
 * <p>Connections: one writer connection behind a lock, and a small pool of reader connections.
 * SQLite admits one writer per file at a time whatever we do, so one writer connection costs no
 * write throughput and keeps each write statement prepared once; serialising our own writers in
 * Java means they never wait in SQLite's busy handler for each other. WAL lets readers run beside
 * the writer and beside each other, so reads from many threads take their own connections (up to
 * {@link #MAX_READERS}, each used by one thread at a time) instead of queueing on the writer's
 * lock. Every multi-statement write starts with {@code BEGIN IMMEDIATE}: it takes the write lock up
 * front, where the busy timeout applies, instead of upgrading a read transaction, which fails at
 * once with SQLITE_BUSY ("database is locked") when another process wrote in between.
 */
final class SqliteSession extends AbstractSession {

  static final int MAX_READERS = 4;
  private static final int PAGE_SIZE = 1000;

  private static final String BEGIN = "BEGIN IMMEDIATE";
  private static final String COMMIT = "COMMIT";
  private static final String ROLLBACK = "ROLLBACK";

  private static final String LOAD_DCS =
      "SELECT 0, dc_id, NULL, NULL, NULL FROM (SELECT dc_id FROM dc_home LIMIT 1)"
          + " UNION ALL SELECT 1, dc_id, ipv4, ipv6, auth_key FROM dc_option";
  private static final String DELETE_HOME_DC = "DELETE FROM dc_home";
  private static final String INSERT_HOME_DC = "INSERT INTO dc_home VALUES (?)";
  private static final String UPSERT_DC_OPTION =
      "INSERT OR REPLACE INTO dc_option VALUES (?, ?, ?, ?)";

  private static final String LOAD_STATE =
      "SELECT 0, pts, qts, date, seq FROM (SELECT pts, qts, date, seq FROM update_state LIMIT 1)"
          + " UNION ALL SELECT 1, peer_id, pts, 0, 0 FROM channel_state";
  private static final String SET_PRIMARY = "UPDATE update_state SET pts = ?, date = ?, seq = ?";
  private static final String INSERT_PRIMARY = "INSERT INTO update_state VALUES (?, 0, ?, ?)";
  private static final String SET_SECONDARY = "UPDATE update_state SET qts = ?";
  private static final String INSERT_SECONDARY = "INSERT INTO update_state VALUES (0, ?, 0, 0)";
  private static final String DELETE_STATE = "DELETE FROM update_state";
  private static final String INSERT_STATE = "INSERT INTO update_state VALUES (?, ?, ?, ?)";
  private static final String DELETE_CHANNELS = "DELETE FROM channel_state";
  private static final String INSERT_CHANNEL = "INSERT INTO channel_state VALUES (?, ?)";
  private static final String UPSERT_CHANNEL =
      "INSERT INTO channel_state VALUES (?, ?) ON CONFLICT (peer_id) DO UPDATE SET pts = excluded.pts";

  private static final List<String> CLEAR =
      List.of(
          "DELETE FROM dc_home",
          "DELETE FROM dc_option",
          "DELETE FROM peer_info",
          "DELETE FROM update_state",
          "DELETE FROM channel_state",
          "DELETE FROM tgsession_peer",
          "DELETE FROM tgsession_username");

  /** A unit of work on one connection. */
  @FunctionalInterface
  private interface Work<T> {
    T run(SqliteConnection connection) throws SQLException;
  }

  private final Path file;
  private final int busyTimeoutMillis;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final SqliteConnection writer;
  private final Semaphore readerPermits = new Semaphore(MAX_READERS);
  private final ConcurrentLinkedDeque<SqliteConnection> idleReaders = new ConcurrentLinkedDeque<>();
  private volatile boolean storeClosed;

  private SqliteSession(
      String description,
      Path file,
      int busyTimeoutMillis,
      Connection writer,
      PeerCache peerCache) {
    super(description, peerCache);
    this.file = file;
    this.busyTimeoutMillis = busyTimeoutMillis;
    this.writer = new SqliteConnection(writer);
  }

  /**
   * Opens (creating if needed) the session file.
   *
   * @throws IncompatibleSessionException if the file is not one this version can use; the file is
   *     then left byte-for-byte as it was
   */
  static SqliteSession open(
      String description, Path file, int busyTimeoutMillis, PeerCache peerCache) {
    SessionFile.createOwnerOnly(file);
    SessionFile.requireSqliteHeader(file, "a session file");
    try {
      if (Files.size(file) > 0) {
        requireUsable(inspect(file, busyTimeoutMillis), file);
      }
    } catch (java.io.IOException e) {
      throw new SessionStorageException("could not read session file " + file + ": " + e, e);
    } catch (SQLException e) {
      throw openFailure(file, e);
    }
    Connection connection = null;
    try {
      connection = SessionFile.openReadWrite(file, busyTimeoutMillis);
      Schema.migrate(connection);
      return new SqliteSession(description, file, busyTimeoutMillis, connection, peerCache);
    } catch (SQLException | RuntimeException e) {
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException closing) {
          e.addSuppressed(closing);
        }
      }
      if (e instanceof SQLException sql) {
        throw openFailure(file, sql);
      }
      throw (RuntimeException) e;
    }
  }

  private static Schema.Contents inspect(Path file, int busyTimeoutMillis) throws SQLException {
    try (Connection inspector = SessionFile.openReadOnly(file, busyTimeoutMillis)) {
      return Schema.read(inspector);
    } catch (SQLException unlocked) {
      // An immutable read can catch a concurrent creator writing the first page: read again
      // under SQLite's locks before calling the file corrupt.
      try (Connection inspector = SessionFile.openLockedReadOnly(file, busyTimeoutMillis)) {
        return Schema.read(inspector);
      } catch (SQLException locked) {
        locked.addSuppressed(unlocked);
        throw locked;
      }
    }
  }

  private static void requireUsable(Schema.Contents contents, Path file) {
    String untouched = " The file was left untouched.";
    if (contents.isEmpty()) {
      return;
    }
    if (contents.ourVersion() > Schema.CURRENT_VERSION) {
      throw new IncompatibleSessionException(
          "expected a session file of tgsession schema version "
              + Schema.CURRENT_VERSION
              + " or older, found version "
              + contents.ourVersion()
              + " at "
              + file
              + " (written by a newer tgsession); open it with that newer version."
              + untouched);
    }
    if (contents.isTelethon()) {
      throw new IncompatibleSessionException(
          "expected a grammers/tgsession session file, found a Telethon .session file at "
              + file
              + "; import it into a new file with 'tgsession import telethon-file "
              + file
              + " sqlite:NEW.session' (or TelethonSessionFile.read(path) and Sessions.copy)."
              + untouched);
    }
    if (!contents.hasGrammersTables()) {
      throw new IncompatibleSessionException(
          "expected a session file (tables "
              + new java.util.TreeSet<>(Schema.GRAMMERS_TABLES)
              + "), found an SQLite database that is not a session, with tables "
              + contents.tables()
              + ", at "
              + file
              + "; check the path."
              + untouched);
    }
    if (contents.userVersion() > Schema.GRAMMERS_VERSION) {
      throw new IncompatibleSessionException(
          "expected a grammers session file of user_version "
              + Schema.GRAMMERS_VERSION
              + ", found user_version "
              + contents.userVersion()
              + " at "
              + file
              + " (a newer grammers format); use a tgsession version that reads it."
              + untouched);
    }
  }

  private static SessionException openFailure(Path file, SQLException e) {
    if (e instanceof SQLiteException sqlite) {
      int primary = sqlite.getResultCode().code & 0xFF;
      if (primary == SQLiteErrorCode.SQLITE_NOTADB.code
          || primary == SQLiteErrorCode.SQLITE_CORRUPT.code) {
        return new IncompatibleSessionException(
            "expected a session file (an SQLite database), found a corrupt or non-SQLite file at "
                + file
                + "; check the path",
            e);
      }
      if (primary == SQLiteErrorCode.SQLITE_BUSY.code
          || primary == SQLiteErrorCode.SQLITE_LOCKED.code) {
        return new SessionLockedException(
            "could not open session file "
                + file
                + ": another connection held it locked past the busy timeout; retry, or raise"
                + " the option busy-timeout",
            e);
      }
    }
    return new SessionStorageException(
        "could not open session file " + file + ": " + e.getMessage(), e);
  }

  // ---- DCs ----------------------------------------------------------------------------------

  @Override
  protected StoredDcs loadDcs() {
    return read(
        "read the DC options",
        connection -> {
          int home = 0;
          Map<Integer, DcOption> options = new TreeMap<>();
          try (ResultSet rows = connection.prepare(LOAD_DCS).executeQuery()) {
            while (rows.next()) {
              if (rows.getInt(1) == 0) {
                home = Math.max(0, rows.getInt(2));
              } else {
                DcOption option = decodeDcOption(rows);
                options.put(option.id(), option);
              }
            }
          }
          return new StoredDcs(home, options);
        });
  }

  private DcOption decodeDcOption(ResultSet row) throws SQLException {
    int id = row.getInt(2);
    String ipv4 = row.getString(3);
    String ipv6 = row.getString(4);
    byte[] key = row.getBytes(5);
    try {
      return new DcOption(
          id,
          GrammersEncoding.parseIpv4(ipv4),
          GrammersEncoding.parseIpv6(ipv6),
          key == null ? null : AuthKey.of(key));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IncompatibleSessionException(
          "expected dc_option row " + id + " in grammers' encoding, found: " + e.getMessage(), e);
    }
  }

  @Override
  protected void storeHomeDcId(int dcId) {
    write(
        "store the home DC",
        true,
        connection -> {
          connection.prepare(DELETE_HOME_DC).executeUpdate();
          PreparedStatement insert = connection.prepare(INSERT_HOME_DC);
          insert.setInt(1, dcId);
          return insert.executeUpdate();
        });
  }

  @Override
  protected void storeDcOption(DcOption option) {
    write(
        "store a DC option",
        false,
        connection -> {
          PreparedStatement upsert = connection.prepare(UPSERT_DC_OPTION);
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
        });
  }

  // ---- peers --------------------------------------------------------------------------------

  @Override
  protected @Nullable PeerInfo loadPeer(PeerId id) {
    return read(
        "read a peer",
        connection -> {
          PreparedStatement select = connection.prepare(PeerTable.BY_ID);
          select.setLong(1, id.botApiDialogId());
          return first(select);
        });
  }

  @Override
  protected PeerInfo.@Nullable User loadSelfUser() {
    return (PeerInfo.User)
        read("read the self user", connection -> first(connection.prepare(PeerTable.SELF_USER)));
  }

  @Override
  protected @Nullable PeerInfo loadPeerByUsername(String username) {
    return read(
        "look up a username",
        connection -> {
          PreparedStatement select = connection.prepare(PeerTable.BY_USERNAME);
          select.setString(1, username);
          return first(select);
        });
  }

  @Override
  protected @Nullable PeerInfo loadPeerByPhone(String phone) {
    return read(
        "look up a phone number",
        connection -> {
          PreparedStatement select = connection.prepare(PeerTable.BY_PHONE);
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
  protected void storePeers(List<PeerInfo> reducedBatch) {
    if (reducedBatch.size() == 1 && PeerTable.onlyPeerInfo(reducedBatch.get(0))) {
      // One statement: autocommit is atomic and takes the write lock under the busy handler.
      PeerInfo peer = reducedBatch.get(0);
      String plain = PeerTable.plain(peer);
      write(
          "cache a peer",
          false,
          connection -> {
            if (plain != null) {
              PreparedStatement upsert = connection.prepare(plain);
              PeerTable.bindPlain(upsert, plain, peer);
              return upsert.executeUpdate();
            }
            PreparedStatement upsert = connection.prepare(PeerTable.UPSERT_PEER_INFO);
            PeerTable.bindPeerInfo(upsert, peer, false);
            return upsert.executeUpdate();
          });
      return;
    }
    write("cache peers", true, connection -> store(connection, reducedBatch));
  }

  /**
   * Writes a reduced batch. Each statement kind runs as one JDBC batch, in an order that is correct
   * because the batch claims no username, phone or self flag twice: first the claims are taken from
   * other peers, then usernames are rewritten, then our rows are merged (reading grammers' rows as
   * they were), then grammers' rows. Plain records (an id and at most an access hash, see {@link
   * PeerTable#plain}) take the raw upserts, which leave {@code subtype} and our tables alone.
   */
  private static int store(SqliteConnection connection, List<PeerInfo> batch) throws SQLException {
    PreparedStatement unsetSelfExtra = null;
    PreparedStatement unsetSelf = null;
    PreparedStatement releasePhone = null;
    PreparedStatement deleteUsernames = null;
    PreparedStatement claimUsername = null;
    PreparedStatement userExtra = null;
    PreparedStatement channelExtra = null;
    PreparedStatement peerInfo = null;
    PreparedStatement upsertHash = null;
    PreparedStatement insertId = null;
    for (PeerInfo peer : batch) {
      String plain = PeerTable.plain(peer);
      if (plain != null) {
        PreparedStatement statement;
        if (plain.equals(PeerTable.UPSERT_HASH)) {
          statement = upsertHash == null ? connection.prepare(plain) : upsertHash;
          upsertHash = statement;
        } else {
          statement = insertId == null ? connection.prepare(plain) : insertId;
          insertId = statement;
        }
        PeerTable.bindPlain(statement, plain, peer);
        statement.addBatch();
        continue;
      }
      long id = peer.peerId().botApiDialogId();
      boolean extra = !PeerTable.onlyPeerInfo(peer);
      if (peer instanceof PeerInfo.User user) {
        if (user.isSelf()) {
          unsetSelfExtra = connection.prepare(PeerTable.UNSET_OTHER_SELF_EXTRA);
          unsetSelfExtra.setLong(1, id);
          unsetSelfExtra.addBatch();
          unsetSelf = connection.prepare(PeerTable.UNSET_OTHER_SELF);
          unsetSelf.setLong(1, id);
          unsetSelf.addBatch();
        }
        if (user.phone() != null) {
          releasePhone = connection.prepare(PeerTable.RELEASE_PHONE);
          releasePhone.setString(1, user.phone());
          releasePhone.setLong(2, id);
          releasePhone.addBatch();
        }
        if (extra) {
          userExtra = connection.prepare(PeerTable.UPSERT_USER_EXTRA);
          PeerTable.bindUserExtra(userExtra, user);
          userExtra.addBatch();
        }
      } else if (peer instanceof PeerInfo.Channel channel && extra) {
        channelExtra = connection.prepare(PeerTable.UPSERT_CHANNEL_EXTRA);
        PeerTable.bindChannelExtra(channelExtra, channel);
        channelExtra.addBatch();
      }
      List<String> usernames = peer.usernames();
      if (usernames != null) {
        deleteUsernames = connection.prepare(PeerTable.DELETE_USERNAMES);
        deleteUsernames.setLong(1, id);
        deleteUsernames.addBatch();
        for (int i = 0; i < usernames.size(); i++) {
          claimUsername = connection.prepare(PeerTable.CLAIM_USERNAME);
          claimUsername.setString(1, usernames.get(i));
          claimUsername.setLong(2, id);
          claimUsername.setInt(3, i);
          claimUsername.addBatch();
        }
      }
      peerInfo = connection.prepare(PeerTable.UPSERT_PEER_INFO);
      PeerTable.bindPeerInfo(peerInfo, peer, extra && peer instanceof PeerInfo.User);
      peerInfo.addBatch();
    }
    int changed = 0;
    for (PreparedStatement statement :
        new PreparedStatement[] {
          unsetSelfExtra,
          unsetSelf,
          releasePhone,
          deleteUsernames,
          claimUsername,
          userExtra,
          channelExtra,
          peerInfo,
          upsertHash,
          insertId
        }) {
      if (statement != null) {
        for (int count : statement.executeBatch()) {
          changed += Math.max(count, 0);
        }
      }
    }
    return changed;
  }

  /**
   * Updates the single update_state row; only when it does not exist yet (the first write), runs
   * the update again and the insert in one transaction. After the first write this is one UPDATE in
   * autocommit.
   */
  private void updateStateRow(Work<Integer> update, Work<Integer> insert) {
    if (write("store the update state", false, update) == 0) {
      write(
          "store the update state",
          true,
          connection -> update.run(connection) > 0 ? 1 : insert.run(connection));
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
    return read(
        "read the peers",
        connection -> {
          PreparedStatement select = connection.prepare(PeerTable.PAGE);
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
    return read(
        "count the peers",
        connection -> {
          try (ResultSet rows = connection.prepare(PeerTable.COUNT).executeQuery()) {
            return rows.next() ? rows.getLong(1) : 0L;
          }
        });
  }

  // ---- updates state ------------------------------------------------------------------------

  @Override
  protected UpdatesState loadUpdatesState() {
    return read(
        "read the updates state",
        connection -> {
          int pts = 0;
          int qts = 0;
          int date = 0;
          int seq = 0;
          List<ChannelState> channels = new ArrayList<>();
          try (ResultSet rows = connection.prepare(LOAD_STATE).executeQuery()) {
            while (rows.next()) {
              try {
                if (rows.getInt(1) == 0) {
                  pts = rows.getInt(2);
                  qts = rows.getInt(3);
                  date = rows.getInt(4);
                  seq = rows.getInt(5);
                } else {
                  channels.add(new ChannelState(rows.getLong(2), rows.getInt(3)));
                }
              } catch (IllegalArgumentException e) {
                throw new IncompatibleSessionException(
                    "expected a valid channel_state row, found: " + e.getMessage(), e);
              }
            }
          }
          try {
            return new UpdatesState(pts, qts, date, seq, channels);
          } catch (IllegalArgumentException e) {
            throw new IncompatibleSessionException(
                "expected a valid update_state row, found: " + e.getMessage(), e);
          }
        });
  }

  @Override
  protected void storeUpdateState(UpdateState update) {
    if (update instanceof UpdateState.Channel channel) {
      write(
          "store a channel's pts",
          false,
          connection -> {
            PreparedStatement upsert = connection.prepare(UPSERT_CHANNEL);
            upsert.setLong(1, channel.id());
            upsert.setInt(2, channel.pts());
            return upsert.executeUpdate();
          });
    } else if (update instanceof UpdateState.Primary primary) {
      Work<Integer> set =
          connection -> {
            PreparedStatement statement = connection.prepare(SET_PRIMARY);
            statement.setInt(1, primary.pts());
            statement.setInt(2, primary.date());
            statement.setInt(3, primary.seq());
            return statement.executeUpdate();
          };
      updateStateRow(
          set,
          connection -> {
            PreparedStatement insert = connection.prepare(INSERT_PRIMARY);
            insert.setInt(1, primary.pts());
            insert.setInt(2, primary.date());
            insert.setInt(3, primary.seq());
            return insert.executeUpdate();
          });
    } else if (update instanceof UpdateState.Secondary secondary) {
      Work<Integer> set =
          connection -> {
            PreparedStatement statement = connection.prepare(SET_SECONDARY);
            statement.setInt(1, secondary.qts());
            return statement.executeUpdate();
          };
      updateStateRow(
          set,
          connection -> {
            PreparedStatement insert = connection.prepare(INSERT_SECONDARY);
            insert.setInt(1, secondary.qts());
            return insert.executeUpdate();
          });
    } else if (update instanceof UpdateState.All all) {
      UpdatesState state = all.state();
      write(
          "store the update state",
          true,
          connection -> {
            connection.prepare(DELETE_STATE).executeUpdate();
            PreparedStatement insert = connection.prepare(INSERT_STATE);
            insert.setInt(1, state.pts());
            insert.setInt(2, state.qts());
            insert.setInt(3, state.date());
            insert.setInt(4, state.seq());
            insert.executeUpdate();
            connection.prepare(DELETE_CHANNELS).executeUpdate();
            if (!state.channels().isEmpty()) {
              PreparedStatement channels = connection.prepare(INSERT_CHANNEL);
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

  // ---- lifecycle ----------------------------------------------------------------------------

  @Override
  protected void clearStore() {
    write(
        "clear the session",
        true,
        connection -> {
          for (String delete : CLEAR) {
            connection.prepare(delete).executeUpdate();
          }
          return 1;
        });
  }

  @Override
  protected void closeStore() {
    storeClosed = true;
    SQLException failure = null;
    writeLock.lock();
    try {
      writer.close();
    } catch (SQLException e) {
      failure = e;
    } finally {
      writeLock.unlock();
    }
    SQLException readers = closeIdleReaders();
    failure = failure == null ? readers : failure;
    if (failure != null) {
      throw new SessionStorageException(
          "could not close session file " + file + " cleanly: " + failure.getMessage(), failure);
    }
  }

  private @Nullable SQLException closeIdleReaders() {
    SQLException failure = null;
    SqliteConnection reader;
    while ((reader = idleReaders.pollFirst()) != null) {
      try {
        reader.close();
      } catch (SQLException e) {
        failure = failure == null ? e : failure;
      }
    }
    return failure;
  }

  // ---- connections --------------------------------------------------------------------------

  private <T> T read(String action, Work<T> work) {
    readerPermits.acquireUninterruptibly();
    SqliteConnection reader = null;
    try {
      ensureOpen();
      reader = idleReaders.pollFirst();
      if (reader == null) {
        reader = new SqliteConnection(SessionFile.openReader(file, busyTimeoutMillis));
      }
      return work.run(reader);
    } catch (SQLException e) {
      throw failure(action, e);
    } finally {
      if (reader != null) {
        idleReaders.offerFirst(reader);
        if (storeClosed) {
          closeIdleReaders();
        }
      }
      readerPermits.release();
    }
  }

  private <T> T write(String action, boolean transaction, Work<T> work) {
    writeLock.lock();
    try {
      ensureOpen();
      if (!transaction) {
        return work.run(writer);
      }
      writer.run(BEGIN);
      try {
        T result = work.run(writer);
        writer.run(COMMIT);
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        try {
          writer.run(ROLLBACK);
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw failure(action, e);
    } finally {
      writeLock.unlock();
    }
  }

  private SessionException failure(String action, SQLException e) {
    if (e instanceof SQLiteException sqlite) {
      int primary = sqlite.getResultCode().code & 0xFF;
      if (primary == SQLiteErrorCode.SQLITE_BUSY.code
          || primary == SQLiteErrorCode.SQLITE_LOCKED.code) {
        return new SessionLockedException(
            "could not "
                + action
                + " in "
                + file
                + ": another connection held the file locked for more than busy-timeout="
                + busyTimeoutMillis
                + " ms; retry, or raise the option busy-timeout",
            e);
      }
      if (primary == SQLiteErrorCode.SQLITE_CORRUPT.code
          || primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
        return new IncompatibleSessionException(
            "could not "
                + action
                + " in "
                + file
                + ": the file is corrupt ("
                + e.getMessage()
                + ")",
            e);
      }
    }
    return new SessionStorageException(
        "could not " + action + " in " + file + ": " + e.getMessage(), e);
  }
}
