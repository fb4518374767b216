package dev.tgsession.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * How the fleet is opened, as a host opens its accounts: session 0 alone first (it creates what the
 * sessions share: the client pool, the schema check), then the rest from {@code threads} threads,
 * each taking the next index until all are open or the budget is spent. Each session is opened and
 * then used once; the time of the open alone and of the first use are kept apart, so the open
 * distribution is the cost of {@code Sessions.open} (or the raw driver's open) and nothing else.
 * The budget bounds the whole phase (opens and first uses): a session taken before it ran out is
 * finished, none is taken after. The first failure stops every thread.
 *
 * @param <T> what an open returns (a session, or the index of a raw session)
 */
final class FleetOpen<T> {

  /** Opens session {@code s} and uses it once. */
  interface Opener<T> {
    T open(int s) throws Exception;

    void use(T opened, int s) throws Exception;
  }

  /**
   * What the phase did: the sessions opened, in index order, with their indices; the first open's
   * time; the later opens' and every first use's times, sorted; the phase's wall time; the first
   * failure, or empty.
   */
  record Result<T>(
      List<T> opened,
      int[] indices,
      long first,
      long[] laterOpens,
      long[] uses,
      double seconds,
      String failure) {

    int count() {
      return opened.size();
    }

    /** Sessions opened and used per second over the whole phase. */
    double rate() {
      return seconds <= 0 ? 0 : opened.size() / seconds;
    }
  }

  private final Opener<T> opener;
  private final int n;
  private final Object[] opened;
  private final long[] opens;
  private final long[] uses;
  private final AtomicReference<@Nullable String> failure = new AtomicReference<>();

  private FleetOpen(Opener<T> opener, int n) {
    this.opener = opener;
    this.n = n;
    this.opened = new Object[n];
    this.opens = new long[n];
    this.uses = new long[n];
  }

  /** Opens up to {@code n} sessions on {@code threads} threads within {@code budgetNanos}. */
  static <T> Result<T> run(Opener<T> opener, int n, int threads, long budgetNanos)
      throws InterruptedException {
    if (n < 1 || threads < 1) {
      throw new IllegalArgumentException(
          "expected at least 1 session and 1 thread, found " + n + " and " + threads);
    }
    return new FleetOpen<>(opener, n).go(threads, budgetNanos);
  }

  private Result<T> go(int threads, long budgetNanos) throws InterruptedException {
    long started = System.nanoTime();
    long deadline = started + budgetNanos;
    openOne(0);
    if (failure.get() == null) {
      IndexWorkers.run(
          "fleet-open", threads, 1, n, deadline, () -> failure.get() != null, this::openOne);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    List<T> list = new ArrayList<>();
    int[] indices = new int[n];
    long[] later = new long[n];
    long[] used = new long[n];
    int laterCount = 0;
    int usedCount = 0;
    for (int s = 0; s < n; s++) {
      if (opened[s] == null) {
        continue;
      }
      @SuppressWarnings("unchecked")
      T t = (T) opened[s];
      indices[list.size()] = s;
      list.add(t);
      if (s > 0) {
        later[laterCount++] = opens[s];
      }
      if (uses[s] >= 0) {
        used[usedCount++] = uses[s];
      }
    }
    long[] laterOpens = Arrays.copyOf(later, laterCount);
    long[] firstUses = Arrays.copyOf(used, usedCount);
    Arrays.sort(laterOpens);
    Arrays.sort(firstUses);
    String failed = failure.get();
    return new Result<>(
        list,
        Arrays.copyOf(indices, list.size()),
        opened[0] == null ? -1 : opens[0],
        laterOpens,
        firstUses,
        seconds,
        failed == null ? "" : failed);
  }

  private void openOne(int s) {
    T t;
    long t0 = System.nanoTime();
    try {
      t = opener.open(s);
    } catch (Exception | Error e) {
      fail("open " + (s + 1) + " failed: " + e.getClass().getSimpleName(), e);
      return;
    }
    opens[s] = System.nanoTime() - t0;
    opened[s] = t;
    long t1 = System.nanoTime();
    try {
      opener.use(t, s);
      uses[s] = System.nanoTime() - t1;
    } catch (Exception | Error e) {
      uses[s] = -1;
      fail("first use of " + (s + 1) + " failed: " + e.getClass().getSimpleName(), e);
    }
  }

  private void fail(String what, Throwable e) {
    if (failure.compareAndSet(null, what)) {
      System.err.println("fleet: " + what + ": " + e);
    }
  }
}
