package dev.tgsession.sqlite;

import dev.tgsession.SessionLease;
import dev.tgsession.spi.LeaseStore;
import dev.tgsession.spi.SessionFailures;
import dev.tgsession.sqlite.SqliteConnections.Control;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Leases in a small SQLite file beside the session, {@code NAME.session-lease} (one row of {@code
 * tgsession_lease}: owner, token, expiry in epoch milliseconds), taken, renewed and released in
 * short {@code BEGIN IMMEDIATE} transactions of its own.
 *
 * <p>Why a file of its own: SQLite has one write lock per file. A lease kept in the session file
 * could only be taken over with that file's write lock, so a holder stopped (SIGSTOP, a long GC, a
 * suspended VM) in the middle of a write kept every other owner out for its whole pause, not for
 * its lease. With the lease beside it, a takeover writes only the lease file, which a holder locks
 * for microseconds (a renewal), never across a session write.
 *
 * <p>Fencing: every write of a session that holds a lease reads the lease file's token at the end
 * of its own transaction, right before {@code COMMIT}, and rolls back on a mismatch ({@link
 * #fencingToken}). The token only grows (the row stays after a release, with no owner); deleting a
 * session through its directory moves it on first ({@link #fenceForDelete}). The clocks compared
 * are those of the processes on one host; a network file system's locks are not trusted for this.
 */
final class SqliteLeaseStore implements LeaseStore {

  /** The lease file's name ending, after the session file's name. */
  static final String SUFFIX = "-lease";

  enum LeaseSql implements Sql {
    CREATE(
        "CREATE TABLE IF NOT EXISTS tgsession_lease (id INTEGER PRIMARY KEY CHECK (id = 0),"
            + " owner TEXT, token INTEGER NOT NULL, expires_at INTEGER NOT NULL)"),
    READ("SELECT owner, token, expires_at FROM tgsession_lease WHERE id = 0"),
    TOKEN("SELECT token FROM tgsession_lease WHERE id = 0"),
    EXISTS("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tgsession_lease'"),
    TAKE(
        "INSERT INTO tgsession_lease (id, owner, token, expires_at) VALUES (0, ?1, ?2, ?3)"
            + " ON CONFLICT (id) DO UPDATE SET owner = ?1, token = ?2, expires_at = ?3"),
    RELEASE("UPDATE tgsession_lease SET owner = NULL, expires_at = 0 WHERE id = 0 AND token = ?"),
    FENCE(
        "UPDATE tgsession_lease SET owner = NULL, expires_at = 0, token = token + 1 WHERE id = 0");

    private final String text;

    LeaseSql(String text) {
      this.text = text;
    }

    @Override
    public String text() {
      return text;
    }
  }

  private record Row(@Nullable String owner, long token, long expiresAt) {

    boolean heldAt(long now) {
      return owner != null && expiresAt > now;
    }

    SessionLease lease() {
      return new SessionLease(String.valueOf(owner), token, Instant.ofEpochMilli(expiresAt));
    }
  }

  /** A unit of work in one transaction of the lease file. */
  @FunctionalInterface
  private interface Work<T> {
    T run(SqliteConnection connection) throws SQLException;
  }

  private final Path sessionFile;
  private final Path file;
  private final String description;
  private final int busyTimeoutMillis;
  private final boolean readOnly;
  private final ReentrantLock lock = new ReentrantLock();

  /** Open from the first acquire until the release: the fence reads it on every write. */
  private @Nullable SqliteConnection connection;

  /** This JVM's use of the lease file while {@link #connection} is open. */
  private WalIndex.@Nullable FileUse use;

  /** The lease file's mapped header, once mapped ({@link #fencingToken}); null: not mapped. */
  private @Nullable LeaseHeader header;

  private boolean mapTried;

  /** The change counter {@link #knownToken} was read at; {@link LeaseHeader#UNKNOWN}: none. */
  private long knownCounter = LeaseHeader.UNKNOWN;

  private long knownToken;

  /** How many times the fence asked SQLite for the token (guarded by the lock; for tests). */
  private long tokenReads;

  SqliteLeaseStore(Path sessionFile, String description, int busyTimeoutMillis, boolean readOnly) {
    this.sessionFile = sessionFile;
    this.file = fileOf(sessionFile);
    this.description = description;
    this.busyTimeoutMillis = busyTimeoutMillis;
    this.readOnly = readOnly;
  }

  /** The lease file of a session file. */
  static Path fileOf(Path sessionFile) {
    return sessionFile.resolveSibling(sessionFile.getFileName() + SUFFIX);
  }

  @Override
  public SessionLease acquire(String owner, Duration length) {
    if (readOnly) {
      throw new IllegalArgumentException(
          "session file "
              + sessionFile
              + " was opened read-only (mode=read-only): it cannot take a lease, which is a write;"
              + " drop the lease option to read it, or open it read-write to hold it");
    }
    lock.lock();
    try {
      boolean opened = connection == null;
      if (opened) {
        SessionFile.createOwnerOnly(file);
      }
      try {
        return transaction(
            "take the lease",
            c -> {
              c.run(LeaseSql.CREATE);
              Row row = read(c);
              long now = System.currentTimeMillis();
              if (row != null && row.heldAt(now)) {
                throw SessionFailures.leased(description, row.lease());
              }
              return take(c, owner, (row == null ? 0 : row.token()) + 1, now, length);
            });
      } catch (RuntimeException e) {
        if (opened) {
          closeConnection(); // refused: hold no descriptor for a lease we do not have
        }
        throw e;
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public SessionLease renew(SessionLease lease, Duration length) {
    lock.lock();
    try {
      return transaction(
          "renew the lease",
          c -> {
            Row row = read(c);
            if (row == null || row.token() != lease.token() || row.owner() == null) {
              throw SessionFailures.leaseLost(description, lease);
            }
            return take(c, lease.owner(), lease.token(), System.currentTimeMillis(), length);
          });
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void release(SessionLease lease) {
    lock.lock();
    try {
      if (connection == null && !Files.exists(file)) {
        return;
      }
      transaction(
          "release the lease",
          c -> {
            if (!tableExists(c)) {
              return 0;
            }
            PreparedStatement release = c.prepare(LeaseSql.RELEASE);
            release.setLong(1, lease.token());
            return release.executeUpdate();
          });
    } finally {
      closeConnection();
      lock.unlock();
    }
  }

  @Override
  public Optional<SessionLease> current() {
    lock.lock();
    try {
      if (connection != null) {
        Row row = read(connection);
        return row != null && row.heldAt(System.currentTimeMillis())
            ? Optional.of(row.lease())
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw SqliteFailures.map(file, "read the lease", e, busyTimeoutMillis);
    } finally {
      lock.unlock();
    }
    return peek(sessionFile, busyTimeoutMillis);
  }

  /**
   * The token the lease file holds now, for the fence of a write (read at the end of the write's
   * transaction, before its commit); -1 when this instance holds no lease file open.
   */
  long fencingToken() throws SQLException {
    lock.lock();
    try {
      SqliteConnection c = connection;
      if (c == null) {
        return -1;
      }
      long counter = changeCounter();
      if (counter != LeaseHeader.UNKNOWN && counter == knownCounter) {
        return knownToken; // no commit to the lease file since the token was read
      }
      long token;
      // the counter was read before this query's snapshot: unchanged later means none since
      try (ResultSet rows = c.prepare(LeaseSql.TOKEN).executeQuery()) {
        token = rows.next() ? rows.getLong(1) : -1;
      }
      tokenReads++;
      knownCounter = counter;
      knownToken = token;
      return token;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The lease file's change counter now, mapping its header on the first call of a connection
   * (under the lock, between the connection's transactions, when it holds no lock of the file);
   * {@link LeaseHeader#UNKNOWN} when it is not mapped.
   */
  private long changeCounter() {
    LeaseHeader mapped = header;
    if (mapped == null && !mapTried) {
      mapTried = true;
      WalIndex.FileUse current = use;
      mapped = current == null ? null : current.whileAlone(() -> LeaseHeader.map(file));
      header = mapped;
    }
    return mapped == null ? LeaseHeader.UNKNOWN : mapped.changeCounter();
  }

  /** How many times the fence asked SQLite for the token (for tests). */
  long tokenReads() {
    lock.lock();
    try {
      return tokenReads;
    } finally {
      lock.unlock();
    }
  }

  /** Closes the lease file (the session closes; the core released the lease before). */
  void close() {
    lock.lock();
    try {
      closeConnection();
    } finally {
      lock.unlock();
    }
  }

  /** The unexpired lease on a session file, read without writing anything; empty when none. */
  static Optional<SessionLease> peek(Path sessionFile, int busyTimeoutMillis) {
    Path file = fileOf(sessionFile);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try (WalIndex.FileUse fileUse = WalIndex.use(file);
        Connection raw = SessionFile.openLockedReadOnly(file, busyTimeoutMillis)) {
      SqliteConnection c = new SqliteConnection(raw);
      try {
        if (!tableExists(c)) {
          return Optional.empty();
        }
        Row row = read(c);
        return row != null && row.heldAt(System.currentTimeMillis())
            ? Optional.of(row.lease())
            : Optional.empty();
      } finally {
        c.close();
      }
    } catch (SQLException e) {
      throw SqliteFailures.map(file, "read the lease", e, busyTimeoutMillis);
    }
  }

  /**
   * Before a directory deletes a session file: in one transaction of the lease file, refuses when
   * another owner holds an unexpired lease (unless {@code force}), and moves the token on, so a
   * holder's next write fails with {@link dev.tgsession.SessionLeaseLostException} instead of
   * landing in the deleted file. Never waits on the session file's own lock.
   */
  static void fenceForDelete(
      Path sessionFile, String description, boolean force, int busyTimeoutMillis) {
    Path file = fileOf(sessionFile);
    if (!Files.isRegularFile(file)) {
      return;
    }
    SqliteConnection c = null;
    WalIndex.FileUse fileUse = WalIndex.use(file); // no other use of this JVM maps it meanwhile
    try {
      c = new SqliteConnection(SessionFile.openReader(file, busyTimeoutMillis));
      SqliteConnection connection = c;
      inTransaction(
          connection,
          () -> {
            if (tableExists(connection)) {
              Row row = read(connection);
              if (!force && row != null && row.heldAt(System.currentTimeMillis())) {
                throw SessionFailures.leased(description, row.lease());
              }
              connection.run(LeaseSql.FENCE);
            }
            return 1;
          });
    } catch (SQLException e) {
      throw SqliteFailures.map(file, "fence the lease before deleting", e, busyTimeoutMillis);
    } finally {
      if (c != null) {
        try {
          c.close();
        } catch (SQLException e) {
          // the file is deleted next; a failed close changes nothing there
        }
      }
      fileUse.close();
    }
  }

  private <T> T transaction(String operation, Work<T> work) {
    try {
      if (connection == null) {
        WalIndex.FileUse opening = WalIndex.use(file);
        try {
          connection = new SqliteConnection(SessionFile.openReader(file, busyTimeoutMillis));
        } catch (SQLException | RuntimeException e) {
          opening.close();
          throw e;
        }
        use = opening;
      }
      SqliteConnection c = connection;
      return inTransaction(c, () -> work.run(c));
    } catch (SQLException e) {
      throw SqliteFailures.map(file, operation, e, busyTimeoutMillis);
    }
  }

  /** The body of a transaction. */
  @FunctionalInterface
  private interface Body<T> {
    T run() throws SQLException;
  }

  private static <T> T inTransaction(SqliteConnection c, Body<T> body) throws SQLException {
    c.run(Control.BEGIN);
    try {
      T result = body.run();
      c.run(Control.COMMIT);
      return result;
    } catch (SQLException | RuntimeException | Error e) {
      try {
        c.run(Control.ROLLBACK);
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    }
  }

  private void closeConnection() {
    SqliteConnection c = connection;
    WalIndex.FileUse current = use;
    connection = null;
    use = null;
    header = null;
    mapTried = false;
    knownCounter = LeaseHeader.UNKNOWN;
    try {
      if (c != null) {
        c.close();
      }
    } catch (SQLException e) {
      // nothing of the lease depends on a clean close: every change was committed or rolled back
    } finally {
      if (current != null) {
        current.close();
      }
    }
  }

  private static boolean tableExists(SqliteConnection connection) throws SQLException {
    try (ResultSet rows = connection.prepare(LeaseSql.EXISTS).executeQuery()) {
      return rows.next();
    }
  }

  private static @Nullable Row read(SqliteConnection connection) throws SQLException {
    if (!tableExists(connection)) {
      return null;
    }
    try (ResultSet rows = connection.prepare(LeaseSql.READ).executeQuery()) {
      return rows.next() ? new Row(rows.getString(1), rows.getLong(2), rows.getLong(3)) : null;
    }
  }

  private static SessionLease take(
      SqliteConnection connection, String owner, long token, long now, Duration length)
      throws SQLException {
    long expiresAt = now + length.toMillis();
    PreparedStatement take = connection.prepare(LeaseSql.TAKE);
    take.setString(1, owner);
    take.setLong(2, token);
    take.setLong(3, expiresAt);
    take.executeUpdate();
    return new SessionLease(owner, token, Instant.ofEpochMilli(expiresAt));
  }
}
