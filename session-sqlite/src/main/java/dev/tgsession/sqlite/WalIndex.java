package dev.tgsession.sqlite;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The header of a WAL database's shared-memory index (its {@code -shm} file), read through a memory
 * mapping: a few loads tell whether any connection, in any process, committed since the header was
 * last seen. SQLite rewrites the header on every commit (its change counter {@code iChange}, the
 * last frame, the frame checksums) and on every WAL restart (new salts), and a committing writer
 * has written it before its commit returns. The format is SQLite's documented WAL-index layout: the
 * first 48 bytes are the header's first copy.
 *
 * <p>The mapping holds no descriptor. Closing a descriptor of a file releases every POSIX lock this
 * process holds on it, SQLite's own included, so the {@code -shm} file is opened, mapped and closed
 * again <em>before</em> the first connection of this JVM to the database opens ({@link
 * FileUse#mapBeforeConnecting}), while this process holds no lock on it; SQLite then opens the same
 * file and initialises it, and once its connection is open the mapping is checked to be of the file
 * SQLite uses ({@link FileUse#index}). An open session file thus costs the descriptors of SQLite's
 * one connection (the database, its WAL, its {@code -shm}) and nothing more. Every session (and
 * every short read of a file, such as a directory's summary) holds a {@link FileUse} of its file
 * while its connections are open; the mapping is dropped with the last use. Where the file cannot
 * be mapped so (another use of this JVM already had it open, a file system without file keys, no
 * write access to create the {@code -shm} file), {@link FileUse#index} is null and the caller asks
 * SQLite instead.
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
    @Nullable WalIndex index;
    boolean verified;
  }

  /** A header as read: six words compared whole. */
  record Stamp(long w0, long w1, long w2, long w3, long w4, long w5) {}

  private final MappedByteBuffer header;

  /** Erasing writes of this JVM under way on the file (see {@link #eraseBegins}). */
  private final AtomicInteger erasers = new AtomicInteger();

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
     * Maps the {@code -shm} header, creating the file (with the database's permissions) or growing
     * it to the header's size where needed, and closes the descriptor at once; call it before this
     * use opens any connection. Does nothing unless this is the only use of the file in this JVM
     * (another use may have connections open, whose locks the close would release) or when the file
     * is already mapped.
     */
    void mapBeforeConnecting() {
      synchronized (WalIndex.class) {
        if (closed || shared.users != 1 || shared.index != null) {
          return;
        }
        Path shm = shm(database);
        try {
          createLike(database, shm);
          Object key = fileKey(shm);
          if (key == null) {
            return;
          }
          MappedByteBuffer header;
          try (FileChannel channel = openGrown(shm)) {
            if (channel == null) {
              return;
            }
            header = channel.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_BYTES);
          }
          if (key.equals(fileKey(shm))) {
            shared.index = new WalIndex(header);
            shared.shmKey = key;
            shared.verified = false;
          }
        } catch (IOException | RuntimeException e) {
          shared.index = null; // the caller asks SQLite instead
        }
      }
    }

    /**
     * The mapped index, once a connection of the caller holds the database open in WAL mode (so
     * SQLite has opened the {@code -shm} file, which is not replaced while it is open): null where
     * it was not mapped before connecting or SQLite uses another file than the one mapped (another
     * process removed and created it in between), and the caller then asks SQLite.
     */
    @Nullable WalIndex index() {
      synchronized (WalIndex.class) {
        if (closed || shared.index == null) {
          return null;
        }
        if (!shared.verified) {
          Object key;
          try {
            key = fileKey(shm(database));
          } catch (IOException | RuntimeException e) {
            key = null;
          }
          if (key == null || !key.equals(shared.shmKey)) {
            shared.index = null;
            return null;
          }
          shared.verified = true;
        }
        return shared.index;
      }
    }

    /**
     * Runs {@code work} while this is the only use of the file in this JVM, holding every other use
     * off until it returns (so no connection of another use is open while it opens and closes a
     * descriptor of the file); null when another use exists or this one is closed.
     */
    <T> @Nullable T whileAlone(Supplier<@Nullable T> work) {
      synchronized (WalIndex.class) {
        return closed || shared.users != 1 ? null : work.get();
      }
    }

    /** Ends this use; the last one of the file drops the mapping. Idempotent. */
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
        shared.index = null;
        shared.shmKey = null;
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

  /**
   * Marks an erasing write of this JVM under way on the file until {@link #eraseEnds}: its
   * truncating checkpoint waits for every read transaction on the WAL, so the read transactions
   * other sessions of this JVM hold between reads ({@link HeldRead}) end at their next read and are
   * not begun again meanwhile.
   */
  void eraseBegins() {
    erasers.incrementAndGet();
  }

  /** Ends what {@link #eraseBegins} marked. */
  void eraseEnds() {
    erasers.decrementAndGet();
  }

  /** Whether an erasing write of this JVM is under way on the file. */
  boolean erasing() {
    return erasers.get() > 0;
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

  private static Path shm(Path database) {
    return database.resolveSibling(database.getFileName() + "-shm");
  }

  /** Creates {@code shm} with the permissions of {@code database} unless it exists. */
  private static void createLike(Path database, Path shm) throws IOException {
    if (Files.exists(shm)) {
      return;
    }
    try {
      if (shm.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(database);
        Files.createFile(shm, PosixFilePermissions.asFileAttribute(permissions));
      } else {
        Files.createFile(shm);
      }
    } catch (FileAlreadyExistsException e) {
      // another process created it first
    }
  }

  /**
   * Opens {@code shm} for reading, at least {@link #HEADER_BYTES} long (a shorter file is grown
   * with zeros, which SQLite overwrites when it initialises the index); null when it is shorter and
   * cannot be written.
   */
  private static @Nullable FileChannel openGrown(Path shm) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(shm, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (AccessDeniedException e) {
      channel = FileChannel.open(shm, StandardOpenOption.READ);
    }
    try {
      if (channel.size() < HEADER_BYTES) {
        channel.write(ByteBuffer.allocate(1), HEADER_BYTES - 1);
      }
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      return null;
    }
  }
}
