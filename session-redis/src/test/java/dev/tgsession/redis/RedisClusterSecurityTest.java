package dev.tgsession.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionStorageException;
import dev.tgsession.Sessions;
import dev.tgsession.tck.server.RedisClusterProcess;
import dev.tgsession.tck.server.SelfSignedCertificate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A three-master cluster that speaks only TLS to clients (self-signed certificate for 127.0.0.1,
 * trusted through {@code javax.net.ssl.trustStore} for this class) and requires a password.
 */
@DisplayName("Redis Cluster over TLS with a password")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisClusterSecurityTest {

  private static final String SECRET = "cl5ter-S3cret-pw";
  private static final String WRONG = "wr0ng-Cl5ter-pw";
  private static final String[] PROPERTIES = {
    "javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword", "javax.net.ssl.trustStoreType"
  };
  private static final String[] saved = new String[PROPERTIES.length];
  private static Path dir;
  private static RedisClusterProcess cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    dir = Files.createTempDirectory("tgsession-tls-cluster-");
    SelfSignedCertificate certificate = SelfSignedCertificate.create(dir);
    cluster = RedisClusterProcess.start(3, 0, SECRET, certificate.dir());
    for (int i = 0; i < PROPERTIES.length; i++) {
      saved[i] = System.getProperty(PROPERTIES[i]);
    }
    System.setProperty("javax.net.ssl.trustStore", certificate.trustStore().toString());
    System.setProperty("javax.net.ssl.trustStorePassword", SelfSignedCertificate.PASSWORD);
    System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
  }

  @AfterAll
  static void stopCluster() {
    for (int i = 0; i < PROPERTIES.length; i++) {
      if (saved[i] == null) {
        System.clearProperty(PROPERTIES[i]);
      } else {
        System.setProperty(PROPERTIES[i], saved[i]);
      }
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String uri(String credentials) {
    return cluster.uri().replace("://", "://" + credentials + "@") + "?session=secure";
  }

  @Test
  @DisplayName("rediss-cluster:// with the right password stores and reads over TLS")
  void tls() {
    assertThat(cluster.uri()).startsWith("rediss-cluster://");
    try (Session session = Sessions.open(uri(":" + SECRET));
        Session other = Sessions.open(uri("default:" + SECRET))) {
      session.cachePeer(new PeerInfo.User(7, null, true, null, java.util.List.of("tls_bot"), null));
      assertThat(other.peerByUsername("tls_bot").map(PeerInfo::peerId)).contains(PeerId.user(7));
      assertThat(session.toString()).doesNotContain(SECRET);
      session.clear();
    }
  }

  @Test
  @DisplayName(
      "a wrong password or user is reported as such, never shown, not as an unreachable server")
  void wrongCredentials() {
    assertThatThrownBy(() -> Sessions.open(uri(":" + WRONG)))
        .isInstanceOf(SessionStorageException.class)
        .hasMessageContaining("Redis Cluster at 127.0.0.1:")
        .hasMessageContaining("check the user and password")
        .satisfies(thrown -> assertThat(everything(thrown)).doesNotContain(WRONG, SECRET));
    assertThatThrownBy(() -> Sessions.open(uri("nobody:" + SECRET)))
        .isInstanceOf(SessionStorageException.class)
        .hasMessageContaining("check the user and password")
        .satisfies(thrown -> assertThat(everything(thrown)).doesNotContain(SECRET));
    assertThatThrownBy(() -> Sessions.open(cluster.uri() + "?session=secure"))
        .as("no password at all")
        .isInstanceOf(SessionStorageException.class)
        .hasMessageContaining("check the user and password");
  }

  /** The exception's messages and stack trace, causes included, as a log would show them. */
  private static String everything(Throwable thrown) {
    StringWriter out = new StringWriter();
    thrown.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
