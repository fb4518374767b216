package dev.tgsession.sqlite;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.KnownDcs;
import dev.tgsession.Session;
import dev.tgsession.SessionLease;
import dev.tgsession.SessionStorageException;
import dev.tgsession.SessionStore;
import dev.tgsession.SessionSummary;
import dev.tgsession.Sessions;
import dev.tgsession.spi.KeyVaults;
import dev.tgsession.spi.SessionFailures;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The sessions of a directory ({@code sqlite:/var/sessions/}): each {@code NAME.session} file is
 * the session {@code NAME} (see {@link SqliteTarget#requireName} for the names). Summaries are read
 * on a read-only connection that changes nothing in the file (immutable when no WAL is present, so
 * not even side files are made); files that are not sessions of this format (Telethon's, damaged,
 * newer) are left out of the list. {@link #delete} first fences any lease holder (the token of the
 * lease file moves on, so a holder's next write fails), then removes the file, its {@code -wal},
 * {@code -shm} and {@code -journal}, and its lease file.
 */
final class SqliteDirectory implements SessionStore {

  private static final String SELF =
      "SELECT peer_id FROM peer_info WHERE subtype & 1 = 1 AND peer_id BETWEEN 1 AND "
          + 0xFF_FFFF_FFFFL
          + " ORDER BY peer_id LIMIT 1";

  /** What a session file has beside it: SQLite's side files and the lease file with its own. */
  private static final List<String> SIDE_FILES =
      List.of(
          "-wal",
          "-shm",
          "-journal",
          SqliteLeaseStore.SUFFIX,
          SqliteLeaseStore.SUFFIX + "-journal",
          SqliteLeaseStore.SUFFIX + "-wal",
          SqliteLeaseStore.SUFFIX + "-shm");

  private final Path directory;
  private final String sessionUriBase;
  private final String query;
  private final String description;
  private final int busyTimeoutMillis;

  /**
   * @param raw the store URI as given (its options are handed to each session opened from it)
   */
  SqliteDirectory(Path directory, String raw, String description, int busyTimeoutMillis) {
    this.directory = directory;
    int question = raw.indexOf('?');
    String base = question < 0 ? raw : raw.substring(0, question);
    this.sessionUriBase = base.endsWith("/") ? base : base + "/";
    this.query = question < 0 ? "" : raw.substring(question);
    this.description = description;
    this.busyTimeoutMillis = busyTimeoutMillis;
  }

  @Override
  public Stream<SessionSummary> list(String namePrefix) {
    Objects.requireNonNull(namePrefix, "namePrefix");
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.session")) {
      for (Path file : files) {
        String name = SqliteTarget.nameOf(file);
        if (name != null && name.startsWith(namePrefix) && Files.isRegularFile(file)) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw SessionFailures.storage(description, "list the session files", e);
    }
    names.sort(null); // String order: UTF-16 code units, case-sensitive
    // one file read per summary, as the stream is consumed
    return names.stream().map(this::readListed).filter(Objects::nonNull);
  }

  private @Nullable SessionSummary readListed(String name) {
    try {
      return read(name);
    } catch (IncompatibleSessionException e) {
      return null; // not a session of this format: not listed
    }
  }

  @Override
  public Optional<SessionSummary> summary(String name) {
    SqliteTarget.requireName(name);
    return Optional.ofNullable(read(name));
  }

  @Override
  public Session open(String name) {
    SqliteTarget.requireName(name);
    return Sessions.open(sessionUriBase + name + SqliteTarget.SUFFIX + query);
  }

  @Override
  public boolean delete(String name) {
    return delete(name, false);
  }

  @Override
  public boolean forceDelete(String name) {
    return delete(name, true);
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public void close() {
    // nothing held between calls
  }

  @Override
  public String toString() {
    return "SqliteDirectory[" + description + "]";
  }

  // ---- summaries ----------------------------------------------------------------------------

  private @Nullable SessionSummary read(String name) {
    Path file = SqliteTarget.fileOf(directory, name);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    // a use of the file while its connection is open, so that a session of this JVM closing
    // meanwhile keeps the WAL index's descriptor (and SQLite's locks) until this read is done
    WalIndex.FileUse use = WalIndex.use(file);
    try {
      SessionFile.requireSqliteHeader(file, "a session file");
      if (Files.size(file) == 0) {
        return null; // created, not yet written: a session from its first write on
      }
      Instant updatedAt = lastWrite(file);
      try {
        return SqliteFileOpener.readSettled(
            file,
            busyTimeoutMillis,
            connection -> {
              Schema.Contents contents = FileInspection.requireUsable(connection, file);
              if (contents.isEmpty()) {
                return null;
              }
              return summarize(
                  name,
                  connection,
                  contents,
                  updatedAt,
                  SqliteLeaseStore.peek(file, busyTimeoutMillis));
            });
      } catch (SQLException e) {
        throw SqliteFileOpener.inspectionFailure(file, e, busyTimeoutMillis);
      }
    } catch (NoSuchFileException e) {
      return null; // deleted meanwhile
    } catch (IOException e) {
      throw SessionFailures.storage(description, "read the summary of '" + name + "'", e);
    } finally {
      use.close();
    }
  }

  private static SessionSummary summarize(
      String name,
      Connection connection,
      Schema.Contents contents,
      @Nullable Instant updatedAt,
      Optional<SessionLease> lease)
      throws SQLException {
    try (Statement statement = connection.createStatement()) {
      int home = KnownDcs.DEFAULT_HOME_DC;
      try (ResultSet rows = statement.executeQuery("SELECT dc_id FROM dc_home LIMIT 1")) {
        if (rows.next() && rows.getInt(1) > 0) {
          home = rows.getInt(1);
        }
      }
      Long self = null;
      try (ResultSet rows = statement.executeQuery(SELF)) {
        if (rows.next()) {
          self = rows.getLong(1);
        }
      }
      long peers;
      try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM peer_info")) {
        peers = rows.next() ? rows.getLong(1) : 0;
      }
      String fingerprint = null;
      if (contents.tables().contains("tgsession_key_vault")) {
        try (ResultSet rows =
            statement.executeQuery("SELECT vault FROM tgsession_key_vault WHERE id = 1")) {
          if (rows.next()) {
            fingerprint = fingerprint(rows.getBytes(1));
          }
        }
      }
      return new SessionSummary(name, home, self, peers, updatedAt, lease, fingerprint);
    }
  }

  /** The fingerprint a key vault names (nothing else of the vault is read). */
  static @Nullable String fingerprint(byte @Nullable [] vault) {
    return KeyVaults.fingerprint(vault);
  }

  /** The later modification time of the file and its WAL (a commit may sit in the WAL). */
  private static @Nullable Instant lastWrite(Path file) throws IOException {
    Instant main = Files.getLastModifiedTime(file).toInstant();
    Path wal = file.resolveSibling(file.getFileName() + "-wal");
    try {
      Instant walTime = Files.getLastModifiedTime(wal).toInstant();
      return walTime.isAfter(main) ? walTime : main;
    } catch (NoSuchFileException e) {
      return main;
    }
  }

  // ---- delete -------------------------------------------------------------------------------

  private boolean delete(String name, boolean force) {
    Path file = SqliteTarget.fileOf(directory, name);
    if (!Files.isRegularFile(file)) {
      return false;
    }
    String what = description + " session '" + name + "'";
    try {
      SqliteLeaseStore.fenceForDelete(file, what, force, busyTimeoutMillis);
      boolean removed = Files.deleteIfExists(file);
      for (String side : SIDE_FILES) {
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + side));
      }
      return removed;
    } catch (IOException e) {
      throw new SessionStorageException(
          SqliteFailures.message(file, "delete the session", SqliteFailures.cause(e)), e);
    }
  }
}
