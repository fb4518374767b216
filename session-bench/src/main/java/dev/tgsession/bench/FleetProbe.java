package dev.tgsession.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;

/**
 * What a fleet costs the process and the server at one moment: JVM threads ({@code ThreadMXBean}),
 * file descriptors ({@code /proc/self/fd}), heap after GC ({@code MemoryMXBean}), and the server's
 * connections: Redis {@code CLIENT LIST}, PostgreSQL {@code pg_stat_activity} of the fork's
 * database, the Mongo emulator's established loopback sockets on its port ({@code /proc/net/tcp});
 * none for SQLite. The probe's own connection is not counted.
 */
record FleetProbe(int threads, long fds, long heap, long connections) {

  /** A connection count for a backend without a server. */
  static final long NO_SERVER = -1;

  /** Measures now; {@code gc}: run the collector first (heap after GC), else heap is -1. */
  static FleetProbe take(Store store, String backend, boolean gc) {
    long heap = -1;
    if (gc) {
      for (int k = 0; k < 3; k++) {
        System.gc();
      }
      heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
    return new FleetProbe(
        ManagementFactory.getThreadMXBean().getThreadCount(),
        descriptors(),
        heap,
        connections(store, backend));
  }

  /**
   * Open file descriptors of this process, or -1 where {@code /proc/self/fd} is missing or cannot
   * be listed (a process at its descriptor limit cannot open the directory: the fleet's row then
   * says so instead of the run ending).
   */
  static long descriptors() {
    Path fd = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fd)) {
      return -1;
    }
    try (Stream<Path> entries = Files.list(fd)) {
      return entries.count() - 1; // the directory stream's own descriptor
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }

  static long connections(Store store, String backend) {
    switch (backend) {
      case Store.REDIS:
        try (Jedis jedis = new Jedis("127.0.0.1", store.port())) {
          return jedis.clientList().lines().filter(l -> !l.isBlank()).count() - 1;
        }
      case Store.POSTGRES:
        try (Connection c = store.postgres().connect();
            Statement statement = c.createStatement();
            ResultSet rows =
                statement.executeQuery(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND pid <> pg_backend_pid()")) {
          rows.next();
          return rows.getLong(1);
        } catch (SQLException e) {
          throw new IllegalStateException("could not count PostgreSQL connections: " + e, e);
        }
      case Store.MONGO:
        return store.port() == 0 ? NO_SERVER : establishedTo(store.port());
      default:
        return NO_SERVER;
    }
  }

  /** Established TCP sockets whose local port is {@code port} (the server side of each). */
  static long establishedTo(int port) {
    String local = String.format(Locale.ROOT, ":%04X ", port);
    long count = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.isReadable(path)) {
        continue;
      }
      try (Stream<String> lines = Files.lines(path, StandardCharsets.US_ASCII)) {
        count +=
            lines
                .skip(1)
                .map(String::trim)
                .map(l -> l.split("\\s+"))
                .filter(f -> f.length > 3 && (f[1] + " ").endsWith(local) && f[3].equals("01"))
                .count();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return count;
  }
}
