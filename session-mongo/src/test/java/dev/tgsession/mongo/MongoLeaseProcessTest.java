package dev.tgsession.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.Sessions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Leases across processes: a holder killed with kill -9, and one stopped past its lease. */
@DisplayName("leases on MongoDB across processes")
@EnabledOnOs({OS.LINUX, OS.MAC})
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MongoLeaseProcessTest {

  private final String name = "lease-process-" + System.nanoTime();
  private Process holder;

  @AfterEach
  void cleanUp() {
    if (holder != null) {
      holder.destroyForcibly();
    }
    try (Session session = Sessions.open(MongoTestServer.sessionUri(name, ""))) {
      session.clear();
    }
  }

  private String uri(String options) {
    return MongoTestServer.sessionUri(name, options);
  }

  /** Starts {@link LeaseHolderProcess} with a lease and waits for its HELD line. */
  private BufferedReader startHolder(int seconds) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    holder =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                LeaseHolderProcess.class.getName(),
                uri("lease=" + seconds + "&owner=child"))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line).as("the holder's first line").startsWith("HELD ");
    return out;
  }

  private static void signal(Process process, String signal) throws Exception {
    int exit =
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
    assertThat(exit).as("kill -" + signal).isZero();
  }

  private static void sleepPast(Instant instant) throws InterruptedException {
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), instant).toMillis()) + 700);
  }

  @Test
  @DisplayName("a holder killed with kill -9 blocks the next owner only until its lease ends")
  void killedHolder() throws Exception {
    startHolder(3);
    SessionLeasedException refused =
        (SessionLeasedException)
            org.assertj.core.api.Assertions.catchThrowable(
                () -> Sessions.open(uri("lease=30&owner=parent")).close());
    assertThat(refused).isNotNull();
    assertThat(refused.holder()).isEqualTo("child");
    holder.destroyForcibly().waitFor();
    sleepPast(refused.expiresAt());
    try (Session next = Sessions.open(uri("lease=30&owner=parent"))) {
      assertThat(next.lease().orElseThrow().owner()).isEqualTo("parent");
    }
  }

  @Test
  @DisplayName(
      "a holder stopped (SIGSTOP) past its lease and continued throws on its next write, and"
          + " nothing it writes lands after the takeover")
  void stoppedHolder() throws Exception {
    BufferedReader out = startHolder(2);
    Writer in = new OutputStreamWriter(holder.getOutputStream(), StandardCharsets.UTF_8);
    signal(holder, "STOP");
    Instant expires;
    try (Session plain = Sessions.open(uri(""))) {
      plain.cachePeer(PeerInfo.User.of(1, 100));
    }
    assertThatThrownBy(() -> Sessions.open(uri("lease=30&owner=parent")).close())
        .isInstanceOf(SessionLeasedException.class);
    expires =
        ((SessionLeasedException)
                org.assertj.core.api.Assertions.catchThrowable(
                    () -> Sessions.open(uri("lease=30&owner=parent")).close()))
            .expiresAt();
    sleepPast(expires);
    try (Session next = Sessions.open(uri("lease=30&owner=parent"))) {
      signal(holder, "CONT");
      in.write("write\n");
      in.flush();
      assertThat(out.readLine()).as("the continued holder's write").isEqualTo("LOST");
      assertThat(next.peer(PeerId.user(1)).orElseThrow().auth()).isEqualTo(new PeerAuth(100));
    }
  }
}
