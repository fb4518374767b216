package dev.tgsession.cli;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.tgsession.Sessions;
import dev.tgsession.tck.server.TestServers;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * URIs of sessions in each backend on the test class path, with their servers: Redis and MongoDB
 * from session-tck's {@link TestServers}; MongoDB falls back to the in-JVM mongo-java-server
 * emulator, said loudly on stderr.
 */
final class Backends {

  private static @Nullable String emulatedMongo;

  private Backends() {}

  /**
   * A URI for a session called {@code name} in the backend of {@code scheme}; aborts the test
   * (skipped, with the reason) when the backend is not on the class path.
   */
  static String uri(String scheme, Path dir, String name) {
    if (!Sessions.schemes().contains(scheme)) {
      Assumptions.abort(
          "the "
              + scheme
              + ": backend is not on the test class path (its module was not installed in ~/.m2"
              + " when session-cli was built); schemes here: "
              + Sessions.schemes());
    }
    return switch (scheme) {
      case "memory" -> "memory:";
      case "sqlite" -> "sqlite:" + dir.resolve(name + ".session");
      case "redis" -> TestServers.redisUri() + "?session=" + name;
      case "mongodb" -> mongoServer() + "/tgsession_cli?session=" + name;
      default -> throw new IllegalArgumentException("no test server for scheme " + scheme);
    };
  }

  /** A real MongoDB if session-tck finds one, else the emulator. */
  static synchronized String mongoServer() {
    Optional<String> real = TestServers.mongoUri();
    if (real.isPresent()) {
      return real.get();
    }
    if (emulatedMongo == null) {
      MongoServer server = new MongoServer(new MemoryBackend());
      server.bind("127.0.0.1", 0);
      InetSocketAddress address = server.getLocalAddress();
      Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
      emulatedMongo = "mongodb://127.0.0.1:" + address.getPort();
      System.err.println(
          "!!! WARNING: no real MongoDB (env "
              + TestServers.MONGO_ENV
              + ", Docker or mongod on the PATH): the mongodb: tests of session-cli run against"
              + " the in-JVM EMULATOR mongo-java-server at "
              + emulatedMongo
              + ", not a real MongoDB !!!");
    }
    return emulatedMongo;
  }
}
