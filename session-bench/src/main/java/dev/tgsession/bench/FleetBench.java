package dev.tgsession.bench;

import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A fleet in one JVM (not JMH: each size is opened once). For each backend and each fleet size: N
 * sessions opened with {@code Sessions.open} from a URI template ({@code session=f00000}, ...;
 * SQLite: one {@code .session} file each in a temporary directory), each used once (home DC, 10
 * realistic peers, an update state), then {@code --threads} platform threads (and virtual threads
 * on JDK 21+) run {@link FleetLoad}'s mixed workload over all of them for {@code --seconds}; then
 * every session is closed. The raw driver does the same with one shared pool ({@link FleetRaw}).
 * Reported: ops/s, p50/p99/p99.9, and what the fleet adds to the process and the server ({@link
 * FleetProbe}) per open session, the first and later open times, and what is left after close.
 * Opening stops at {@code --open-budget} seconds: a fleet that did not open in time says how many
 * it opened (a miss).
 *
 * <p>usage: {@code java -cp benchmarks.jar dev.tgsession.bench.FleetBench [--backends
 * sqlite,postgres,redis,mongo] [--sessions 1000,10000] [--threads 64] [--seconds 10] [--open-budget
 * 60] [--no-raw] [--no-virtual]}; {@code --growth 100000} runs {@link DirectoryGrowth} instead.
 */
public final class FleetBench {

  /** Peers each session stores when used once; the workload picks among them. */
  static final int PEERS = 10;

  private final int threads;
  private final long millis;
  private final long openBudgetNanos;
  private final boolean virtual;
  final StringBuilder cost = new StringBuilder();
  final StringBuilder load = new StringBuilder();

  FleetBench(int threads, long millis, long openBudgetSeconds, boolean virtual) {
    this.threads = threads;
    this.millis = millis;
    this.openBudgetNanos = openBudgetSeconds * 1_000_000_000L;
    this.virtual = virtual;
    cost.append(
        "| backend | path | sessions open | threads added | descriptors added (per session)"
            + " | server connections added | heap per session (after GC) | open: first / later p50"
            + " | left after close (threads, descriptors, connections) | load (1 min) |\n");
    cost.append("|---|---|---:|---:|---:|---:|---:|---:|---|---:|\n");
    load.append(
        "| backend | path | sessions | workers | ops/s | p50 | p99 | p99.9 | errors | load (1 min)"
            + " |\n");
    load.append("|---|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
  }

  /** Runs the fleets given on the command line and prints the two tables. */
  public static void main(String[] args) throws Exception {
    List<String> backends = List.of(Store.SQLITE, Store.POSTGRES, Store.REDIS, Store.MONGO);
    List<Integer> sizes = List.of(1_000, 10_000);
    int threads = 64;
    long seconds = 10;
    long budget = 60;
    boolean raw = true;
    boolean virtual = FleetLoad.virtualThreads();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--backends" -> backends = Arrays.asList(args[++i].split(","));
        case "--sessions" ->
            sizes = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Long.parseLong(args[++i]);
        case "--open-budget" -> budget = Long.parseLong(args[++i]);
        case "--no-raw" -> raw = false;
        case "--no-virtual" -> virtual = false;
        case "--growth" -> {
          DirectoryGrowth.main(Arrays.copyOfRange(args, i, args.length));
          return;
        }
        default ->
            throw new IllegalArgumentException(
                "expected --backends, --sessions, --threads, --seconds, --open-budget, --no-raw,"
                    + " --no-virtual or --growth, found '"
                    + args[i]
                    + "'");
      }
    }
    FleetBench bench = new FleetBench(threads, seconds * 1000, budget, virtual);
    for (String backend : backends) {
      for (int n : sizes) {
        bench.ours(backend, n);
        if (raw) {
          bench.raw(backend, n);
        }
      }
    }
    System.out.println(
        "### Cost of a fleet (Java "
            + Runtime.version().feature()
            + ", "
            + threads
            + " workers)\n");
    System.out.println(bench.cost);
    System.out.println("### Mixed workload over the fleet (" + seconds + " s per row)\n");
    System.out.println(bench.load);
  }

  static String label(String backend) {
    return backend.equals(Store.MONGO) ? "mongo (EMULATOR)" : backend;
  }

  /** The URI of fleet session {@code s} in the store. */
  static String sessionUri(Store store, String backend, int s) {
    String name = String.format(Locale.ROOT, "f%05d", s);
    if (backend.equals(Store.SQLITE)) {
      return "sqlite:" + store.file(name + ".session");
    }
    return store.sessionUri().replace("session=" + Store.SESSION, "session=" + name);
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception e) {
      return "?";
    }
  }

  /** Our fleet: opens, uses once, runs the workload, closes; appends its rows. */
  void ours(String backend, int n) throws Exception {
    String path = "tgsession `Sessions.open`";
    try (Store store = Store.start(backend)) {
      FleetProbe before = FleetProbe.take(store, backend, true);
      List<Session> sessions = new ArrayList<>(n);
      long[] opens = new long[n];
      String failure = "";
      long started = System.nanoTime();
      try {
        for (int s = 0; s < n && System.nanoTime() - started < openBudgetNanos; s++) {
          long t0 = System.nanoTime();
          Session session;
          try {
            session = Sessions.open(sessionUri(store, backend, s));
          } catch (RuntimeException e) {
            failure = " (open " + (s + 1) + " failed: " + e.getClass().getSimpleName() + ")";
            System.err.println("fleet " + backend + ": open " + (s + 1) + " failed: " + e);
            break;
          }
          opens[s] = System.nanoTime() - t0;
          sessions.add(session);
          useOnce(session, s);
        }
        int open = sessions.size();
        FleetProbe opened = FleetProbe.take(store, backend, true);
        Session[] fleet = sessions.toArray(new Session[0]);
        FleetLoad.Fleet work = ourWork(fleet);
        if (open > 0) {
          loadRow(backend, path, n, open, work, false);
          if (virtual) {
            loadRow(backend, path, n, open, work, true);
          }
        }
        closeAll(sessions);
        FleetProbe closed = FleetProbe.take(store, backend, true);
        costRow(backend, path, n, open, failure, before, opened, closed, opens);
      } finally {
        closeAll(sessions);
      }
    }
  }

  private static void useOnce(Session session, int s) {
    session.setHomeDcId(2);
    List<PeerInfo> peers = new ArrayList<>(PEERS);
    for (int p = 0; p < PEERS; p++) {
      peers.add(Realistic.peer(p, Realistic.initialHash(p) + s));
    }
    session.cachePeers(peers);
    session.setUpdateState(new UpdateState.Primary(1, 1_700_000_000, 1));
  }

  private static void closeAll(List<Session> sessions) {
    for (Session session : sessions) {
      try {
        session.close();
      } catch (RuntimeException e) {
        System.err.println("fleet: close failed: " + e);
      }
    }
    sessions.clear();
  }

  private static FleetLoad.Fleet ourWork(Session[] fleet) {
    return new FleetLoad.Fleet() {
      @Override
      public void read(int s, int p) {
        fleet[s].peer(Realistic.peerId(p)).orElseThrow();
      }

      @Override
      public void byUsername(int s, int p) {
        fleet[s].peerByUsername(Realistic.username(p)).orElseThrow();
      }

      @Override
      public void write(int s, int p, long hash) {
        fleet[s].cachePeer(Realistic.peer(p, hash));
      }

      @Override
      public void state(int s, int pts) {
        fleet[s].setUpdateState(new UpdateState.Primary(pts, 1_700_000_000, 1));
      }
    };
  }

  /** The raw driver's fleet with one shared pool: the same opens, uses and workload. */
  void raw(String backend, int n) throws Exception {
    String path = "raw driver, one shared pool";
    try (Store store = Store.start(backend)) {
      FleetProbe before = FleetProbe.take(store, backend, true);
      long[] opens = new long[n];
      int open = 0;
      String failure = "";
      FleetProbe opened;
      FleetProbe closed;
      try (FleetRaw raw = FleetRaw.start(store, backend)) {
        long started = System.nanoTime();
        for (int s = 0; s < n && System.nanoTime() - started < openBudgetNanos; s++) {
          long t0 = System.nanoTime();
          try {
            raw.open(s);
          } catch (Exception e) {
            failure = " (open " + (s + 1) + " failed: " + e.getClass().getSimpleName() + ")";
            System.err.println("fleet raw " + backend + ": open " + (s + 1) + " failed: " + e);
            break;
          }
          opens[s] = System.nanoTime() - t0;
          open++;
          for (int p = 0; p < PEERS; p++) {
            raw.write(s, id(p), Realistic.initialHash(p) + s, Realistic.username(p));
          }
          raw.state(s, 1, 1_700_000_000, 1);
        }
        opened = FleetProbe.take(store, backend, true);
        FleetLoad.Fleet work = rawWork(raw);
        loadRow(backend, path, n, open, work, false);
        if (virtual) {
          loadRow(backend, path, n, open, work, true);
        }
      }
      closed = FleetProbe.take(store, backend, true);
      costRow(backend, path, n, open, failure, before, opened, closed, opens);
    }
  }

  private static long id(int p) {
    return Realistic.peerId(p).botApiDialogId();
  }

  private static FleetLoad.Fleet rawWork(FleetRaw raw) {
    return new FleetLoad.Fleet() {
      @Override
      public void read(int s, int p) throws Exception {
        found(raw.read(s, id(p)));
      }

      @Override
      public void byUsername(int s, int p) throws Exception {
        found(raw.byUsername(s, Realistic.username(p)));
      }

      @Override
      public void write(int s, int p, long hash) throws Exception {
        raw.write(s, id(p), hash, Realistic.username(p));
      }

      @Override
      public void state(int s, int pts) throws Exception {
        raw.state(s, pts, 1_700_000_000, 1);
      }
    };
  }

  private static void found(Long hash) {
    if (hash == null) {
      throw new IllegalStateException("expected a stored peer, found none");
    }
  }

  private void loadRow(
      String backend, String path, int n, int open, FleetLoad.Fleet work, boolean virtualThreads)
      throws InterruptedException {
    FleetLoad.Result r = FleetLoad.run(work, open, threads, virtualThreads, millis);
    String row =
        String.format(
            Locale.ROOT,
            "| %s | %s | %,d%s | %d %s | %,.0f | %s | %s | %s | %,d%s | %s |",
            label(backend),
            path,
            open,
            open < n ? " of " + String.format(Locale.ROOT, "%,d", n) : "",
            threads,
            virtualThreads ? "virtual" : "platform",
            r.opsPerSecond(),
            ms(r.p50()),
            ms(r.p99()),
            ms(r.p999()),
            r.errors(),
            r.errors() > 0 ? " (" + r.firstError() + ")" : "",
            loadAverage());
    System.err.println(row);
    load.append(row).append('\n');
  }

  private void costRow(
      String backend,
      String path,
      int n,
      int open,
      String failure,
      FleetProbe before,
      FleetProbe opened,
      FleetProbe closed,
      long[] opens) {
    // the raw drivers of the servers have nothing to open per session: a key prefix or a column
    boolean noOpen = path.startsWith("raw") && !backend.equals(Store.SQLITE);
    double heapKb = open == 0 ? 0 : (opened.heap() - before.heap()) / 1024.0 / open;
    long fds = opened.fds() - before.fds();
    long[] later = Arrays.copyOfRange(opens, Math.min(1, open), Math.max(1, open));
    Arrays.sort(later);
    String row =
        String.format(
            Locale.ROOT,
            "| %s | %s | %,d%s%s | %+d | %+,d (%.2f) | %s | %.1f KB | %s / %s | %+d, %+d, %s | %s |",
            label(backend),
            path,
            open,
            open < n ? " of " + String.format(Locale.ROOT, "%,d", n) + " (open budget)" : "",
            failure,
            opened.threads() - before.threads(),
            fds,
            open == 0 ? 0.0 : (double) fds / open,
            connections(opened.connections(), before.connections()),
            heapKb,
            open == 0 || noOpen ? "-" : ms(opens[0]),
            open <= 1 || noOpen ? "none" : ms(FleetLoad.percentile(later, 0.5)),
            closed.threads() - before.threads(),
            closed.fds() - before.fds(),
            connections(closed.connections(), before.connections()),
            loadAverage());
    System.err.println(row);
    cost.append(row).append('\n');
  }

  private static String connections(long now, long before) {
    return now == FleetProbe.NO_SERVER ? "-" : String.format(Locale.ROOT, "%+,d", now - before);
  }

  static String ms(long nanos) {
    if (nanos < 0) {
      return "-";
    }
    double ms = nanos / 1e6;
    return String.format(Locale.ROOT, ms < 10 ? "%.2f ms" : "%,.0f ms", ms);
  }
}
