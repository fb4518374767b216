package dev.tgsession.sqlite;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The header of a WAL database's shared-memory index (its {@code -shm} file), read through a memory
 * mapping: a few loads tell whether any connection, in any process, committed since the header was
 * last seen. SQLite rewrites the header on every commit (its change counter {@code iChange}, the
 * last frame, the frame checksums) and on every WAL restart (new salts), and a committing writer
 * has written it before its commit returns. The format is SQLite's documented WAL-index layout: the
 * first 48 bytes are the header's first copy.
 *
 * <p>Closing a descriptor of a file releases every POSIX lock this process holds on it, SQLite's
 * own included. So the mapping's descriptor stays open while any connection of this process may use
 * the file: every session (and every short read of a file, such as a directory's summary) holds a
 * {@link FileUse} of its file while its connections are open, and the descriptor is closed when the
 * last use of the file ends, after its connections are closed. A file nobody here uses holds no
 * descriptor.
 */
final class WalIndex {

  private static final int HEADER_BYTES = 48;
  private static final VarHandle LONGS =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

  /** The files in use in this JVM, by absolute normalized path (guarded by WalIndex.class). */
  private static final Map<Path, Shared> FILES = new HashMap<>();

  /** One file's users and mapping (guarded by WalIndex.class). */
  private static final class Shared {
    int users;
    @Nullable Object shmKey;
    @Nullable FileChannel channel;
    @Nullable WalIndex index;
  }

  /** A header as read: six words compared whole. */
  record Stamp(long w0, long w1, long w2, long w3, long w4, long w5) {}

  private final MappedByteBuffer header;

  private WalIndex(MappedByteBuffer header) {
    this.header = header;
  }

  /**
   * One user of a database file in this JVM; {@link #close()} it after closing the connections it
   * covers.
   */
  static final class FileUse implements AutoCloseable {

    private final Path database;
    private final Shared shared;
    private boolean closed;

    private FileUse(Path database, Shared shared) {
      this.database = database;
      this.shared = shared;
    }

    /**
     * Maps the index of the database, which a connection of the caller holds open in WAL mode (so
     * the {@code -shm} file exists and is not replaced meanwhile); null where it cannot be mapped
     * (no {@code -shm} file, a file system without file keys), and the caller then asks SQLite.
     */
    @Nullable WalIndex index() {
      synchronized (WalIndex.class) {
        if (closed) {
          return null;
        }
        Path shm = database.resolveSibling(database.getFileName() + "-shm");
        try {
          Object key = fileKey(shm);
          if (key == null) {
            return null;
          }
          if (shared.channel != null && key.equals(shared.shmKey)) {
            return shared.index;
          }
          if (shared.channel != null) {
            // that inode is no longer the live index (every connection to it had closed): no lock
            // of this process is on it
            shared.channel.close();
            shared.channel = null;
            shared.index = null;
          }
          FileChannel channel = FileChannel.open(shm, StandardOpenOption.READ);
          shared.channel = channel;
          shared.shmKey = key;
          if (channel.size() >= HEADER_BYTES && key.equals(fileKey(shm))) {
            shared.index =
                new WalIndex(channel.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_BYTES));
          }
          return shared.index;
        } catch (IOException | RuntimeException e) {
          return null;
        }
      }
    }

    /** Ends this use; the last one of the file closes the mapping's descriptor. Idempotent. */
    @Override
    public void close() {
      synchronized (WalIndex.class) {
        if (closed) {
          return;
        }
        closed = true;
        if (--shared.users > 0) {
          return;
        }
        FILES.remove(database);
        FileChannel channel = shared.channel;
        shared.channel = null;
        shared.index = null;
        if (channel != null) {
          try {
            channel.close();
          } catch (IOException e) {
            // the descriptor is gone either way
          }
        }
      }
    }
  }

  /** Starts a use of {@code database} (before opening connections to it). */
  static FileUse use(Path database) {
    Path key;
    try {
      key = database.toRealPath(); // one entry per file, whatever path names it
    } catch (IOException e) {
      key = database.toAbsolutePath().normalize();
    }
    synchronized (WalIndex.class) {
      Shared shared = FILES.computeIfAbsent(key, k -> new Shared());
      shared.users++;
      return new FileUse(key, shared);
    }
  }

  /** How many files of this JVM are in use (for tests). */
  static synchronized int filesInUse() {
    return FILES.size();
  }

  /** The header now. */
  Stamp read() {
    return new Stamp(word(0), word(8), word(16), word(24), word(32), word(40));
  }

  /** Whether the header is still {@code stamp}: no commit since it was read. */
  boolean unchangedSince(Stamp stamp) {
    return stamp.w1() == word(8)
        && stamp.w2() == word(16)
        && stamp.w3() == word(24)
        && stamp.w4() == word(32)
        && stamp.w5() == word(40)
        && stamp.w0() == word(0);
  }

  private long word(int offset) {
    return (long) LONGS.getAcquire(header, offset);
  }

  private static @Nullable Object fileKey(Path file) throws IOException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
