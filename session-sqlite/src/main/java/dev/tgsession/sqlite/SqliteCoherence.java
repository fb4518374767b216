package dev.tgsession.sqlite;

import java.sql.ResultSet;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * Tells whether the cached peers may still be served, that is whether no other connection (another
 * instance, another process) committed since they were read. A hit reads the WAL index header
 * ({@link WalIndex}): six memory loads. When the header changed, the writer's {@code PRAGMA
 * data_version}, which changes with other connections' commits and not with its own, tells our own
 * commits (already applied to the cache by {@link dev.tgsession.spi.AbstractSession}) from another
 * connection's. A write of ours in a transaction that found the header unchanged right after taking
 * the write lock knows the header after its commit is current without asking; after any other write
 * of ours the next hit asks (once). When a reader needs the writer for that and it is busy, the
 * cache is treated as stale. Without a mapped index (a file system without file keys), every hit
 * asks the writer.
 */
final class SqliteCoherence {

  private enum Pragma implements Sql {
    DATA_VERSION("PRAGMA data_version");

    private final String text;

    Pragma(String text) {
      this.text = text;
    }

    @Override
    public String text() {
      return text;
    }
  }

  private final SqliteConnections connections;
  private final @Nullable WalIndex index;
  private volatile WalIndex.@Nullable Stamp seen;
  private volatile long dataVersion = -1;

  SqliteCoherence(SqliteConnections connections, @Nullable WalIndex index) {
    this.connections = connections;
    this.index = index;
    connections.withIdleWriter(writer -> synchronize(writer, () -> {}));
    connections.afterEachWrite(new OwnWrites());
  }

  /** Whether the index could be mapped (else every hit asks the writer). */
  boolean usesWalIndex() {
    return index != null;
  }

  /**
   * Whether the cache is current. When another connection committed, {@code changedElsewhere} runs
   * (it empties the cache) before any later call can answer true.
   */
  boolean current(Runnable changedElsewhere) {
    WalIndex.Stamp stamp = seen;
    if (stamp != null && index != null && index.unchangedSince(stamp)) {
      return true;
    }
    Boolean same = connections.withIdleWriter(writer -> synchronize(writer, changedElsewhere));
    return same != null && same;
  }

  /** Under the writer's lock: compares data_version, empties the cache on another's commit. */
  private boolean synchronize(SqliteConnection writer, Runnable changedElsewhere)
      throws SQLException {
    WalIndex.Stamp header = index == null ? null : index.read();
    long version = dataVersion(writer);
    boolean same = version == dataVersion;
    if (!same) {
      changedElsewhere.run();
      dataVersion = version;
    }
    seen = header;
    return same;
  }

  /** The file's observer of our own writes (see {@link SqliteConnections#afterEachWrite}). */
  private final class OwnWrites implements SqliteConnections.WriteObserver {

    @Override
    public boolean alone() {
      WalIndex.Stamp stamp = seen;
      return stamp != null && index != null && index.unchangedSince(stamp);
    }

    /**
     * Under the writer's lock, right after our own write. When the write's transaction found the
     * header unchanged since the cache was last known current, and it held the write lock from then
     * to its commit, its commit is the only one since: the header now is current, known without
     * asking SQLite. Else (an autocommit write, or another commit came first) the next hit finds
     * out through {@code PRAGMA data_version}: asking only then costs a write nothing, and many
     * writes between two hits ask once.
     */
    @Override
    public void written(boolean alone) {
      seen = alone && index != null ? index.read() : null;
    }
  }

  /**
   * The connection's {@code PRAGMA data_version}: it moves with every other connection's commit.
   */
  static long dataVersion(SqliteConnection writer) throws SQLException {
    try (ResultSet rows = writer.prepare(Pragma.DATA_VERSION).executeQuery()) {
      return rows.next() ? rows.getLong(1) : -1;
    }
  }
}
