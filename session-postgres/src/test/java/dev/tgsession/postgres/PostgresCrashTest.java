package dev.tgsession.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.DcOption;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.Sessions;
import dev.tgsession.spi.SessionImport;
import dev.tgsession.tck.TckData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Other processes killed with -9 or stopped with SIGSTOP in the middle of a write (issue 25). */
@DisplayName("PostgreSQL: writers killed or paused midway")
class PostgresCrashTest {

  private static Process start(Class<?> main, String... args) throws IOException {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static void signal(Process process, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).as("kill -%s", signal).isZero();
  }

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  @DisplayName(
      "a replace (copy, import) killed with -9 midway leaves the old session or the new one, never"
          + " peers without keys; a rerun succeeds at once (3 kills)")
  void replaceKilledMidway() throws Exception {
    String name = "replace-kill";
    String uri = PostgresTestServer.uri(name);
    long[] delays = {300, 900, 1800};
    int old = 1;
    try (Session session = Sessions.open(uri)) {
      SessionImport.replace(session, ReplaceMain.data(old, 10));
    }
    int completed = 0;
    for (int run = 0; run < delays.length; run++) {
      int seed = 10 + run;
      Process copy = start(ReplaceMain.class, uri, Integer.toString(seed));
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(copy.getInputStream(), StandardCharsets.UTF_8))) {
        assertThat(out.readLine()).isEqualTo("COPYING");
        TimeUnit.MILLISECONDS.sleep(delays[run]);
        copy.destroyForcibly(); // SIGKILL
        assertThat(copy.waitFor(10, TimeUnit.SECONDS)).isTrue();
      } finally {
        copy.destroyForcibly();
      }
      try (Session after = Sessions.open(uri)) {
        long peers = after.peerCount();
        int pts = after.updatesState().pts();
        DcOption dc = after.dcOption(2).orElseThrow();
        if (pts == seed) {
          completed++;
          assertThat(peers).as("peers of the new session").isEqualTo(ReplaceMain.PEERS);
          assertThat(dc.authKey()).isEqualTo(TckData.key(seed));
          old = seed;
        } else {
          assertThat(pts).as("updates state: the old session's").isEqualTo(old);
          assertThat(dc.authKey()).as("DC 2's key: the old session's").isEqualTo(TckData.key(old));
          assertThat(peers)
              .as("peers of the old session")
              .isEqualTo(old == 1 ? 10 : ReplaceMain.PEERS);
          assertThat(after.peer(PeerId.user(5)).orElseThrow().auth())
              .isEqualTo(new PeerAuth(5 * 31L + old));
        }
      }
    }
    System.getLogger(PostgresCrashTest.class.getName())
        .log(
            System.Logger.Level.INFO,
            "replace killed "
                + delays.length
                + " times: "
                + completed
                + " had committed, "
                + (delays.length - completed)
                + " left the old session");
    try (Session rerun = Sessions.open(uri)) {
      SessionData data = ReplaceMain.data(99, 100);
      SessionImport.replace(rerun, data);
      assertThat(rerun.peerCount()).isEqualTo(100);
      assertThat(rerun.dcOption(2).orElseThrow().authKey()).isEqualTo(TckData.key(99));
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  @DisplayName(
      "a lease holder stopped (SIGSTOP) in the middle of a write does not block the takeover for"
          + " its pause; once continued it writes nothing more")
  void holderPausedMidWrite() throws Exception {
    String name = PostgresTestServer.RUN + "-paused";
    String holderUri = PostgresTestServer.uri("paused", "lease=2&owner=paused");
    Process holder = start(PausedWriterMain.class, holderUri, name);
    ExecutorService opener = Executors.newSingleThreadExecutor();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      assertThat(line).as("the holder's first line").startsWith("MIDWRITE ");
      long token = Long.parseLong(line.substring(9));
      signal(holder, "STOP");

      // The lease (2 s) runs out while the holder sits stopped inside its transaction.
      String next = PostgresTestServer.uri("paused", "lease=30&owner=next");
      Future<Session> takeover =
          opener.submit(
              () -> {
                while (true) {
                  try {
                    return Sessions.open(next);
                  } catch (SessionLeasedException stillHeld) {
                    TimeUnit.MILLISECONDS.sleep(100);
                  }
                }
              });
      // 40 s bound on a loaded machine; the old code waited for the holder's whole (60 s) pause.
      Session taken = takeover.get(40, TimeUnit.SECONDS);
      try {
        assertThat(holder.isAlive()).as("the holder is still stopped").isTrue();
        assertThat(taken.lease().orElseThrow().token()).isGreaterThan(token);
        taken.cachePeer(PeerInfo.User.of(3, 3)); // its session lock is gone too
        assertThat(taken.peer(PeerId.user(3))).isPresent();

        signal(holder, "CONT");
        holder.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
        holder.getOutputStream().flush();
        assertThat(out.readLine()).as("the continued holder's next write").isEqualTo("LOST");
        assertThat(taken.peer(PeerId.user(2))).as("the stale holder's peer").isEmpty();
      } finally {
        taken.close();
      }
    } finally {
      opener.shutdownNow();
      holder.destroyForcibly();
    }
  }
}
