package dev.tgsession.mongo;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.tgsession.tck.server.TestServers;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.UUID;

/**
 * The MongoDB the tests of this module run against, found once per JVM: a real one from {@link
 * TestServers#mongoUri()} ({@code TGSESSION_TEST_MONGO_URI}, Testcontainers {@code mongo:7}, or
 * {@code mongod} from the PATH), else the in-JVM emulator {@code de.bwaldvogel:mongo-java-server}
 * on a free loopback port, announced loudly: it is not MongoDB, and a pass on it proves less.
 *
 * <p>Each JVM uses its own database, so runs against one shared server never meet.
 */
final class MongoTestServer {

  private static final System.Logger LOG = System.getLogger(MongoTestServer.class.getName());

  /** The database of this JVM's tests. */
  static final String DATABASE = "tgsession_test_" + UUID.randomUUID().toString().substring(0, 8);

  private static String base;
  private static String kind;
  private static boolean emulator;

  private MongoTestServer() {}

  /** {@code mongodb://host:port} of the server, without a path or options. */
  static synchronized String baseUri() {
    if (base == null) {
      Optional<String> real = TestServers.mongoUri();
      if (real.isPresent()) {
        base = withoutPath(real.get());
        kind = "a real MongoDB (" + TestServers.MONGO_ENV + ", Testcontainers or mongod)";
      } else {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        Runtime.getRuntime()
            .addShutdownHook(new Thread(server::shutdownNow, "mongo-emulator-stop"));
        InetSocketAddress address = server.getLocalAddress();
        base = "mongodb://127.0.0.1:" + address.getPort();
        kind = "the mongo-java-server EMULATOR";
        emulator = true;
        String banner = "*".repeat(78);
        LOG.log(
            Level.WARNING,
            "\n{0}\n  NO REAL MONGODB: session-mongo tests run on the in-JVM mongo-java-server"
                + " EMULATOR\n  at {1} (not MongoDB). Set {2}, start Docker, or put mongod on the"
                + " PATH\n  to test against a real server.\n{0}",
            banner,
            base,
            TestServers.MONGO_ENV);
      }
      LOG.log(Level.INFO, "session-mongo tests run on " + kind);
    }
    return base;
  }

  /** Whether the tests run on the emulator rather than a real MongoDB. */
  static synchronized boolean isEmulator() {
    baseUri();
    return emulator;
  }

  /** What {@link #baseUri()} is, for messages. */
  static synchronized String kind() {
    baseUri();
    return kind;
  }

  /**
   * The URI of a session in this JVM's database, with extra options ({@code "a=1&b=2"} or empty). A
   * short server-selection timeout makes a dead server fail within seconds.
   */
  static String sessionUri(String session, String extraOptions) {
    return baseUri()
        + "/"
        + DATABASE
        + "?serverSelectionTimeoutMS=3000&session="
        + session
        + (extraOptions.isEmpty() ? "" : "&" + extraOptions);
  }

  /** Strips a trailing {@code /} (and query) the environment variable may carry. */
  private static String withoutPath(String uri) {
    int question = uri.indexOf('?');
    String hostPart = question < 0 ? uri : uri.substring(0, question);
    int slash = hostPart.indexOf('/', hostPart.indexOf("//") + 2);
    if (slash >= 0) {
      hostPart = hostPart.substring(0, slash);
    }
    if (question >= 0) {
      LOG.log(
          Level.WARNING,
          "ignoring the options of "
              + TestServers.MONGO_ENV
              + "; put driver options in the test URIs instead");
    }
    return hostPart;
  }
}
