package dev.tgsession.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionStorageException;
import dev.tgsession.Sessions;
import dev.tgsession.spi.Capability;
import dev.tgsession.tck.server.RedisServerProcess;
import dev.tgsession.tck.server.SelfSignedCertificate;
import dev.tgsession.tck.server.TestServers;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** How redis URIs are read: schemes, options, database, credentials, TLS. */
@DisplayName("Redis URIs")
class RedisUriTest {

  @Test
  @DisplayName(
      "the provider serves redis, rediss, redis-cluster and rediss-cluster, durable, named, shared"
          + " leased, encrypted and listed")
  void provider() {
    RedisSessionProvider provider = (RedisSessionProvider) Sessions.provider("redis");
    assertThat(provider.schemes())
        .containsExactlyInAnyOrder("redis", "rediss", "redis-cluster", "rediss-cluster");
    assertThat(provider.capabilities())
        .containsExactlyInAnyOrder(
            Capability.DURABLE,
            Capability.NAMED,
            Capability.SHARED,
            Capability.LEASE,
            Capability.ENCRYPTION,
            Capability.DIRECTORY);
    assertThat(Sessions.provider("redis-cluster")).isInstanceOf(RedisSessionProvider.class);
  }

  @Test
  @DisplayName("an unknown option is rejected with the list of valid ones")
  void unknownOption() {
    assertThatThrownBy(() -> Sessions.open("redis://127.0.0.1:1/0?sesion=x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sesion")
        .hasMessageContaining(
            "[cluster-deadline, connect-timeout, encryption-key, lease, owner, peer-cache,"
                + " peer-cache-ttl, pool-size, prefix, session, timeout, wait-replicas,"
                + " wait-timeout]");
  }

  @Test
  @DisplayName("malformed URIs are rejected before any connection, saying what was expected")
  void malformed() {
    assertThatThrownBy(() -> Sessions.open("redis:localhost"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redis://[user:password@]host[:port][/database]");
    assertThatThrownBy(() -> Sessions.open("redis://h1:1,h2:2/0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redis-cluster://");
    assertThatThrownBy(() -> Sessions.open("redis://127.0.0.1:1/zero"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("database number")
        .hasMessageContaining("/zero");
    assertThatThrownBy(() -> Sessions.open("redis://127.0.0.1:1/0?timeout=soon"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'timeout'");
    assertThatThrownBy(() -> Sessions.open("redis://127.0.0.1:1/0?session=a{b}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'session'")
        .hasMessageContaining("hash tag");
    assertThatThrownBy(() -> Sessions.open("redis://127.0.0.1:1/0?prefix="))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'prefix'");
  }

  @Test
  @DisplayName("a user without a password is rejected without echoing it (it may be the password)")
  void userWithoutPassword() {
    assertThatThrownBy(() -> Sessions.open("redis://hunter2secret@127.0.0.1:1/0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without a password")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2secret"));
  }

  @Test
  @DisplayName("the database of the path is the one used")
  void database() {
    String base = TestServers.redisUri().replaceAll("/\\d*$", "");
    String name = "db-" + ProcessHandle.current().pid();
    try (Session db3 = Sessions.open(base + "/3?session=" + name);
        Session db4 = Sessions.open(base + "/4?session=" + name)) {
      db3.cachePeer(PeerInfo.User.of(1, 1));
      assertThat(db4.peer(PeerId.user(1))).isEmpty();
      try (Session again = Sessions.open(base + "/3?session=" + name)) {
        assertThat(again.peer(PeerId.user(1))).contains(PeerInfo.User.of(1, 1));
      }
      db3.clear();
    }
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  @DisplayName(
      "rediss:// speaks TLS, verifies the certificate and its host, and fails clearly on a plain port")
  void tls(@TempDir Path dir) throws Exception {
    Path store = SelfSignedCertificate.create(dir).trustStore();
    int tlsPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      tlsPort = socket.getLocalPort();
    }
    try (RedisServerProcess server =
        RedisServerProcess.start(
            "--tls-port",
            Integer.toString(tlsPort),
            "--tls-cert-file",
            dir.resolve("cert.pem").toString(),
            "--tls-key-file",
            dir.resolve("key.pem").toString(),
            "--tls-auth-clients",
            "no")) {
      String tlsUri = "rediss://127.0.0.1:" + tlsPort + "/0?session=tls&timeout=2000";
      assertThatThrownBy(() -> Sessions.open(tlsUri))
          .as("an untrusted certificate")
          .isInstanceOf(SessionStorageException.class)
          .hasMessageContaining("127.0.0.1:" + tlsPort);

      String[] properties = {
        "javax.net.ssl.trustStore",
        "javax.net.ssl.trustStorePassword",
        "javax.net.ssl.trustStoreType"
      };
      String[] saved = new String[properties.length];
      for (int i = 0; i < properties.length; i++) {
        saved[i] = System.getProperty(properties[i]);
      }
      System.setProperty("javax.net.ssl.trustStore", store.toString());
      System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
      System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
      try {
        try (Session session = Sessions.open(tlsUri)) {
          session.cachePeer(PeerInfo.User.of(5, 55));
          assertThat(session.peer(PeerId.user(5))).contains(PeerInfo.User.of(5, 55));
        }
        try (Session plain = Sessions.open(server.uri() + "?session=tls")) {
          assertThat(plain.peer(PeerId.user(5))).as("same server, plain port").isPresent();
        }
        assertThatThrownBy(
                () -> Sessions.open("rediss://127.0.0.1:" + server.port() + "/0?timeout=1000"))
            .as("TLS to a plain port")
            .isInstanceOf(SessionStorageException.class)
            .hasMessageContaining("127.0.0.1:" + server.port());
      } finally {
        for (int i = 0; i < properties.length; i++) {
          if (saved[i] == null) {
            System.clearProperty(properties[i]);
          } else {
            System.setProperty(properties[i], saved[i]);
          }
        }
      }
    }
  }
}
