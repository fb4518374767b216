package dev.tgsession.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionLease;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.SessionStorageException;
import dev.tgsession.Sessions;
import dev.tgsession.spi.SessionUri;
import dev.tgsession.spi.TestHooks;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("PostgreSQL backend")
class PostgresSessionTest {

  private final List<Session> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(Session::close);
  }

  private Session open(String uri) {
    Session session = Sessions.open(uri);
    opened.add(session);
    return session;
  }

  private static String query(String sql) throws SQLException {
    try (Connection connection = PostgresTestServer.connect();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      StringBuilder out = new StringBuilder();
      while (result.next()) {
        out.append(result.getString(1)).append('\n');
      }
      return out.toString();
    }
  }

  private static void execute(String sql) throws SQLException {
    try (Connection connection = PostgresTestServer.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  @Nested
  @DisplayName("URIs and options")
  class Uris {

    @Test
    @DisplayName("postgres:// opens the same session as postgresql://")
    void bothSchemes() {
      Session a = open(PostgresTestServer.uri("schemes"));
      a.cachePeer(PeerInfo.User.of(1, 11));
      Session b = open(PostgresTestServer.uri("schemes").replaceFirst("^postgresql:", "postgres:"));
      assertThat(b.peer(PeerId.user(1))).contains(PeerInfo.User.of(1, 11));
    }

    @Test
    @DisplayName("an unknown option is refused with the valid ones named, nothing is opened")
    void unknownOption() {
      assertThatThrownBy(() -> open(PostgresTestServer.uri("unknown", "sesion=typo")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("sesion")
          .hasMessageContaining("session")
          .hasMessageContaining("pool-size")
          .hasMessageContaining("peer-cache");
    }

    @Test
    @DisplayName("pgjdbc's options pass through to the driver (ApplicationName)")
    void driverOptionsPassThrough() throws SQLException {
      PostgresSession session =
          (PostgresSession)
              open(PostgresTestServer.uri("passthrough", "ApplicationName=tgsession-passthrough"));
      try (Connection connection = session.pool().connection();
          Statement statement = connection.createStatement();
          ResultSet result = statement.executeQuery("SHOW application_name")) {
        result.next();
        assertThat(result.getString(1)).isEqualTo("tgsession-passthrough");
      }
    }

    @Test
    @DisplayName("pool-size out of range is refused naming the range")
    void poolSizeRange() {
      assertThatThrownBy(() -> open(PostgresTestServer.uri("pool", "pool-size=0")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("pool-size")
          .hasMessageContaining("1..100");
    }

    @Test
    @DisplayName("the password shows nowhere: not in toString, not in a connection failure")
    void passwordRedacted() {
      String secret = "Sup3r-Secret-pw";
      String unreachable =
          "postgresql://someone:" + secret + "@127.0.0.1:1/test?session=x&connectTimeout=2";
      assertThatThrownBy(() -> open(unreachable))
          .isInstanceOf(SessionStorageException.class)
          .hasMessageStartingWith("session postgresql://someone:")
          .hasMessageContaining("could not connect to PostgreSQL at 127.0.0.1:1/test")
          .satisfies(e -> assertThat(stackText(e)).doesNotContain(secret));

      SessionUri real = SessionUri.parse(PostgresTestServer.uri("redacted"));
      if (real.password().isPresent()) {
        Session session = open(PostgresTestServer.uri("redacted"));
        assertThat(session.toString()).doesNotContain(":" + real.password().get() + "@");
        assertThat(session.toString()).contains("****");
      }
    }

    private static String stackText(Throwable failure) {
      StringBuilder out = new StringBuilder();
      for (Throwable t = failure; t != null; t = t.getCause()) {
        out.append(t).append('\n');
      }
      return out.toString();
    }
  }

  @Nested
  @DisplayName("the shared pool")
  class Pool {

    @Test
    @DisplayName("sessions of one server share a pool, which closes with the last of them")
    void sharedAndCounted() {
      Session a = Sessions.open(PostgresTestServer.uri("pool-a"));
      Session b = Sessions.open(PostgresTestServer.uri("pool-b"));
      PostgresConnections pool = ((PostgresSession) a).pool();
      assertThat(((PostgresSession) b).pool()).isSameAs(pool);
      a.close();
      assertThat(pool.closed()).isFalse();
      b.cachePeer(PeerInfo.User.of(2, 22));
      assertThat(b.peerCount()).isEqualTo(1);
      b.close();
      assertThat(pool.closed()).isTrue();
    }
  }

  @Nested
  @DisplayName("the schema")
  class Schemas {

    private final String schema = "tgs_" + PostgresTestServer.RUN.toLowerCase();

    @AfterEach
    void drop() throws SQLException {
      execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private String inSchema(String name) {
      return PostgresTestServer.uri(name)
          .replace("currentSchema=" + PostgresTestServer.SCHEMA, "currentSchema=" + schema);
    }

    @Test
    @DisplayName("is created by the backend in an empty schema, at version " + Schema.VERSION)
    void created() throws SQLException {
      execute("CREATE SCHEMA " + schema);
      open(inSchema("created")).cachePeer(PeerInfo.User.of(3, 33));
      assertThat(query("SELECT version FROM " + schema + ".tgsession_schema"))
          .isEqualTo(Schema.VERSION + "\n");
      assertThat(
              query(
                  "SELECT count(*) FROM information_schema.tables WHERE table_schema = '"
                      + schema
                      + "'"))
          .isEqualTo("9\n");
    }

    @Test
    @DisplayName(
        "a version-2 database is upgraded in place: peers get the upgrade's time, every session"
            + " with rows is listed")
    void upgradedFromVersion2() throws Exception {
      execute("CREATE SCHEMA " + schema);
      try (Session first = Sessions.open(inSchema("old"))) {
        first.cachePeer(PeerInfo.User.of(3, 33));
      }
      // Back to what 0.2.0 wrote: no cached_at, updated_at, extras or name index; a session with
      // a DC row and peers but no session row.
      execute(
          "SET search_path = "
              + schema
              + "; ALTER TABLE tgsession_peer DROP COLUMN cached_at;"
              + " ALTER TABLE tgsession_session DROP COLUMN updated_at;"
              + " DROP TABLE tgsession_extra; DROP INDEX tgsession_session_name;"
              + " DELETE FROM tgsession_session;"
              + " UPDATE tgsession_schema SET version = 2");
      Instant before = Instant.now().minusSeconds(5);
      try (Session upgraded = Sessions.open(inSchema("old"))) {
        assertThat(upgraded.peerCachedAt(PeerId.user(3)).orElseThrow()).isAfter(before);
        upgraded.setMediaDcOption(dev.tgsession.tck.TckData.dc(2, 1).withAuthKey(null));
        assertThat(upgraded.mediaDcOption(2)).isPresent();
      }
      assertThat(query("SELECT version FROM " + schema + ".tgsession_schema"))
          .isEqualTo(Schema.VERSION + "\n");
      String storeUri = inSchema("x").replaceFirst("&session=[^&]*", "");
      try (dev.tgsession.SessionStore store = Sessions.store(storeUri)) {
        assertThat(store.summary(PostgresTestServer.RUN + "-old").orElseThrow().peerCount())
            .isEqualTo(1);
      }
    }

    @Test
    @DisplayName("a newer version is refused and nothing is changed")
    void newerRefused() throws SQLException {
      execute("CREATE SCHEMA " + schema);
      execute(
          "CREATE TABLE "
              + schema
              + ".tgsession_schema (id integer PRIMARY KEY, version integer NOT NULL)");
      execute(
          "INSERT INTO " + schema + ".tgsession_schema VALUES (1, " + (Schema.VERSION + 1) + ")");
      assertThatThrownBy(() -> open(inSchema("newer")))
          .isInstanceOf(IncompatibleSessionException.class)
          .hasMessageContaining("found version " + (Schema.VERSION + 1))
          .hasMessageContaining("nothing was changed");
      assertThat(
              query(
                  "SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                      + schema
                      + "'"))
          .isEqualTo("tgsession_schema\n");
      assertThat(query("SELECT version FROM " + schema + ".tgsession_schema"))
          .isEqualTo((Schema.VERSION + 1) + "\n");
    }
  }

  @Nested
  @DisplayName("writes")
  class Writes {

    @Test
    @DisplayName(
        "a multi-statement write in auto-commit mode is one transaction: a failing last statement"
            + " takes the earlier ones back (what one-round-trip writes rely on)")
    void multiStatementIsOneTransaction() throws SQLException {
      Session session = open(PostgresTestServer.uri("implicit"));
      session.cachePeer(PeerInfo.User.of(1, 1));
      String name = PostgresTestServer.RUN + "-implicit";
      try (Connection connection = ((PostgresSession) session).pool().connection()) {
        assertThat(connection.getAutoCommit()).isTrue();
        try (PreparedStatement statement =
            connection.prepareStatement(
                "INSERT INTO tgsession_extra (session, name, value) VALUES (?, 'probe', '\\x01');\n"
                    + "SELECT 1 / (SELECT count(*)::int FROM tgsession_extra WHERE false)")) {
          statement.setString(1, name);
          assertThatThrownBy(statement::execute).isInstanceOf(SQLException.class);
        }
      }
      assertThat(query("SELECT count(*) FROM tgsession_extra WHERE session = '" + name + "'"))
          .isEqualTo("0\n");
    }

    @Test
    @DisplayName(
        "a peer cached again as it is stored has only its cached time refreshed, and no"
            + " notification is sent for it")
    void unchangedPeerOnlyRefreshed() throws Exception {
      Session session = open(PostgresTestServer.uri("rewrite"));
      String name = PostgresTestServer.RUN + "-rewrite";
      PeerInfo.User user =
          new PeerInfo.User(8, new PeerAuth(8), true, null, List.of("eight"), "15550008");
      session.cachePeer(user);
      Instant first = session.peerCachedAt(PeerId.user(8)).orElseThrow();
      try (Connection listener = PostgresTestServer.connect();
          Statement statement = listener.createStatement()) {
        statement.execute("LISTEN " + Schema.CHANNEL);
        TimeUnit.MILLISECONDS.sleep(5);
        session.cachePeer(user);
        session.cachePeer(new PeerInfo.User(8, null, null, null, null, null));
        session.cachePeers(List.of(user));
        assertThat(session.peerCachedAt(PeerId.user(8)).orElseThrow()).isAfter(first);
        statement.execute("SELECT 1"); // a round trip: notifications already sent arrive
        assertThat(payloads(listener, name)).as("notifications for unchanged peers").isEmpty();

        session.cachePeer(new PeerInfo.User(8, new PeerAuth(88), null, null, null, null));
        statement.execute("SELECT 1");
        assertThat(payloads(listener, name)).hasSize(1);
      }
      assertThat(session.peer(PeerId.user(8)).orElseThrow())
          .isEqualTo(
              new PeerInfo.User(8, new PeerAuth(88), true, null, List.of("eight"), "15550008"));
    }

    @Test
    @DisplayName(
        "one peer's write takes a username, the phone and the self flag from one other user at"
            + " once, and announces both in one notification")
    void singleWriteStripsOneHolderOfEverything() throws Exception {
      Session session = open(PostgresTestServer.uri("strip-all"));
      String name = PostgresTestServer.RUN + "-strip-all";
      session.cachePeer(
          new PeerInfo.User(1, new PeerAuth(1), null, true, List.of("a", "b"), "15550001"));
      try (Connection listener = PostgresTestServer.connect();
          Statement statement = listener.createStatement()) {
        statement.execute("LISTEN " + Schema.CHANNEL);
        TimeUnit.MILLISECONDS.sleep(5);
        session.cachePeer(
            new PeerInfo.User(2, new PeerAuth(2), false, true, List.of("a"), "15550001"));
        statement.execute("SELECT 1");
        assertThat(payloads(listener, name)).singleElement().asString().endsWith("\n2,1");
      }
      assertThat(session.peer(PeerId.user(1)).orElseThrow())
          .isEqualTo(new PeerInfo.User(1, new PeerAuth(1), null, false, List.of("b"), null));
      assertThat(session.peerByUsername("a").orElseThrow().peerId()).isEqualTo(PeerId.user(2));
      assertThat(session.peerByPhone("15550001").orElseThrow().peerId()).isEqualTo(PeerId.user(2));
      assertThat(session.peer(PeerId.selfUser()).orElseThrow().peerId()).isEqualTo(PeerId.user(2));
      assertThat(
              query(
                  "SELECT username || ':' || peer_id FROM tgsession_username WHERE session = '"
                      + name
                      + "' ORDER BY username"))
          .isEqualTo("a:2\nb:1\n");
    }

    private static List<String> payloads(Connection listener, String session) throws SQLException {
      List<String> found = new ArrayList<>();
      org.postgresql.PGNotification[] notifications =
          listener.unwrap(org.postgresql.PGConnection.class).getNotifications(500);
      if (notifications != null) {
        for (org.postgresql.PGNotification notification : notifications) {
          if (notification.getParameter().contains("\n" + session + "\n")) {
            found.add(notification.getParameter());
          }
        }
      }
      return found;
    }
  }

  @Nested
  @DisplayName("usernames")
  class Usernames {

    @Test
    @DisplayName("are matched exactly: '_' is not a wildcard")
    void exact() {
      Session session = open(PostgresTestServer.uri("exact"));
      session.cachePeer(new PeerInfo.User(4, new PeerAuth(4), null, null, List.of("axb"), null));
      assertThat(session.peerByUsername("a_b")).isEmpty();
      assertThat(session.peerByUsername("AXB")).isPresent();
    }

    @Test
    @DisplayName("are looked up through an index, not a scan")
    void indexed() throws SQLException {
      try (Connection connection = PostgresTestServer.connect();
          Statement statement = connection.createStatement()) {
        statement.execute("SET enable_seqscan = off");
        StringBuilder plan = new StringBuilder();
        try (ResultSet result =
            statement.executeQuery(
                "EXPLAIN SELECT peer_id FROM tgsession_username"
                    + " WHERE session = 'x' AND username = 'y'")) {
          while (result.next()) {
            plan.append(result.getString(1)).append('\n');
          }
        }
        assertThat(plan.toString()).contains("tgsession_username_pkey").doesNotContain("Seq Scan");
      }
    }
  }

  @Nested
  @DisplayName("leases")
  class Leases {

    @Test
    @DisplayName("one owner at a time; the other is refused naming the holder; close releases")
    void exclusive() {
      Session alpha = open(PostgresTestServer.uri("lease-ex", "lease=30&owner=alpha"));
      assertThat(alpha.lease().orElseThrow().owner()).isEqualTo("alpha");
      assertThatThrownBy(() -> open(PostgresTestServer.uri("lease-ex", "lease=30&owner=beta")))
          .isInstanceOf(SessionLeasedException.class)
          .hasMessageContaining("alpha")
          .satisfies(e -> assertThat(((SessionLeasedException) e).holder()).isEqualTo("alpha"));
      long token = alpha.lease().orElseThrow().token();
      alpha.close();
      Session beta = open(PostgresTestServer.uri("lease-ex", "lease=30&owner=beta"));
      assertThat(beta.lease().orElseThrow().token()).isGreaterThan(token);
    }

    @Test
    @DisplayName("a holder paused past its lease writes nothing once another owner took over")
    void fenced() throws InterruptedException {
      PostgresSession alpha =
          (PostgresSession) open(PostgresTestServer.uri("lease-fence", "lease=2&owner=alpha"));
      alpha.cachePeer(PeerInfo.User.of(1, 1));
      SessionLease first = alpha.lease().orElseThrow();
      TestHooks.stopLeaseRenewal(alpha);
      long wait = first.expiresAt().toEpochMilli() - System.currentTimeMillis() + 300;
      TimeUnit.MILLISECONDS.sleep(Math.max(0, Math.min(wait, 3000)));
      Session beta = open(PostgresTestServer.uri("lease-fence", "lease=30&owner=beta"));
      assertThat(beta.lease().orElseThrow().token()).isGreaterThan(first.token());

      assertThatThrownBy(() -> alpha.cachePeer(PeerInfo.User.of(2, 2)))
          .isInstanceOf(SessionLeaseLostException.class);
      assertThatThrownBy(() -> alpha.setHomeDcId(4)).isInstanceOf(SessionLeaseLostException.class);
      assertThat(beta.peer(PeerId.user(2))).isEmpty();
      assertThat(beta.peer(PeerId.user(1))).isPresent();
      beta.cachePeer(PeerInfo.User.of(3, 3));
      assertThat(beta.peerCount()).isEqualTo(2);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    @DisplayName("a holder killed with kill -9 keeps the next owner out for at most its lease")
    void holderKilled() throws Exception {
      String victim = PostgresTestServer.uri("lease-kill", "lease=3&owner=victim");
      Process process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  LeaseHolderMain.class.getName(),
                  victim)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      try {
        String line;
        try (BufferedReader out =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          line = out.readLine();
        }
        assertThat(line).as("the holder's first line").startsWith("HELD ");
        long token = Long.parseLong(line.substring(5));
        process.destroyForcibly(); // SIGKILL: no close(), no release
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long killed = System.nanoTime();

        String next = PostgresTestServer.uri("lease-kill", "lease=30&owner=next");
        assertThatThrownBy(() -> open(next))
            .isInstanceOf(SessionLeasedException.class)
            .hasMessageContaining("victim");
        Session taken = null;
        while (taken == null) {
          assertThat(System.nanoTime() - killed)
              .as(
                  "the next owner got in once the 3 s lease ran out (10 s bound for a loaded machine)")
              .isLessThan(TimeUnit.SECONDS.toNanos(10));
          try {
            taken = open(next);
          } catch (SessionLeasedException stillHeld) {
            TimeUnit.MILLISECONDS.sleep(100);
          }
        }
        assertThat(taken.lease().orElseThrow().token()).isGreaterThan(token);
        assertThat(taken.peer(PeerId.user(1))).isPresent();
      } finally {
        process.destroyForcibly();
      }
    }

    @Test
    @DisplayName("sessions opened without lease= neither take nor check one")
    void leaseless() {
      open(PostgresTestServer.uri("lease-free", "lease=30&owner=alpha"));
      Session reader = open(PostgresTestServer.uri("lease-free"));
      assertThat(reader.lease()).isEmpty();
      reader.cachePeer(PeerInfo.User.of(9, 9));
      assertThat(reader.peer(PeerId.user(9))).isPresent();
    }
  }

  static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
