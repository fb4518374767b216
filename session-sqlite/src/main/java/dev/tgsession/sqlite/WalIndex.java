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
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The header of a WAL database's shared-memory index (its {@code -shm} file), read through a memory
 * mapping: a few loads tell whether any connection, in any process, committed since the header was
 * last seen. SQLite rewrites the header on every commit (its change counter {@code iChange}, the
 * last frame, the frame checksums) and on every WAL restart (new salts), and a committing writer
 * has written it before its commit returns. The format is SQLite's documented WAL-index layout: the
 * first 48 bytes are the header's first copy.
 *
 * <p>One descriptor per {@code -shm} file stays open for the life of the JVM: closing a second
 * descriptor of a file releases every POSIX lock this process holds on it, SQLite's own included. A
 * descriptor is closed only once its file is gone or replaced (SQLite deletes the {@code -shm} file
 * when its last connection closes), when nobody can hold locks on it any more.
 */
final class WalIndex {

  private static final int HEADER_BYTES = 48;
  private static final VarHandle LONGS =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

  private record Mapping(Object fileKey, FileChannel channel, @Nullable MappedByteBuffer header) {}

  private static final Map<Path, Mapping> MAPPINGS = new HashMap<>();

  /** A header as read: six words compared whole. */
  record Stamp(long w0, long w1, long w2, long w3, long w4, long w5) {}

  private final MappedByteBuffer header;

  private WalIndex(MappedByteBuffer header) {
    this.header = header;
  }

  /**
   * Maps the index of {@code database}, which a connection of the caller holds open in WAL mode (so
   * the {@code -shm} file exists and is not replaced meanwhile); null where it cannot be mapped (no
   * {@code -shm} file, a file system without file keys), and the caller then asks SQLite instead.
   */
  static synchronized @Nullable WalIndex of(Path database) {
    Path shm = database.toAbsolutePath().resolveSibling(database.getFileName() + "-shm");
    closeStale();
    try {
      Object key = fileKey(shm);
      if (key == null) {
        return null;
      }
      Mapping mapping = MAPPINGS.get(shm);
      if (mapping == null || !mapping.fileKey().equals(key)) {
        if (mapping != null) {
          mapping.channel().close(); // that inode is no longer the live index: nobody locks it
        }
        FileChannel channel = FileChannel.open(shm, StandardOpenOption.READ);
        if (channel.size() < HEADER_BYTES || !key.equals(fileKey(shm))) {
          // Kept open all the same (see the class comment); not used.
          MAPPINGS.put(shm, new Mapping(key, channel, null));
          return null;
        }
        mapping =
            new Mapping(key, channel, channel.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_BYTES));
        MAPPINGS.put(shm, mapping);
      }
      MappedByteBuffer header = mapping.header();
      return header == null ? null : new WalIndex(header);
    } catch (IOException | RuntimeException e) {
      return null;
    }
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

  private static void closeStale() {
    for (Iterator<Map.Entry<Path, Mapping>> it = MAPPINGS.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Path, Mapping> entry = it.next();
      try {
        if (!Objects.equals(fileKey(entry.getKey()), entry.getValue().fileKey())) {
          entry.getValue().channel().close();
          it.remove();
        }
      } catch (IOException e) {
        // leave it: closing a descriptor SQLite may still lock is the worse outcome
      }
    }
  }
}
