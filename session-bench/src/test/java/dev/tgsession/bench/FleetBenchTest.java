package dev.tgsession.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tgsession.Sessions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fleet harness on tiny fleets: setup, counts and teardown. No timing is checked. */
class FleetBenchTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {Store.SQLITE, Store.REDIS, Store.MONGO, Store.POSTGRES})
  @DisplayName("opens, uses, loads and closes a fleet of 5, ours and raw, with no failed op")
  void tinyFleet(String backend) throws Exception {
    assumeTrue(
        Sessions.schemes().contains(backend.equals(Store.MONGO) ? "mongodb" : backend),
        "the " + backend + " backend is not on the class path");
    if (backend.equals(Store.POSTGRES)) {
      assumeTrue(
          System.getenv(Store.POSTGRES_ENV) != null, "no " + Store.POSTGRES_ENV + " to run on");
    }
    FleetBench bench = new FleetBench(2, 200, 60, false, 2);
    bench.ours(backend, 5);
    bench.raw(backend, 5);
    String label = FleetBench.label(backend);
    String cost = bench.cost.toString();
    assertThat(cost).contains("| " + label + " | tgsession `Sessions.open` | 5 | ");
    assertThat(cost).contains("| " + label + " | raw driver, one shared pool | 5 | ");
    // every server connection the fleet opened is closed again (the left-after-close cell)
    assertThat(cost.lines().filter(l -> l.startsWith("| " + label + " |")))
        .hasSize(2)
        .allSatisfy(
            l -> assertThat(l).matches(".* \\| [+-]\\d+, [+-][\\d,]+, (\\+0|-) \\| [0-9.?]+ \\|$"));
    // the open time alone and the first use's, apart: ours has a first open and a p50 and p99
    assertThat(cost.lines().filter(l -> l.contains("| tgsession `Sessions.open` | 5 |")))
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .matches(
                        ".* \\| [0-9.,]+ ms / [0-9.,]+ ms / [0-9.,]+ ms \\| [0-9.,]+ ms / [0-9.,]+ ms \\| .*"));
    assertThat(bench.misses).isEmpty();
    assertThat(bench.notes(List.of(5), 60)).contains("Every fleet opened in full");
    // the load rows: 5 sessions, 2 platform workers, no failed op (errors column 0)
    assertThat(bench.load.toString().lines().filter(l -> l.contains("| 5 | 2 platform |")))
        .hasSize(2)
        .allSatisfy(l -> assertThat(l).matches(".* \\| 0 \\| [0-9.?]+ \\|$"));
  }

  @Test
  @DisplayName("a fleet the open budget stops is a miss, in its row and in the notes")
  void openBudgetMiss() throws Exception {
    FleetBench bench = new FleetBench(2, 100, 0, false, 2);
    bench.ours(Store.SQLITE, 50);
    assertThat(bench.cost.toString())
        .contains("| sqlite | tgsession `Sessions.open` | 1 of 50 (**miss**: open budget 0 s) |");
    assertThat(bench.misses).singleElement().asString().contains("1 of 50 opened");
    assertThat(bench.notes(List.of(50), 0)).contains("- **miss**: sqlite, tgsession");
  }

  @Test
  @DisplayName("counts established loopback connections to a port, and none after they close")
  void establishedConnections() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      assumeTrue(FleetProbe.establishedTo(port) == 0, "no /proc/net/tcp here");
      try (Socket a = new Socket(InetAddress.getLoopbackAddress(), port);
          Socket b = new Socket(InetAddress.getLoopbackAddress(), port);
          Socket acceptedA = server.accept();
          Socket acceptedB = server.accept()) {
        assertThat(List.of(a, b, acceptedA, acceptedB)).allMatch(Socket::isConnected);
        assertThat(FleetProbe.establishedTo(port)).isEqualTo(2);
      }
      assertThat(FleetProbe.establishedTo(port)).isZero();
    }
  }

  @Test
  @DisplayName("the workload counts every op it ran and every op that failed")
  void loadCounts() throws Exception {
    AtomicLong calls = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    FleetLoad.Fleet fleet =
        new FleetLoad.Fleet() {
          @Override
          public void read(int s, int p) {
            calls.incrementAndGet();
          }

          @Override
          public void byUsername(int s, int p) {
            calls.incrementAndGet();
          }

          @Override
          public void write(int s, int p, long hash) {
            calls.incrementAndGet();
            if (p == 0) {
              failed.incrementAndGet();
              throw new IllegalStateException("write failed");
            }
          }

          @Override
          public void state(int s, int pts) {
            calls.incrementAndGet();
          }
        };
    FleetLoad.Result result = FleetLoad.run(fleet, 3, 2, false, 100);
    assertThat(result.ops() + result.errors()).isEqualTo(calls.get());
    assertThat(result.errors()).isEqualTo(failed.get()).isPositive();
    assertThat(result.firstError()).contains("write failed");
  }

  @Test
  @DisplayName("percentiles by nearest rank")
  void percentiles() {
    long[] values = new long[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = i + 1;
    }
    assertThat(FleetLoad.percentile(values, 0.5)).isEqualTo(500);
    assertThat(FleetLoad.percentile(values, 0.99)).isEqualTo(990);
    assertThat(FleetLoad.percentile(values, 0.999)).isEqualTo(999);
    assertThat(FleetLoad.percentile(new long[0], 0.5)).isEqualTo(-1);
  }

  @Test
  @DisplayName("the directory growth prints a row for a backend, run or skipped for DIRECTORY")
  void directoryGrowth() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      DirectoryGrowth.main(new String[] {"--growth", "3", "--backends", "sqlite"});
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(out).containsAnyOf("| sqlite | 3 |", "| sqlite | not run: its provider lacks");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"--sqlite-copy", "--fill-threads"})
  @DisplayName("the directory growth's fast fills make the sessions the store lists, and say how")
  void directoryGrowthFills(String fill) throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      DirectoryGrowth.main(
          fill.equals("--sqlite-copy")
              ? new String[] {"--growth", "30,60", "--backends", "sqlite", fill}
              : new String[] {"--growth", "30,60", "--backends", "sqlite,redis", fill, "3"});
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    // a row at each size; the row is written only when list counted exactly that many sessions
    if (fill.equals("--sqlite-copy")) {
      assertThat(out)
          .contains("| sqlite | 30 | copies of one file made through the API, renamed |")
          .contains("| sqlite | 60 | copies of one file made through the API, renamed |");
    } else {
      assertThat(out)
          .contains("| sqlite | 30 | API, 3 threads |", "| sqlite | 60 | API, 3 threads |")
          .containsAnyOf("| redis | 60 | API, 3 threads |", "| redis | not run");
    }
  }

  @Test
  @DisplayName("the directory growth refuses an unknown option and no fill threads")
  void directoryGrowthOptions() {
    assertThatThrownBy(() -> DirectoryGrowth.main(new String[] {"--fill", "x"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--sqlite-copy")
        .hasMessageContaining("'--fill'");
    assertThatThrownBy(() -> DirectoryGrowth.main(new String[] {"--fill-threads", "0"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1 fill thread");
  }

  @Test
  @DisplayName("refuses an unknown option, naming the valid ones")
  void unknownOption() {
    assertThatThrownBy(() -> FleetBench.main(new String[] {"--session", "1"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--sessions")
        .hasMessageContaining("'--session'");
  }
}
