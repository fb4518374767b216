package dev.tgsession.sqlite;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/**
 * The database header of a lease file ({@link SqliteLeaseStore}), read through a memory mapping: a
 * few loads tell whether any connection, in any process, committed to it since a given moment. The
 * lease file uses a rollback journal, where SQLite increments the header's file change counter
 * (bytes 24-27, big-endian) in page 1 on every write transaction, and writes page 1 before any
 * other page of the commit, so a takeover that has written its new token has already changed the
 * counter. The header's read and write versions (bytes 18 and 19) are 1 in rollback-journal mode
 * and 2 in WAL mode, where the counter does not move per commit: then {@link #changeCounter}
 * answers that nothing is known, and the caller asks SQLite.
 *
 * <p>The mapping holds no descriptor: the file is opened, mapped and closed again while this
 * process holds no lock on it (closing a descriptor releases every POSIX lock of the process on the
 * file, SQLite's own included), that is while the caller's own connection is between transactions
 * (a rollback-journal connection holds no lock then) and no other use of this JVM has it open
 * ({@link WalIndex.FileUse#whileAlone}).
 */
final class LeaseHeader {

  /** The header bytes mapped: up to and including the write and read versions and the counter. */
  private static final int HEADER_BYTES = 28;

  private static final int VERSIONS = 18;
  private static final int CHANGE_COUNTER = 24;
  private static final VarHandle INTS =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle SHORTS =
      MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

  /** Write version 1 and read version 1: a rollback journal. */
  private static final short ROLLBACK_JOURNAL = 0x0101;

  /** What {@link #changeCounter} answers when the counter tells nothing. */
  static final long UNKNOWN = -1;

  private final MappedByteBuffer header;

  private LeaseHeader(MappedByteBuffer header) {
    this.header = header;
  }

  /**
   * Maps the header of {@code file}; null when it is shorter than the header (a lease file not
   * written yet) or cannot be read. Call it only while this process holds no lock on the file.
   */
  static @Nullable LeaseHeader map(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      if (channel.size() < HEADER_BYTES) {
        return null;
      }
      return new LeaseHeader(channel.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_BYTES));
    } catch (IOException | RuntimeException e) {
      return null; // the caller asks SQLite instead
    }
  }

  /**
   * The file change counter now (0 to 2^32 - 1), or {@link #UNKNOWN} when the file is not in
   * rollback-journal mode.
   */
  long changeCounter() {
    if ((short) SHORTS.getAcquire(header, VERSIONS) != ROLLBACK_JOURNAL) {
      return UNKNOWN;
    }
    return Integer.toUnsignedLong((int) INTS.getAcquire(header, CHANGE_COUNTER));
  }
}
