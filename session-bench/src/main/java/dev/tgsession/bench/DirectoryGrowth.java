package dev.tgsession.bench;

import dev.tgsession.Session;
import dev.tgsession.SessionStore;
import dev.tgsession.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * How a store's directory grows ({@code Sessions.store}, capability {@code DIRECTORY}): one store
 * per backend grown to each size in {@code --growth} (sessions created through {@code
 * SessionStore.open}, each with a home DC, {@value FleetBench#PEERS} peers and an update state;
 * from {@code --fill-threads} threads; with {@code --sqlite-copy} the sqlite store is filled with
 * copies of one session file made through the API in another directory, each copied under a
 * temporary name and renamed to {@code NAME.session}), and at each size: {@code list} of the first
 * page ({@value #PAGE} summaries) and of everything, {@code summary}, {@code open} (and close) and
 * {@code delete} (of sessions created for it), the median of {@value #SAMPLES}. A backend whose
 * provider lacks {@code DIRECTORY} is skipped with a row saying so; growing stops at {@code
 * --growth-budget} seconds per backend (the row says the largest size reached).
 *
 * <p>usage: {@code java -cp benchmarks.jar dev.tgsession.bench.DirectoryGrowth --growth
 * 1000,10000,100000 [--backends sqlite,postgres,redis,mongo] [--growth-budget 600] [--fill-threads
 * 1] [--sqlite-copy]}
 */
public final class DirectoryGrowth {

  static final int PAGE = 100;
  static final int SAMPLES = 20;

  private DirectoryGrowth() {}

  /** Runs the growth given on the command line and prints its table. */
  public static void main(String[] args) throws Exception {
    List<String> backends = List.of(Store.SQLITE, Store.POSTGRES, Store.REDIS, Store.MONGO);
    List<Integer> sizes = List.of(1_000, 10_000, 100_000);
    long budget = 600;
    int fillThreads = 1;
    boolean sqliteCopy = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--growth" ->
            sizes = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
        case "--backends" -> backends = Arrays.asList(args[++i].split(","));
        case "--growth-budget" -> budget = Long.parseLong(args[++i]);
        case "--fill-threads" -> fillThreads = Integer.parseInt(args[++i]);
        case "--sqlite-copy" -> sqliteCopy = true;
        default ->
            throw new IllegalArgumentException(
                "expected --growth, --backends, --growth-budget, --fill-threads or --sqlite-copy,"
                    + " found '"
                    + args[i]
                    + "'");
      }
    }
    StringBuilder table = new StringBuilder();
    table.append(
        "| backend | sessions in the store | filled by | fill (sessions/s) | list first page of "
            + PAGE
            + " | list all | summary (p50) | open + close (p50) | delete (p50) | load (1 min) |\n");
    table.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
    if (fillThreads < 1) {
      throw new IllegalArgumentException("expected at least 1 fill thread, found " + fillThreads);
    }
    for (String backend : backends) {
      Filler filler =
          backend.equals(Store.SQLITE) && sqliteCopy
              ? new CopyFiller()
              : new ApiFiller(fillThreads);
      grow(backend, sizes, budget * 1_000_000_000L, filler, table);
    }
    System.out.println("### The directory of one store as it grows\n");
    System.out.println(table);
  }

  static String storeUri(Store store, String backend) {
    if (backend.equals(Store.SQLITE)) {
      return "sqlite:" + store.file(".").normalize();
    }
    String uri = store.sessionUri();
    return uri.substring(0, uri.indexOf("?session="));
  }

  private static void grow(
      String backend, List<Integer> sizes, long budgetNanos, Filler filler, StringBuilder out)
      throws Exception {
    String label = FleetBench.label(backend);
    try (Store store = Store.start(backend)) {
      SessionStore directory;
      try {
        directory = Sessions.store(storeUri(store, backend));
      } catch (IllegalArgumentException e) {
        if (!String.valueOf(e.getMessage()).contains("DIRECTORY")) {
          throw e;
        }
        out.append("| ")
            .append(label)
            .append(" | not run: its provider lacks capability DIRECTORY in this build | | | | | |")
            .append(" | | |\n");
        return;
      }
      try (SessionStore dir = directory) {
        int created = 0;
        filler.prepare(store);
        long deadline = System.nanoTime() + budgetNanos;
        for (int size : sizes) {
          long t0 = System.nanoTime();
          int from = created;
          created = filler.fill(store, dir, from, size, deadline);
          double rate = (created - from) / ((System.nanoTime() - t0) / 1e9);
          String line = row(label, filler.how(), dir, created, size, rate);
          out.append(line).append('\n');
          // each row as it is measured, so a run stopped later keeps the sizes it reached
          System.err.println(line);
          if (created < size) {
            break;
          }
        }
      }
    }
  }

  static String name(int s) {
    return String.format(Locale.ROOT, "g%06d", s);
  }

  /** Fills a store from {@code from} to {@code to} sessions, or fewer when the deadline passes. */
  interface Filler {
    int fill(Store store, SessionStore dir, int from, int to, long deadline) throws Exception;

    /** Makes what the fill needs before it is timed (nothing, or the file to copy). */
    default void prepare(Store store) throws Exception {}

    /** How the store is filled, for the table. */
    String how();
  }

  /** Sessions created through {@code SessionStore.open} from a number of threads. */
  static final class ApiFiller implements Filler {
    private final int threads;

    ApiFiller(int threads) {
      this.threads = threads;
    }

    @Override
    public String how() {
      return threads == 1 ? "API, one by one" : "API, " + threads + " threads";
    }

    @Override
    public int fill(Store store, SessionStore dir, int from, int to, long deadline)
        throws Exception {
      AtomicInteger done = new AtomicInteger(from);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      IndexWorkers.run(
          "directory-fill",
          threads,
          from,
          to,
          deadline,
          () -> failure.get() != null,
          s -> {
            try {
              create(dir, name(s));
              done.incrementAndGet();
            } catch (RuntimeException | Error e) {
              failure.compareAndSet(null, e);
            }
          });
      if (failure.get() != null) {
        throw new IllegalStateException(
            "could not create a session: " + failure.get(), failure.get());
      }
      // a thread stopped by the deadline leaves no hole: indices are taken in order and finished
      return done.get();
    }
  }

  /**
   * SQLite only: copies of one session file made through the API (in a directory of its own, so it
   * is not part of the store), each copied to a temporary name in the store and renamed to {@code
   * NAME.session}: the same content as {@link ApiFiller} writes, without a schema and three commits
   * per file.
   */
  static final class CopyFiller implements Filler {
    private @Nullable Path template;

    @Override
    public String how() {
      return "copies of one file made through the API, renamed";
    }

    @Override
    public void prepare(Store store) throws IOException {
      template(store);
    }

    @Override
    public int fill(Store store, SessionStore dir, int from, int to, long deadline)
        throws IOException {
      Path source = template(store);
      Path directory = store.file(".").normalize();
      int s = from;
      for (; s < to && System.nanoTime() - deadline < 0; s++) {
        Path temporary = directory.resolve(name(s) + ".copying");
        Files.copy(source, temporary, StandardCopyOption.REPLACE_EXISTING);
        Files.move(
            temporary, directory.resolve(name(s) + ".session"), StandardCopyOption.ATOMIC_MOVE);
      }
      return s;
    }

    private Path template(Store store) throws IOException {
      if (template == null) {
        Path made = store.file("template").resolve("template.session");
        Files.createDirectories(made.getParent());
        try (SessionStore other = Sessions.store("sqlite:" + made.getParent())) {
          create(other, "template");
        }
        for (String side : List.of("-wal", "-journal")) {
          Path file = Path.of(made + side);
          if (Files.exists(file) && Files.size(file) > 0) {
            throw new IllegalStateException(
                "expected the template's content in " + made + " alone, found " + file);
          }
        }
        template = made;
      }
      return template;
    }
  }

  static void create(SessionStore dir, String name) {
    try (Session session = dir.open(name)) {
      session.setHomeDcId(2);
      List<dev.tgsession.PeerInfo> peers = new ArrayList<>(FleetBench.PEERS);
      for (int p = 0; p < FleetBench.PEERS; p++) {
        peers.add(Realistic.peer(p, Realistic.initialHash(p)));
      }
      session.cachePeers(peers);
      session.setUpdateState(new dev.tgsession.UpdateState.Primary(1, 1_700_000_000, 1));
    }
  }

  private static String row(
      String label, String how, SessionStore dir, int created, int size, double rate) {
    long t0 = System.nanoTime();
    long page = dir.list("").limit(PAGE).count();
    long firstPage = System.nanoTime() - t0;
    t0 = System.nanoTime();
    long all = dir.list("").count();
    long everything = System.nanoTime() - t0;
    if (page != Math.min(PAGE, created) || all != created) {
      throw new IllegalStateException(
          "expected " + created + " sessions listed, found " + all + " (first page " + page + ")");
    }
    Random random = new Random(created);
    long[] summary = new long[SAMPLES];
    long[] open = new long[SAMPLES];
    long[] delete = new long[SAMPLES];
    for (int k = 0; k < SAMPLES; k++) {
      String name = name(random.nextInt(created));
      t0 = System.nanoTime();
      dir.summary(name).orElseThrow();
      summary[k] = System.nanoTime() - t0;
      t0 = System.nanoTime();
      dir.open(name).close();
      open[k] = System.nanoTime() - t0;
    }
    for (int k = 0; k < SAMPLES; k++) {
      create(dir, "zdel" + k);
    }
    for (int k = 0; k < SAMPLES; k++) {
      t0 = System.nanoTime();
      if (!dir.delete("zdel" + k)) {
        throw new IllegalStateException("expected zdel" + k + " deleted, found it missing");
      }
      delete[k] = System.nanoTime() - t0;
    }
    String reached =
        created < size
            ? String.format(Locale.ROOT, "%,d of %,d (growth budget)", created, size)
            : String.format(Locale.ROOT, "%,d", created);
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %,.0f | %s | %s | %s | %s | %s | %s |",
        label,
        reached,
        how,
        rate,
        FleetBench.ms(firstPage),
        FleetBench.ms(everything),
        median(summary),
        median(open),
        median(delete),
        FleetBench.loadAverage());
  }

  private static String median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return FleetBench.ms(FleetLoad.percentile(sorted, 0.5));
  }
}
