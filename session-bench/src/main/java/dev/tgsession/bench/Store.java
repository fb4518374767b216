package dev.tgsession.bench;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.tgsession.tck.server.RedisServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.jspecify.annotations.Nullable;

/**
 * The store one benchmark fork owns: a temporary SQLite directory, a {@code redis-server} on a free
 * loopback port, or the in-JVM Mongo emulator ({@code de.bwaldvogel:mongo-java-server}, not
 * MongoDB) on a free loopback port. Closing it stops the server and deletes the files.
 */
final class Store implements AutoCloseable {

  /** The backends the benchmarks know, as {@code @Param} values. */
  static final String MEMORY = "memory";

  static final String SQLITE = "sqlite";
  static final String REDIS = "redis";
  static final String MONGO = "mongo";

  /** The session name used in the Redis and Mongo URIs. */
  static final String SESSION = "bench";

  /** The Mongo database of the benchmarks. */
  static final String DATABASE = "tgsession_bench";

  private final String backend;
  private final @Nullable Path dir;
  private final @Nullable RedisServerProcess redis;
  private final @Nullable MongoServer mongo;
  private final int port;

  private Store(
      String backend,
      @Nullable Path dir,
      @Nullable RedisServerProcess redis,
      @Nullable MongoServer mongo,
      int port) {
    this.backend = backend;
    this.dir = dir;
    this.redis = redis;
    this.mongo = mongo;
    this.port = port;
  }

  /**
   * Starts the store of one backend.
   *
   * @throws IllegalArgumentException on a backend this class does not know
   */
  static Store start(String backend) {
    switch (backend) {
      case MEMORY:
        return new Store(backend, null, null, null, 0);
      case SQLITE:
        try {
          return new Store(backend, Files.createTempDirectory("tgsession-bench-"), null, null, 0);
        } catch (IOException e) {
          throw new UncheckedIOException("could not create a temporary directory", e);
        }
      case REDIS:
        RedisServerProcess server = RedisServerProcess.start();
        return new Store(backend, null, server, null, server.port());
      case MONGO:
        MongoServer emulator = new MongoServer(new MemoryBackend());
        emulator.bind("127.0.0.1", 0);
        return new Store(backend, null, null, emulator, emulator.getLocalAddress().getPort());
      default:
        throw new IllegalArgumentException(
            "expected one of memory, sqlite, redis, mongo, found '" + backend + "'");
    }
  }

  /** The URI {@code Sessions.open} takes for a session in this store. */
  String sessionUri() {
    switch (backend) {
      case MEMORY:
        return "memory:";
      case SQLITE:
        return "sqlite:" + file("session.sqlite");
      case REDIS:
        return "redis://127.0.0.1:" + port + "/0?session=" + SESSION;
      default:
        return "mongodb://127.0.0.1:" + port + "/" + DATABASE + "?session=" + SESSION;
    }
  }

  /** A file in the temporary directory of an SQLite store. */
  Path file(String name) {
    if (dir == null) {
      throw new IllegalStateException("expected an sqlite store, found " + backend);
    }
    return dir.resolve(name);
  }

  /** The loopback port of the Redis server or the Mongo emulator. */
  int port() {
    return port;
  }

  /** {@code mongodb://127.0.0.1:PORT}, for the raw driver. */
  String mongoConnectionString() {
    return "mongodb://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    if (redis != null) {
      redis.close();
    }
    if (mongo != null) {
      mongo.shutdownNow();
    }
    if (dir != null) {
      deleteTree(dir);
    }
  }

  /** Deletes a directory tree, skipping files that vanish meanwhile (SQLite's -wal and -shm). */
  private static void deleteTree(Path root) {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, @Nullable IOException e)
                throws IOException {
              Files.deleteIfExists(directory);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // a leftover temporary directory is not worth failing a benchmark for
    }
  }
}
