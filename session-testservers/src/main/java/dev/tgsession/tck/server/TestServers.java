package dev.tgsession.tck.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The servers backend tests run against, each found once per JVM and stopped when it exits, in this
 * order: the URI in an environment variable; a Testcontainers container when a Docker engine
 * answers; the server binary from the {@code PATH} on a free loopback port.
 *
 * <p>When none can be had, the test is aborted (reported as skipped) with the reason, unless {@code
 * CI=true}, where it fails: a backend CI never ran is not verified.
 */
public final class TestServers {

  /** Environment variable with the URI of a Redis for tests. */
  public static final String REDIS_ENV = "TGSESSION_TEST_REDIS_URI";

  /** Environment variable with the URI of a Redis Cluster for tests. */
  public static final String REDIS_CLUSTER_ENV = "TGSESSION_TEST_REDIS_CLUSTER_URI";

  /** Environment variable with the URI of a MongoDB for tests (no database path). */
  public static final String MONGO_ENV = "TGSESSION_TEST_MONGO_URI";

  private static final System.Logger LOG = System.getLogger(TestServers.class.getName());
  private static final int CLUSTER_MASTERS = 3;

  private static @Nullable String redis;
  private static @Nullable String redisCluster;
  private static @Nullable Optional<String> mongo;
  private static @Nullable Boolean docker;

  private TestServers() {}

  /**
   * A standalone Redis: {@value #REDIS_ENV}, else Testcontainers {@code redis:7}, else {@code
   * redis-server} from the PATH.
   *
   * @return a URI such as {@code redis://127.0.0.1:41234/0}
   */
  public static synchronized String redisUri() {
    if (redis == null) {
      redis = findRedis();
    }
    return redis;
  }

  /**
   * A three-master Redis Cluster: {@value #REDIS_CLUSTER_ENV}, else three {@code redis-server
   * --cluster-enabled yes} processes from the PATH with every slot assigned.
   *
   * @return a URI such as {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3}
   */
  public static synchronized String redisClusterUri() {
    if (redisCluster == null) {
      redisCluster = findRedisCluster();
    }
    return redisCluster;
  }

  /**
   * A real MongoDB: {@value #MONGO_ENV}, else Testcontainers {@code mongo:7}, else {@code mongod}
   * from the PATH; empty when none is at hand (the caller may then use an emulator, and must say
   * so).
   *
   * @return a URI such as {@code mongodb://127.0.0.1:27017}, without a database path
   */
  public static synchronized Optional<String> mongoUri() {
    if (mongo == null) {
      mongo = findMongo();
    }
    return mongo;
  }

  /**
   * {@code uri} with one more query option, after a {@code ?} or an {@code &} as the URI needs (a
   * URI from an environment variable may already have a query).
   */
  public static String withOption(String uri, String name, String value) {
    return uri + (uri.indexOf('?') < 0 ? "?" : "&") + name + "=" + value;
  }

  /**
   * Aborts the current test with {@code reason}, or fails it when {@code CI=true}.
   *
   * @throws org.opentest4j.TestAbortedException outside CI
   */
  public static RuntimeException unavailable(String reason) {
    String message = "TEST SERVER UNAVAILABLE: " + reason;
    LOG.log(Level.WARNING, message);
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(message + " (CI=true: a backend that was not run is not verified)");
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  private static String findRedis() {
    String env = System.getenv(REDIS_ENV);
    if (env != null && !env.isBlank()) {
      LOG.log(Level.INFO, "Redis for tests from " + REDIS_ENV);
      return env;
    }
    if (dockerAvailable()) {
      Optional<String> container = container("redis:7", 6379);
      if (container.isPresent()) {
        return "redis://" + container.get() + "/0";
      }
    }
    if (Binaries.find("redis-server").isPresent()) {
      RedisServerProcess server = RedisServerProcess.start();
      LOG.log(Level.INFO, "Redis for tests: redis-server from PATH on port " + server.port());
      return server.uri();
    }
    throw unavailable(
        "no Redis: set "
            + REDIS_ENV
            + ", start a Docker engine, or install redis-server (apt-get install redis-server)");
  }

  private static String findRedisCluster() {
    String env = System.getenv(REDIS_CLUSTER_ENV);
    if (env != null && !env.isBlank()) {
      LOG.log(Level.INFO, "Redis Cluster for tests from " + REDIS_CLUSTER_ENV);
      return env;
    }
    if (Binaries.find("redis-server").isEmpty()) {
      throw unavailable(
          "no Redis Cluster: set "
              + REDIS_CLUSTER_ENV
              + " or install redis-server (apt-get install redis-server)");
    }
    RedisClusterProcess cluster = RedisClusterProcess.start(CLUSTER_MASTERS, 0);
    Binaries.stopAtExit(cluster);
    LOG.log(
        Level.INFO, "Redis Cluster for tests: redis-server x3 on ports " + cluster.clientPorts());
    return cluster.uri();
  }

  private static Optional<String> findMongo() {
    String env = System.getenv(MONGO_ENV);
    if (env != null && !env.isBlank()) {
      LOG.log(Level.INFO, "MongoDB for tests from " + MONGO_ENV);
      return Optional.of(env);
    }
    if (dockerAvailable()) {
      Optional<String> container = container("mongo:7", 27017);
      if (container.isPresent()) {
        return Optional.of("mongodb://" + container.get());
      }
    }
    Optional<Path> mongod = Binaries.find("mongod");
    if (mongod.isPresent()) {
      return Optional.of(startMongod(mongod.get()));
    }
    LOG.log(
        Level.WARNING,
        "no real MongoDB for tests: "
            + MONGO_ENV
            + " unset, no Docker engine, no mongod on the PATH");
    return Optional.empty();
  }

  private static String startMongod(Path binary) {
    try {
      Path dir = Files.createTempDirectory("tgsession-mongod-");
      int port = Binaries.freePort();
      Process process =
          new ProcessBuilder(
                  binary.toString(),
                  "--dbpath",
                  dir.toString(),
                  "--port",
                  Integer.toString(port),
                  "--bind_ip",
                  "127.0.0.1")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("mongod.log").toFile())
              .start();
      Binaries.stopAtExit(process::destroy);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("mongod exited with " + process.exitValue());
        }
        try (java.net.Socket socket = new java.net.Socket()) {
          socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
          LOG.log(Level.INFO, "MongoDB for tests: mongod from PATH on port " + port);
          return "mongodb://127.0.0.1:" + port;
        } catch (IOException notYet) {
          TimeUnit.MILLISECONDS.sleep(100);
        }
      }
      throw new IllegalStateException("mongod on port " + port + " not ready after 60 s");
    } catch (IOException e) {
      throw new UncheckedIOException("could not start mongod", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting mongod", e);
    }
  }

  /** Starts a container and returns its {@code host:port}, or empty (logged) when it fails. */
  private static Optional<String> container(String image, int port) {
    GenericContainer<?> container =
        new GenericContainer<>(DockerImageName.parse(image)).withExposedPorts(port);
    try {
      container.start();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Testcontainers could not start " + image + ", trying the PATH", e);
      return Optional.empty();
    }
    Binaries.stopAtExit(container::stop);
    LOG.log(Level.INFO, "test server from Testcontainers " + image);
    return Optional.of(container.getHost() + ":" + container.getMappedPort(port));
  }

  private static boolean dockerAvailable() {
    if (docker == null) {
      boolean available;
      try {
        available = DockerClientFactory.instance().isDockerAvailable();
      } catch (RuntimeException | LinkageError e) {
        available = false;
      }
      docker = available;
      LOG.log(Level.INFO, "Docker engine for Testcontainers: " + (available ? "yes" : "no"));
    }
    return docker;
  }
}
