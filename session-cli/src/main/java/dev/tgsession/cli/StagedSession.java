package dev.tgsession.cli;

import dev.tgsession.DcOption;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A source read whole, and so checked whole, before anything is written to a target: what makes
 * {@code copy} and {@code import} all-or-nothing when the source turns out damaged half-way. Up to
 * {@link #memoryLimit} peers are held in a {@code memory:} session; more go to an owner-only
 * temporary {@code sqlite:} file (peers and updates state only: the DC options, with their auth
 * keys, stay in memory), deleted on {@link #close()}.
 */
final class StagedSession implements AutoCloseable {

  /** Peers above which a source is staged in a temporary file rather than in memory. */
  static volatile long memoryLimit = 200_000;

  private final Session peers;
  private final @Nullable Path file;
  private final int homeDcId;
  private final Map<Integer, DcOption> dcOptions;
  private final UpdatesState updatesState;
  private final JsonSessionExtras extras;

  private StagedSession(
      Session peers,
      @Nullable Path file,
      int homeDcId,
      Map<Integer, DcOption> dcOptions,
      UpdatesState updatesState,
      JsonSessionExtras extras) {
    this.peers = peers;
    this.file = file;
    this.homeDcId = homeDcId;
    this.dcOptions = dcOptions;
    this.updatesState = updatesState;
    this.extras = extras;
  }

  /** Reads everything {@code source} holds; a failure leaves nothing behind. */
  static StagedSession of(Session source) throws IOException {
    long count = source.peerCount();
    Path file = null;
    Session staging;
    if (count > memoryLimit && Sessions.schemes().contains("sqlite")) {
      file = temporaryFile();
      staging = Sessions.open("sqlite:" + file.toAbsolutePath() + "?peer-cache=0");
    } else {
      staging = Sessions.open("memory:");
    }
    try {
      int homeDcId = source.homeDcId();
      Map<Integer, DcOption> dcOptions = new TreeMap<>(source.dcOptions());
      UpdatesState state = source.updatesState();
      JsonSessionExtras extras = JsonSessionExtras.of(source);
      copyPeers(source, staging, (copied, total) -> {});
      staging.setUpdateState(new UpdateState.All(state));
      return new StagedSession(staging, file, homeDcId, dcOptions, state, extras);
    } catch (RuntimeException | Error e) {
      close(staging, file, e);
      throw e;
    }
  }

  /** Takes over a {@code memory:} session that was filled (and so checked) by a reader. */
  static StagedSession ofMemory(Session filled) {
    return new StagedSession(
        filled,
        null,
        filled.homeDcId(),
        new TreeMap<>(filled.dcOptions()),
        filled.updatesState(),
        JsonSessionExtras.of(filled));
  }

  /** How many peers are staged. */
  long peerCount() {
    return peers.peerCount();
  }

  /** The DC options staged. */
  Collection<DcOption> dcOptions() {
    return dcOptions.values();
  }

  /**
   * Writes what is staged into {@code target} as {@link Sessions#copy} would: peers in batches,
   * then the DC options, the home DC and the updates state.
   *
   * @return how many peers were written
   */
  long writeTo(Session target, Sessions.CopyProgress progress) {
    long copied = copyPeers(peers, target, progress);
    for (DcOption option : dcOptions.values()) {
      target.setDcOption(option);
    }
    // media DCs, temporary keys and the home DC with its family
    extras.writeTo(target, homeDcId);
    target.setUpdateState(new UpdateState.All(updatesState));
    return copied;
  }

  private static long copyPeers(Session from, Session to, Sessions.CopyProgress progress) {
    long total = from.peerCount();
    long copied = 0;
    List<PeerInfo> batch = new ArrayList<>(Sessions.COPY_BATCH_SIZE);
    try (Stream<PeerInfo> stream = from.peers()) {
      var iterator = stream.iterator();
      while (iterator.hasNext()) {
        batch.add(iterator.next());
        if (batch.size() == Sessions.COPY_BATCH_SIZE || !iterator.hasNext()) {
          to.cachePeers(batch);
          copied += batch.size();
          batch.clear();
          progress.peersCopied(copied, total);
        }
      }
    }
    if (copied == 0) {
      progress.peersCopied(0, total);
    }
    return copied;
  }

  private static Path temporaryFile() throws IOException {
    Path dir = Files.createTempDirectory("tgsession-");
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
    return dir.resolve("staged.session");
  }

  @Override
  public void close() {
    close(peers, file, null);
  }

  private static void close(Session session, @Nullable Path file, @Nullable Throwable failure) {
    try {
      session.close();
    } finally {
      if (file != null) {
        try {
          for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
          }
          Files.deleteIfExists(file.getParent());
        } catch (IOException e) {
          if (failure != null) {
            failure.addSuppressed(e);
          } else {
            throw new UncheckedIOException(e);
          }
        }
      }
    }
  }
}
