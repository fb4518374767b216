package dev.tgsession.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionStorageException;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.spi.SessionUri;
import dev.tgsession.tck.server.TcpProxy;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server vanishing under a running session, through a proxy the test cuts. */
@DisplayName("PostgreSQL: faults")
class PostgresFaultTest {

  private static final int WRITES = 150;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  @DisplayName(
      "connections cut twice and the server 'restarting' for 1.5 s mid-stream: the same Session"
          + " resumes and nothing it acknowledged is lost")
  void serverRestartMidStream() throws Exception {
    SessionUri real = SessionUri.parse(PostgresTestServer.uri());
    SessionUri.Host host = real.hosts().get(0);
    String name = PostgresTestServer.RUN + "-fault";
    List<Integer> acknowledged = new ArrayList<>();
    int failed = 0;
    try (TcpProxy proxy = new TcpProxy(host.host(), host.portOr(5432))) {
      String viaProxy =
          real.scheme()
              + "://"
              + userInfo(real)
              + "127.0.0.1:"
              + proxy.port()
              + real.path()
              + "?session="
              + URLEncoder.encode(name, StandardCharsets.UTF_8)
              + "&peer-cache=100&connectTimeout=2&currentSchema="
              + PostgresTestServer.SCHEMA;
      try (Session session = Sessions.open(viaProxy)) {
        for (int i = 1; i <= WRITES; i++) {
          if (i == 50) {
            proxy.cut();
          }
          if (i == 100) {
            proxy.refuse(true);
            proxy.cut();
            Thread restart =
                new Thread(
                    () -> {
                      sleep(1500);
                      proxy.refuse(false);
                    });
            restart.start();
          }
          try {
            session.cachePeer(new PeerInfo.User(i, new PeerAuth(i * 7L), null, null, null, null));
            session.setUpdateState(new UpdateState.Primary(i, i, i));
            acknowledged.add(i);
          } catch (SessionStorageException e) {
            failed++;
            assertThat(e.getMessage())
                .startsWith("session postgresql://")
                .contains("127.0.0.1:" + proxy.port() + "/", "session=" + name, ": could not ");
          }
        }
        assertThat(acknowledged).as("resumed after the restart").contains(WRITES);
        assertThat(session.peer(PeerId.user(WRITES)).orElseThrow().auth())
            .isEqualTo(new PeerAuth(WRITES * 7L));
      }
    }
    System.getLogger(PostgresFaultTest.class.getName())
        .log(
            System.Logger.Level.INFO,
            "fault test: "
                + acknowledged.size()
                + " of "
                + WRITES
                + " writes acknowledged, "
                + failed
                + " failed while the server was away");
    assertThat(failed).as("writes that failed while the server was away").isLessThan(10);
    try (Session direct = Sessions.open(PostgresTestServer.uri("fault"))) {
      for (int i : acknowledged) {
        assertThat(direct.peer(PeerId.user(i)))
            .as("acknowledged write %d", i)
            .contains(new PeerInfo.User(i, new PeerAuth(i * 7L), null, null, null, null));
      }
      assertThat(direct.updatesState().pts()).isEqualTo(WRITES);
    }
  }

  private static String userInfo(SessionUri uri) {
    if (uri.user().isEmpty()) {
      return "";
    }
    String user = URLEncoder.encode(uri.user().get(), StandardCharsets.UTF_8);
    return uri.password()
        .map(password -> user + ":" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "@")
        .orElse(user + "@");
  }

  private static void sleep(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
