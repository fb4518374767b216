package dev.tgsession.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionLease;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.Sessions;
import dev.tgsession.spi.TestHooks;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Leases in the file: one owner at a time, across processes, with fencing in each write. */
@DisplayName("leases on one file")
class LeaseTest {

  @TempDir Path dir;

  private String uri(String owner) {
    return "sqlite:" + dir.resolve("leased.session") + "?lease=2&owner=" + owner;
  }

  @Test
  @DisplayName(
      "a second owner is refused with the holder's name; after close it gets a newer token")
  void exclusiveAndMonotonic() {
    long first;
    try (Session a = Sessions.open(uri("alpha"))) {
      first = a.lease().orElseThrow().token();
      assertThatThrownBy(() -> Sessions.open(uri("beta")))
          .isInstanceOf(SessionLeasedException.class)
          .hasMessageContaining("alpha")
          .satisfies(e -> assertThat(((SessionLeasedException) e).holder()).isEqualTo("alpha"));
      try (Session plain = Sessions.open("sqlite:" + dir.resolve("leased.session"))) {
        assertThat(plain.peerCount()).as("an open without lease= reads").isZero();
      }
    }
    try (Session b = Sessions.open(uri("beta"))) {
      SessionLease lease = b.lease().orElseThrow();
      assertThat(lease.owner()).isEqualTo("beta");
      assertThat(lease.token()).isGreaterThan(first);
      b.cachePeer(PeerInfo.User.of(1, 1));
      assertThat(b.peer(PeerId.user(1))).isPresent();
    }
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  @DisplayName(
      "a holder that stopped renewing loses the lease: its next write throws, nothing lands")
  void fencedAfterTakeover() throws Exception {
    try (Session a = Sessions.open(uri("alpha"))) {
      TestHooks.stopLeaseRenewal(a);
      a.cachePeer(PeerInfo.User.of(1, 1));
      Session b = openWhenFree(uri("beta"), Duration.ofSeconds(30));
      try (b) {
        assertThatThrownBy(() -> a.cachePeer(PeerInfo.User.of(2, 2)))
            .isInstanceOf(SessionLeaseLostException.class);
        assertThatThrownBy(() -> a.setHomeDcId(3)).isInstanceOf(SessionLeaseLostException.class);
        assertThat(b.peer(PeerId.user(2))).isEmpty();
        assertThat(b.homeDcId()).isEqualTo(2);
        assertThat(b.peer(PeerId.user(1))).isPresent();
      }
    }
  }

  @Test
  @DisplayName(
      "the fence asks SQLite for the token only after a commit to the lease file, and sees one"
          + " made by a plain connection at the next write")
  void fenceReadsTheTokenOnlyAfterACommit() throws Exception {
    try (SqliteSession a = (SqliteSession) Sessions.open(uri("alpha"))) {
      TestHooks.stopLeaseRenewal(a); // no renewal commits to the lease file during the test
      a.cachePeer(PeerInfo.User.of(1, 1));
      long reads = a.leases().tokenReads();
      for (int i = 2; i < 12; i++) {
        a.cachePeer(PeerInfo.User.of(i, i));
      }
      assertThat(a.leases().tokenReads())
          .as("ten writes with no commit to the lease file between them")
          .isEqualTo(reads);
      // what a takeover by another process commits: the token moves on (a plain connection)
      try (Connection other =
              DriverManager.getConnection(
                  "jdbc:sqlite:" + SqliteLeaseStore.fileOf(dir.resolve("leased.session")));
          Statement statement = other.createStatement()) {
        statement.executeUpdate("UPDATE tgsession_lease SET token = token + 1");
      }
      assertThatThrownBy(() -> a.cachePeer(PeerInfo.User.of(99, 99)))
          .isInstanceOf(SessionLeaseLostException.class);
      assertThat(a.leases().tokenReads()).isEqualTo(reads + 1);
      assertThat(a.peer(PeerId.user(99))).as("the refused write rolled back").isEmpty();
      assertThat(a.peer(PeerId.user(11))).isPresent();
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  @DisplayName("a holder killed with kill -9 blocks the next owner at most for the lease")
  void killedHolder() throws Exception {
    Process holder = startHolder(uri("victim"));
    try {
      Instant before = Instant.now();
      SessionLeasedException refused =
          (SessionLeasedException)
              org.assertj.core.api.Assertions.catchThrowable(() -> Sessions.open(uri("next")));
      assertThat(refused).isNotNull().hasMessageContaining("victim");
      assertThat(refused.expiresAt())
          .as("the holder blocks others at most for its lease (2 s) past its last renewal")
          .isBefore(before.plusSeconds(2).plusMillis(1));
      holder.destroyForcibly(); // SIGKILL
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
      try (Session next = openWhenFree(uri("next"), Duration.ofSeconds(30))) {
        assertThat(next.lease()).map(SessionLease::owner).contains("next");
        assertThat(next.peer(PeerId.user(77))).as("what the holder wrote before").isPresent();
      }
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  @DisplayName("a holder stopped (SIGSTOP) past its lease and continued: its next write throws")
  void stoppedHolder() throws Exception {
    Process holder = startHolder(uri("sleeper"));
    try (PrintWriter commands =
        new PrintWriter(holder.getOutputStream(), true, StandardCharsets.UTF_8)) {
      BufferedReader replies =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      signal(holder, "STOP");
      try (Session next = openWhenFree(uri("next"), Duration.ofSeconds(30))) {
        next.cachePeer(PeerInfo.User.of(88, 1));
        signal(holder, "CONT");
        commands.println("write 88 999");
        assertThat(replies.readLine()).startsWith("LOST");
        commands.println("write 89 999");
        assertThat(replies.readLine()).startsWith("LOST");
        assertThat(next.peer(PeerId.user(88))).map(PeerInfo::auth).contains(new PeerAuth(1));
        assertThat(next.peer(PeerId.user(89))).isEmpty();
      }
    } finally {
      holder.destroyForcibly();
      holder.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  @DisplayName(
      "a holder stopped (SIGSTOP) in the middle of a write does not hold off the next owner past"
          + " its lease")
  void stoppedInTheMiddleOfAWrite() throws Exception {
    Process holder = startHolder(uri("writer"));
    try (PrintWriter commands =
        new PrintWriter(holder.getOutputStream(), true, StandardCharsets.UTF_8)) {
      BufferedReader replies =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      commands.println("hold");
      assertThat(replies.readLine()).isEqualTo("HOLDING"); // its write transaction is open
      signal(holder, "STOP");
      long stopped = System.nanoTime();
      // SessionLockedException (the file's write lock, busy-timeout) is not caught: it fails
      try (Session next = openWhenFree(uri("next"), Duration.ofSeconds(30))) {
        assertThat(Duration.ofNanos(System.nanoTime() - stopped))
            .as("taken over once the 2 s lease ended, not after the holder's pause")
            .isLessThan(Duration.ofSeconds(20));
        assertThat(next.lease()).map(SessionLease::owner).contains("next");
        assertThat(next.peer(PeerId.user(77))).as("what the holder committed before").isPresent();

        signal(holder, "CONT");
        commands.println("release"); // its write transaction ends (rolled back)
        assertThat(replies.readLine()).isEqualTo("RELEASED");
        commands.println("write 88 999");
        assertThat(replies.readLine()).startsWith("LOST");
        next.cachePeer(PeerInfo.User.of(88, 1));
        assertThat(next.peer(PeerId.user(88))).map(PeerInfo::auth).contains(new PeerAuth(1));
      }
    } finally {
      holder.destroyForcibly();
      holder.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static void signal(Process process, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  private static Session openWhenFree(String uri, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        return Sessions.open(uri);
      } catch (SessionLeasedException e) {
        if (System.nanoTime() - deadline > 0) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  /** Starts a JVM that opens {@code uri}, writes user 77 and waits for commands on stdin. */
  private static Process startHolder(String uri) throws Exception {
    Process process =
        ChildJvm.of(Holder.class, uri).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String ready = out.readLine();
    assertThat(ready).isEqualTo("READY");
    return process;
  }

  /**
   * {@code Holder URI}: holds the session; {@code write ID HASH} caches a user, says OK or LOST.
   */
  static final class Holder {
    private Holder() {}

    public static void main(String[] args) throws Exception {
      Connection held = null;
      try (Session session = Sessions.open(args[0])) {
        session.cachePeer(PeerInfo.User.of(77, 77));
        System.out.println("READY");
        System.out.flush();
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
          String[] words = line.split(" ");
          if (words[0].equals("hold")) {
            // a write of this process in progress: the file's write lock taken and kept
            String file = args[0].substring("sqlite:".length(), args[0].indexOf('?'));
            held = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement statement = held.createStatement()) {
              statement.execute("BEGIN IMMEDIATE");
              statement.execute("UPDATE update_state SET qts = qts + 1");
            }
            System.out.println("HOLDING");
            System.out.flush();
            continue;
          }
          if (words[0].equals("release") && held != null) {
            held.close(); // rolls the open transaction back
            held = null;
            System.out.println("RELEASED");
            System.out.flush();
            continue;
          }
          try {
            session.cachePeer(PeerInfo.User.of(Long.parseLong(words[1]), Long.parseLong(words[2])));
            System.out.println("OK");
          } catch (SessionLeaseLostException e) {
            System.out.println("LOST " + e.getMessage());
          }
          System.out.flush();
        }
      }
    }
  }
}
