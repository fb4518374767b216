package dev.tgsession.bench;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fleet's mixed workload for a bounded time: {@code threads} workers (platform, or virtual on
 * JDK 21+) each pick a random session and a random one of its {@value FleetBench#PEERS} peers and
 * do one of: {@code peer(id)} (60%), {@code peerByUsername} (10%), {@code cachePeer} with a new
 * access hash (25%), {@code setUpdateState} (5%). Every op's latency is kept (a sorted array gives
 * the percentiles; at most {@value #MAX_SAMPLES} per worker, a count beyond).
 */
final class FleetLoad {

  /** Latency samples kept per worker. */
  static final int MAX_SAMPLES = 1 << 21;

  /** One op of the workload on session {@code s}, peer index {@code p}. */
  interface Fleet {
    void read(int s, int p) throws Exception;

    void byUsername(int s, int p) throws Exception;

    void write(int s, int p, long hash) throws Exception;

    void state(int s, int pts) throws Exception;
  }

  /** What one run of the workload did. */
  record Result(
      long ops, long errors, double seconds, long p50, long p99, long p999, String firstError) {
    double opsPerSecond() {
      return ops / seconds;
    }
  }

  private FleetLoad() {}

  /** Whether this JVM has virtual threads (JDK 21+). */
  static boolean virtualThreads() {
    try {
      Thread.class.getMethod("ofVirtual");
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static Thread thread(Runnable task, boolean virtual) {
    if (!virtual) {
      return new Thread(task, "fleet-worker");
    }
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      Method unstarted =
          Class.forName("java.lang.Thread$Builder").getMethod("unstarted", Runnable.class);
      return (Thread) unstarted.invoke(builder, task);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("expected virtual threads (JDK 21+), found none: " + e, e);
    }
  }

  static Result run(Fleet fleet, int sessions, int threads, boolean virtual, long millis)
      throws InterruptedException {
    long[][] samples = new long[threads][];
    int[] counts = new int[threads];
    AtomicLong ops = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    String[] firstError = {""};
    long deadline = System.nanoTime() + millis * 1_000_000L;
    List<Thread> workers = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int worker = t;
      samples[t] = new long[1024];
      workers.add(
          thread(
              () -> {
                SplittableRandom random = new SplittableRandom(worker * 7919L + 13);
                long hash = (worker + 1L) << 40;
                long done = 0;
                while (System.nanoTime() < deadline) {
                  int s = random.nextInt(sessions);
                  int p = random.nextInt(FleetBench.PEERS);
                  int kind = random.nextInt(100);
                  long t0 = System.nanoTime();
                  try {
                    if (kind < 60) {
                      fleet.read(s, p);
                    } else if (kind < 70) {
                      fleet.byUsername(s, p);
                    } else if (kind < 95) {
                      fleet.write(s, p, ++hash);
                    } else {
                      fleet.state(s, (int) (hash & 0x3FFFFFFF));
                    }
                  } catch (Exception | Error e) {
                    if (errors.getAndIncrement() == 0) {
                      firstError[0] = e.getClass().getSimpleName() + ": " + e.getMessage();
                    }
                    continue;
                  }
                  long took = System.nanoTime() - t0;
                  done++;
                  int c = counts[worker];
                  if (c < MAX_SAMPLES) {
                    if (c == samples[worker].length) {
                      samples[worker] = Arrays.copyOf(samples[worker], c * 2);
                    }
                    samples[worker][c] = took;
                    counts[worker] = c + 1;
                  }
                }
                ops.addAndGet(done);
              },
              virtual));
    }
    for (Thread w : workers) {
      w.start();
    }
    for (Thread w : workers) {
      w.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    int total = 0;
    for (int c : counts) {
      total += c;
    }
    long[] all = new long[total];
    int at = 0;
    for (int t = 0; t < threads; t++) {
      System.arraycopy(samples[t], 0, all, at, counts[t]);
      at += counts[t];
    }
    Arrays.sort(all);
    return new Result(
        ops.get(),
        errors.get(),
        seconds,
        percentile(all, 0.50),
        percentile(all, 0.99),
        percentile(all, 0.999),
        firstError[0]);
  }

  /** The value at quantile {@code q} of sorted values (nearest rank), or -1 when empty. */
  static long percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return -1;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
