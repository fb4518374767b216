package dev.tgsession.cli;

import dev.tgsession.Session;
import dev.tgsession.SessionException;
import dev.tgsession.Sessions;
import dev.tgsession.spi.SharedOptions;
import dev.tgsession.tck.server.TestServers;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * URIs of fresh sessions in the durable backends the lease and encryption tests run on: a file for
 * {@code sqlite:}, a uniquely named session in the PostgreSQL of {@code
 * TGSESSION_TEST_POSTGRES_URI} (else {@code postgresql://postgres@127.0.0.1:5432/test}).
 */
final class StoreUris {

  private StoreUris() {}

  /** A fresh session's URI; the test is skipped, with the reason, when the backend is missing. */
  static String fresh(String scheme, Path dir, String name) {
    if (!Sessions.schemes().contains(scheme)) {
      Assumptions.abort("the " + scheme + ": backend is not on the test class path");
    }
    return switch (scheme) {
      case "sqlite" -> "sqlite:" + dir.resolve(name + ".session");
      case "postgresql" -> postgres(name);
      default -> throw new IllegalArgumentException("no store for " + scheme);
    };
  }

  private static String postgres(String name) {
    String server = System.getenv(PostgresCopyChainTest.ENV);
    if (server == null || server.isBlank()) {
      server = "postgresql://postgres@127.0.0.1:5432/test";
    }
    String uri =
        TestServers.withOption(
            server, "session", "cli-" + name + "-" + Long.toHexString(System.nanoTime()));
    try (Session probe = Sessions.open(uri)) {
      probe.peerCount();
    } catch (SessionException e) {
      throw TestServers.unavailable("no PostgreSQL answers: " + e.getMessage());
    }
    return uri;
  }

  /** Skips the test, with the reason, when the backend has no encryption at rest yet. */
  static void requireEncryption(String scheme) {
    Assumptions.assumeTrue(
        Sessions.provider(scheme).options().contains(SharedOptions.ENCRYPTION_KEY),
        "the "
            + scheme
            + ": backend does not declare encryption-key yet (its encryption at rest lands"
            + " separately); this test runs once it does");
  }

  /** {@code uri} with one more option. */
  static String with(String uri, String name, String value) {
    return uri + (uri.indexOf('?') >= 0 ? "&" : "?") + name + "=" + value;
  }

  /** Forgets a session a test made (a file is in a temporary directory anyway). */
  static void forget(String uri) {
    if (uri.startsWith("sqlite:")) {
      return;
    }
    try (Session session = Sessions.open(uri)) {
      session.clear();
    } catch (RuntimeException e) {
      // best effort: the name is unique to this run
    }
  }
}
