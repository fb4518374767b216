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
 * SQLite: one {@code .session} file each in a temporary directory) by {@link FleetOpen} (the first
 * alone, the rest from {@code --open-threads} threads), each used once (home DC, 10 realistic
 * peers, an update state), then {@code --threads} platform threads (and virtual threads on JDK 21+)
 * run {@link FleetLoad}'s mixed workload over all of them for {@code --seconds}; then every session
 * is closed. The raw driver does the same with one shared pool ({@link FleetRaw}). Reported: ops/s,
 * p50/p99/p99.9, what the fleet adds to the process and the server ({@link FleetProbe}) per open
 * session, the open time alone (first, p50, p99) apart from the first use's (p50, p99), and what is
 * left after close. Opening stops at {@code --open-budget} seconds: a fleet that did not open in
 * time says how many it opened and is listed as a miss.
 *
 * <p>usage: {@code java -cp benchmarks.jar dev.tgsession.bench.FleetBench [--backends
 * sqlite,postgres,redis,mongo] [--sessions 1000,10000] [--threads 64] [--seconds 10] [--open-budget
 * 60] [--open-threads 4] [--no-raw] [--no-virtual]}; {@code --growth 100000} runs {@link
 * DirectoryGrowth} instead.
 */
public final class FleetBench {

  /** Peers each session stores when used once; the workload picks among them. */
  static final int PEERS = 10;

  /** Threads that open the fleet, after its first session. */
  static final int DEFAULT_OPEN_THREADS = 4;

  private final int threads;
  private final long millis;
  private final long openBudgetNanos;
  private final boolean virtual;
  private final int openThreads;
  final List<String> misses = new ArrayList<>();
  final StringBuilder cost = new StringBuilder();
  final StringBuilder load = new StringBuilder();

  FleetBench(int threads, long millis, long openBudgetSeconds, boolean virtual, int openThreads) {
    if (openThreads < 1) {
      throw new IllegalArgumentException("expected at least 1 open thread, found " + openThreads);
    }
    this.openThreads = openThreads;
    this.threads = threads;
    this.millis = millis;
    this.openBudgetNanos = openBudgetSeconds * 1_000_000_000L;
    this.virtual = virtual;
    cost.append(
        "| backend | path | sessions open | threads added | descriptors added (per session)"
            + " | server connections added | heap per session (after GC)"
            + " | open alone: first / p50 / p99 | first use: p50 / p99 | opened and used"
            + " | left after close (threads, descriptors, connections) | load (1 min) |\n");
    cost.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n");
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
    int openThreads = DEFAULT_OPEN_THREADS;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--backends" -> backends = Arrays.asList(args[++i].split(","));
        case "--sessions" ->
            sizes = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Long.parseLong(args[++i]);
        case "--open-budget" -> budget = Long.parseLong(args[++i]);
        case "--open-threads" -> openThreads = Integer.parseInt(args[++i]);
        case "--no-raw" -> raw = false;
        case "--no-virtual" -> virtual = false;
        case "--growth" -> {
          DirectoryGrowth.main(Arrays.copyOfRange(args, i, args.length));
          return;
        }
        default ->
            throw new IllegalArgumentException(
                "expected --backends, --sessions, --threads, --seconds, --open-budget,"
                    + " --open-threads, --no-raw, --no-virtual or --growth, found '"
                    + args[i]
                    + "'");
      }
    }
    FleetBench bench = new FleetBench(threads, seconds * 1000, budget, virtual, openThreads);
    for (String backend : backends) {
      for (int n : sizes) {
        bench.ours(backend, n);
        if (raw) {
          bench.raw(backend, n);
        }
      }
    }
    System.out.println(bench.notes(sizes, budget));
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

  /** What the tables measure and which fleets missed, for the top of the fleet section. */
  String notes(List<Integer> sizes, long budgetSeconds) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Each fleet is opened as a host opens its accounts: session 0 alone (it creates what"
                + " the sessions share), then the others from %d threads, each session opened and"
                + " then used once (home DC, %d peers in one batch, an update state; the raw driver"
                + " writes the same in one transaction, pipeline or bulk write). \"open alone\" is"
                + " the open call only (`Sessions.open`; sqlite raw: the file, its pragmas and"
                + " tables; the raw servers open nothing per session), \"first use\" the use"
                + " after it, both as distributions over the fleet; \"opened and used\" is the"
                + " whole phase's rate. The phase stops at the %d s open budget: a fleet of %s that"
                + " did not open in full is a **miss** of that size. Costs are differences from"
                + " before the fleet opened, taken with the fleet open and idle (heap after 3"
                + " `System.gc()`) and after every session was closed.%n%n",
            openThreads,
            PEERS,
            budgetSeconds,
            sizes.stream()
                .map(k -> String.format(Locale.ROOT, "%,d", k))
                .reduce((a, b) -> a + " or " + b)
                .orElse("-")));
    if (misses.isEmpty()) {
      out.append("Every fleet opened in full within the open budget.\n");
    } else {
      out.append("Misses (a fleet not opened in full within the open budget):\n\n");
      for (String miss : misses) {
        out.append("- **miss**: ").append(miss).append('\n');
      }
    }
    return out.toString();
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

  /** Our fleet: opens and uses once (in parallel), runs the workload, closes; appends its rows. */
  void ours(String backend, int n) throws Exception {
    String path = "tgsession `Sessions.open`";
    try (Store store = Store.start(backend)) {
      FleetProbe before = FleetProbe.take(store, backend, true);
      List<Session> toClose = new ArrayList<>();
      try {
        FleetOpen.Result<Session> result =
            FleetOpen.run(
                new FleetOpen.Opener<Session>() {
                  @Override
                  public Session open(int s) {
                    Session session = Sessions.open(sessionUri(store, backend, s));
                    synchronized (toClose) {
                      toClose.add(session);
                    }
                    return session;
                  }

                  @Override
                  public void use(Session session, int s) {
                    useOnce(session, s);
                  }
                },
                n,
                openThreads,
                openBudgetNanos);
        int open = result.count();
        FleetProbe opened = FleetProbe.take(store, backend, true);
        Session[] fleet = result.opened().toArray(new Session[0]);
        FleetLoad.Fleet work = ourWork(fleet);
        if (open > 0) {
          loadRow(backend, path, n, open, work, false);
          if (virtual) {
            loadRow(backend, path, n, open, work, true);
          }
        }
        closeAll(toClose);
        FleetProbe closed = FleetProbe.take(store, backend, true);
        costRow(backend, path, n, result, before, opened, closed);
      } finally {
        closeAll(toClose);
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

  /** Closes every session of the list and empties it (a second call has nothing to close). */
  private static void closeAll(List<Session> sessions) {
    synchronized (sessions) {
      for (Session session : sessions) {
        try {
          session.close();
        } catch (RuntimeException e) {
          System.err.println("fleet: close failed: " + e);
        }
      }
      sessions.clear();
    }
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
    long[] ids = new long[PEERS];
    String[] usernames = new String[PEERS];
    for (int p = 0; p < PEERS; p++) {
      ids[p] = id(p);
      usernames[p] = Realistic.username(p);
    }
    try (Store store = Store.start(backend)) {
      FleetProbe before = FleetProbe.take(store, backend, true);
      FleetOpen.Result<Integer> result;
      FleetProbe opened;
      FleetProbe closed;
      try (FleetRaw raw = FleetRaw.start(store, backend)) {
        result =
            FleetOpen.run(
                new FleetOpen.Opener<Integer>() {
                  @Override
                  public Integer open(int s) throws Exception {
                    raw.open(s);
                    return s;
                  }

                  @Override
                  public void use(Integer s, int unused) throws Exception {
                    long[] hashes = new long[PEERS];
                    for (int p = 0; p < PEERS; p++) {
                      hashes[p] = Realistic.initialHash(p) + s;
                    }
                    raw.useOnce(s, ids, hashes, usernames, 1);
                  }
                },
                n,
                openThreads,
                openBudgetNanos);
        opened = FleetProbe.take(store, backend, true);
        FleetLoad.Fleet work = rawWork(raw, result.indices());
        if (result.count() > 0) {
          loadRow(backend, path, n, result.count(), work, false);
          if (virtual) {
            loadRow(backend, path, n, result.count(), work, true);
          }
        }
      }
      closed = FleetProbe.take(store, backend, true);
      costRow(backend, path, n, result, before, opened, closed);
    }
  }

  private static long id(int p) {
    return Realistic.peerId(p).botApiDialogId();
  }

  /** The workload on the raw sessions; workload index {@code s} is raw session {@code at[s]}. */
  private static FleetLoad.Fleet rawWork(FleetRaw raw, int[] at) {
    return new FleetLoad.Fleet() {
      @Override
      public void read(int s, int p) throws Exception {
        found(raw.read(at[s], id(p)));
      }

      @Override
      public void byUsername(int s, int p) throws Exception {
        found(raw.byUsername(at[s], Realistic.username(p)));
      }

      @Override
      public void write(int s, int p, long hash) throws Exception {
        raw.write(at[s], id(p), hash, Realistic.username(p));
      }

      @Override
      public void state(int s, int pts) throws Exception {
        raw.state(at[s], pts, 1_700_000_000, 1);
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
      FleetOpen.Result<?> result,
      FleetProbe before,
      FleetProbe opened,
      FleetProbe closed) {
    int open = result.count();
    // the raw drivers of the servers have nothing to open per session: a key prefix or a column
    boolean noOpen = path.startsWith("raw") && !backend.equals(Store.SQLITE);
    double heapKb = open == 0 ? 0 : (opened.heap() - before.heap()) / 1024.0 / open;
    long fds = opened.fds() - before.fds();
    long[] later = result.laterOpens();
    long[] uses = result.uses();
    String sessions = String.format(Locale.ROOT, "%,d", open);
    if (open < n) {
      String why =
          result.failure().isEmpty()
              ? String.format(Locale.ROOT, "open budget %d s", openBudgetNanos / 1_000_000_000L)
              : result.failure();
      sessions += String.format(Locale.ROOT, " of %,d (**miss**: %s)", n, why);
      misses.add(
          String.format(
              Locale.ROOT, "%s, %s: %,d of %,d opened (%s)", label(backend), path, open, n, why));
    }
    String row =
        String.format(
            Locale.ROOT,
            "| %s | %s | %s | %+d | %s | %s | %.1f KB | %s / %s / %s | %s / %s | %,.0f /s |"
                + " %+d, %s, %s | %s |",
            label(backend),
            path,
            sessions,
            opened.threads() - before.threads(),
            opened.fds() < 0 || before.fds() < 0
                ? "? (could not be counted: the process was at its descriptor limit)"
                : String.format(
                    Locale.ROOT, "%+,d (%.2f)", fds, open == 0 ? 0.0 : (double) fds / open),
            connections(opened.connections(), before.connections()),
            heapKb,
            noOpen ? "-" : ms(result.first()),
            noOpen ? "-" : ms(FleetLoad.percentile(later, 0.5)),
            noOpen ? "-" : ms(FleetLoad.percentile(later, 0.99)),
            ms(FleetLoad.percentile(uses, 0.5)),
            ms(FleetLoad.percentile(uses, 0.99)),
            result.rate(),
            closed.threads() - before.threads(),
            closed.fds() < 0 || before.fds() < 0
                ? "?"
                : String.format(Locale.ROOT, "%+d", closed.fds() - before.fds()),
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
