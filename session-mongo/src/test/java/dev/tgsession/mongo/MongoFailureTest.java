package dev.tgsession.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionStorageException;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.tck.server.TcpProxy;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

@DisplayName("a MongoDB that is not there")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MongoFailureTest {

  private static final String PASSWORD = "Sup3rSecretPw";

  private static int deadPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The exception, its message and every cause's, none of which may show the password. */
  private static void assertNoPassword(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(PASSWORD);
      assertThat(t.toString()).doesNotContain(PASSWORD);
    }
  }

  @Test
  @DisplayName("opening fails with SessionStorageException naming the host, never the password")
  void openFailsWithoutPassword() throws IOException {
    int port = deadPort();
    String uri =
        "mongodb://tg:"
            + PASSWORD
            + "@127.0.0.1:"
            + port
            + "/db?serverSelectionTimeoutMS=1000&connectTimeoutMS=1000&session=x";
    Throwable thrown = catchStorageFailure(() -> Sessions.open(uri).close());
    assertThat(thrown.getMessage())
        .startsWith(
            "MongoDB at 127.0.0.1:"
                + port
                + "/db failed to create the indexes of tgsession_peers"
                + " for session 'x': ")
        .contains("check that the server is running and reachable");
    assertNoPassword(thrown);
  }

  @Test
  @DisplayName(
      "no credential (password, AWS_SESSION_TOKEN, proxy password) appears in any message or cause"
          + " of a failure, whatever fails")
  void credentialsNeverShown() throws IOException {
    int port = deadPort();
    String token = "FwoGZXIvYXdzEJr" + PASSWORD;
    String server = MongoTestServer.baseUri().substring("mongodb://".length());
    List<String> uris =
        List.of(
            // nothing listens: server selection times out
            "mongodb://AKIDEXAMPLE:"
                + PASSWORD
                + "@127.0.0.1:"
                + port
                + "/db?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:"
                + token
                + "&serverSelectionTimeoutMS=500&session=x",
            // a live server refusing the credentials (or the mechanism)
            "mongodb://AKIDEXAMPLE:"
                + PASSWORD
                + "@"
                + server
                + "/db?authMechanism=MONGODB-AWS&AUTHMECHANISMPROPERTIES=AWS_SESSION_TOKEN:"
                + token
                + "&serverSelectionTimeoutMS=2000&session=x",
            "mongodb://tg:"
                + PASSWORD
                + "@"
                + server
                + "/db?serverSelectionTimeoutMS=2000&session=x",
            // the driver refusing the connection string
            "mongodb://tg:"
                + PASSWORD
                + "@127.0.0.1:"
                + port
                + "/db?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN"
                + PASSWORD
                + "&session=x",
            "mongodb://tg:"
                + PASSWORD
                + "@127.0.0.1:"
                + port
                + "/db?authMechanism=NOPE&proxyHost=127.0.0.1&proxyPassword="
                + PASSWORD
                + "&session=x",
            "mongodb://tg:"
                + PASSWORD
                + "@127.0.0.1:"
                + port
                + "/db?w=majority&wtimeoutMS=-5&authMechanismProperties=AWS_SESSION_TOKEN:"
                + token
                + "&session=x");
    for (String uri : uris) {
      Throwable thrown = catchThrowable(() -> Sessions.open(uri).close());
      assertThat(thrown).as(uri.replace(PASSWORD, "****")).isNotNull();
      assertThat(thrown.getMessage()).hasSizeLessThan(1500);
      assertNoPassword(thrown);
    }
  }

  @Test
  @DisplayName("a server that goes away mid-session fails every call with SessionStorageException")
  void serverStopped() throws IOException {
    URI server = URI.create(MongoTestServer.baseUri());
    try (TcpProxy proxy = new TcpProxy(server.getHost(), server.getPort())) {
      String uri =
          "mongodb://127.0.0.1:"
              + proxy.port()
              + "/"
              + MongoTestServer.DATABASE
              + "?serverSelectionTimeoutMS=1000&connectTimeoutMS=1000&socketTimeoutMS=5000"
              + "&heartbeatFrequencyMS=500&session=stopped-"
              + System.nanoTime();
      try (Session session = Sessions.open(uri)) {
        PeerInfo.User user = new PeerInfo.User(7, null, null, null, List.of("seven"), null);
        session.cachePeer(user);
        assertThat(session.peer(PeerId.user(7))).contains(user);
        assertThat(session.homeDcId()).isEqualTo(2);

        proxy.stop();

        for (Executable call :
            List.<Executable>of(
                () -> session.peer(PeerId.user(70)),
                () -> session.cachePeer(PeerInfo.User.of(8, 8)),
                () -> session.cachePeers(List.of(PeerInfo.User.of(9, 9), PeerInfo.User.of(10, 1))),
                () -> session.peerByUsername("seven"),
                () -> session.peerCount(),
                () -> session.updatesState(),
                () -> session.setUpdateState(new UpdateState.Secondary(3)),
                () -> session.setHomeDcId(4))) {
          Throwable thrown = catchStorageFailure(call);
          assertThat(thrown.getMessage())
              .startsWith("MongoDB at 127.0.0.1:" + proxy.port() + "/" + MongoTestServer.DATABASE)
              .contains(" for session 'stopped-");
        }
        assertThat(session.homeDcId()).isEqualTo(2);
        // no peer cache by default: a peer read before the outage is not served from memory
        catchStorageFailure(() -> session.peer(PeerId.user(7)));
        assertThatCode(session::close).doesNotThrowAnyException();
      }
    }
  }

  private static Throwable catchStorageFailure(Executable call) {
    Throwable thrown = catchThrowable(call::execute);
    assertThat(thrown).isInstanceOf(SessionStorageException.class);
    return thrown;
  }
}
