package dev.tgsession.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.tgsession.tck.server.RedisServerProcess;
import dev.tgsession.tck.server.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.UUID;
import org.bson.Document;
import org.jspecify.annotations.Nullable;

/**
 * The store one benchmark fork owns: a temporary SQLite directory, a {@code redis-server} on a free
 * loopback port, or for Mongo the best server at hand: a real MongoDB from {@link
 * TestServers#mongoUri()} ({@code TGSESSION_TEST_MONGO_URI}, Testcontainers {@code mongo:7}, or
 * {@code mongod} from the PATH; loopback addresses only) in a database of its own, else the in-JVM
 * emulator ({@code de.bwaldvogel:mongo-java-server}, not MongoDB) on a free loopback port. Which
 * one is printed as a {@value #MONGO_SERVER_LINE} line, which {@code bench/run.sh} puts in the
 * results. PostgreSQL gets a database of its own on the local server ({@link PostgresServer}).
 * Closing the store stops the server, drops the database, deletes the files.
 */
final class Store implements AutoCloseable {

  /** The backends the benchmarks know, as {@code @Param} values. */
  static final String MEMORY = "memory";

  static final String SQLITE = "sqlite";
  static final String REDIS = "redis";
  static final String MONGO = "mongo";
  static final String POSTGRES = "postgres";

  /**
   * The PostgreSQL server the postgres benchmarks use: {@code TGSESSION_TEST_POSTGRES_URI} (a
   * {@code postgresql://} URI of a loopback server; user, host and port are taken), else the local
   * server with trust authentication this project's machines run. Each fork creates a database of
   * its own there and drops it afterwards.
   */
  static final String POSTGRES_ENV = "TGSESSION_TEST_POSTGRES_URI";

  /** The session name used in the Redis and Mongo URIs. */
  static final String SESSION = "bench";

  /** The start of the line naming the Mongo server of a fork, on standard output. */
  static final String MONGO_SERVER_LINE = "tgsession-bench mongo server: ";

  private final String backend;
  private final @Nullable Path dir;
  private final @Nullable RedisServerProcess redis;
  private final @Nullable MongoServer mongo;
  private final int port;
  private final @Nullable String mongoBase;
  private final String database;
  private final @Nullable PostgresServer postgres;

  private Store(
      String backend,
      @Nullable Path dir,
      @Nullable RedisServerProcess redis,
      @Nullable MongoServer mongo,
      int port,
      @Nullable String mongoBase) {
    this(backend, dir, redis, mongo, port, mongoBase, null);
  }

  private Store(
      String backend,
      @Nullable Path dir,
      @Nullable RedisServerProcess redis,
      @Nullable MongoServer mongo,
      int port,
      @Nullable String mongoBase,
      @Nullable PostgresServer postgres) {
    this.backend = backend;
    this.postgres = postgres;
    this.dir = dir;
    this.redis = redis;
    this.mongo = mongo;
    this.port = port;
    this.mongoBase = mongoBase;
    // a database per fork, so runs on one shared real server never meet
    this.database = "tgsession_bench_" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Starts the store of one backend.
   *
   * @throws IllegalArgumentException on a backend this class does not know
   */
  static Store start(String backend) {
    switch (backend) {
      case MEMORY:
        return new Store(backend, null, null, null, 0, null);
      case SQLITE:
        try {
          return new Store(
              backend, Files.createTempDirectory("tgsession-bench-"), null, null, 0, null);
        } catch (IOException e) {
          throw new UncheckedIOException("could not create a temporary directory", e);
        }
      case REDIS:
        RedisServerProcess server = RedisServerProcess.start();
        return new Store(backend, null, server, null, server.port(), null);
      case MONGO:
        Optional<String> real = TestServers.mongoUri();
        if (real.isPresent()) {
          String base = loopbackBase(real.get());
          Store store = new Store(backend, null, null, null, 0, base);
          // the hosts only: a user and password in the URI never reach the output
          String hosts = base.substring(base.lastIndexOf('@') + 1).replace("mongodb://", "");
          System.out.println(
              MONGO_SERVER_LINE + "MongoDB " + store.mongoVersion() + " at " + hosts);
          return store;
        }
        MongoServer emulator = new MongoServer(new MemoryBackend());
        emulator.bind("127.0.0.1", 0);
        System.out.println(
            MONGO_SERVER_LINE
                + "EMULATOR: mongo-java-server MemoryBackend in the benchmark's JVM, not MongoDB"
                + " (no TGSESSION_TEST_MONGO_URI, Docker engine or mongod here)");
        return new Store(backend, null, null, emulator, emulator.getLocalAddress().getPort(), null);
      case POSTGRES:
        return new Store(backend, null, null, null, 0, null, PostgresServer.createDatabase());
      default:
        throw new IllegalArgumentException(
            "expected one of memory, sqlite, redis, mongo, postgres, found '" + backend + "'");
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
      case POSTGRES:
        return postgres().sessionUri(SESSION);
      default:
        return mongoConnectionString() + "/" + database + "?session=" + SESSION;
    }
  }

  /** The PostgreSQL database of this fork. */
  PostgresServer postgres() {
    if (postgres == null) {
      throw new IllegalStateException("expected a postgres store, found " + backend);
    }
    return postgres;
  }

  /** The Mongo database of this fork: the session's, and the raw driver's collections. */
  String database() {
    return database;
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

  /** {@code mongodb://host:port} of the Mongo server, without a path, for the raw driver. */
  String mongoConnectionString() {
    return mongoBase != null ? mongoBase : "mongodb://127.0.0.1:" + port;
  }

  private String mongoVersion() {
    try (MongoClient client = MongoClients.create(mongoConnectionString())) {
      return String.valueOf(
          client.getDatabase("admin").runCommand(new Document("buildInfo", 1)).get("version"));
    }
  }

  /**
   * {@code mongodb://hosts} of a real server's URI, without path or options.
   *
   * @throws IllegalArgumentException if a host is not a loopback address: benchmarks are load, and
   *     load only ever goes to this machine
   */
  static String loopbackBase(String uri) {
    int start = uri.indexOf("//");
    if (!uri.startsWith("mongodb://") || start < 0) {
      throw new IllegalArgumentException(
          "expected a mongodb:// URI of a server on this machine, found another scheme");
    }
    int end = uri.length();
    for (char stop : new char[] {'/', '?'}) {
      int at = uri.indexOf(stop, start + 2);
      end = at >= 0 ? Math.min(end, at) : end;
    }
    String authority = uri.substring(start + 2, end);
    String hosts = authority.substring(authority.lastIndexOf('@') + 1);
    for (String host : hosts.split(",")) {
      String name =
          host.startsWith("[") ? host.substring(1, host.indexOf(']')) : host.split(":")[0];
      if (!name.equals("localhost")
          && !name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")
          && !name.equals("::1")) {
        throw new IllegalArgumentException(
            "expected the benchmark's MongoDB on a loopback address (127.0.0.0/8, ::1, localhost),"
                + " found host '"
                + name
                + "'; benchmarks send load only to this machine");
      }
    }
    return uri.substring(0, end);
  }

  @Override
  public void close() {
    if (postgres != null) {
      postgres.dropDatabase();
    }
    if (redis != null) {
      redis.close();
    }
    if (mongo != null) {
      mongo.shutdownNow();
    }
    if (mongoBase != null) {
      try (MongoClient client = MongoClients.create(mongoBase)) {
        client.getDatabase(database).drop();
      }
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
