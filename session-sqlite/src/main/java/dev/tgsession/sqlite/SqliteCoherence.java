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
 * connection's. After each of our own writes the writer does that check at once, under its lock, so
 * the readers seldom need the writer; when they do and it is busy, the cache is treated as stale.
 * Without a mapped index (a file system without file keys), every hit asks the writer.
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
    connections.afterEachWrite(this::ownWriteCommitted);
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

  /**
   * Under the writer's lock, right after our own write: the header now reflects it; if nobody else
   * committed meanwhile, that header is current. Else leave the state, so the next hit finds out.
   */
  private void ownWriteCommitted(SqliteConnection writer) throws SQLException {
    WalIndex.Stamp header = index == null ? null : index.read();
    if (dataVersion(writer) == dataVersion) {
      seen = header;
    }
  }

  private static long dataVersion(SqliteConnection writer) throws SQLException {
    try (ResultSet rows = writer.prepare(Pragma.DATA_VERSION).executeQuery()) {
      return rows.next() ? rows.getLong(1) : -1;
    }
  }
}
