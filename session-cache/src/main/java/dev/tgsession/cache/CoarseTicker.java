package dev.tgsession.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The clock of the peer caches' entry lifetimes: {@link System#nanoTime()} as a shared daemon
 * thread last read it, every {@link #RESOLUTION_MILLIS} ms. Caffeine reads its ticker on every hit
 * of a cache with a lifetime; {@code System.nanoTime()} costs 60-170 ns on a loaded virtual machine
 * (kvm-clock), as much as the rest of a hit, where this costs one volatile read. Lifetimes are
 * whole seconds ({@code peer-cache-ttl}), so an entry living up to {@value #RESOLUTION_MILLIS} ms
 * longer (more while the thread is starved) changes nothing that the lifetime is for: it bounds
 * memory and age, not coherence. One thread per JVM, started with the first cache.
 */
final class CoarseTicker implements Ticker {

  /** How often the shared thread reads the clock. */
  static final long RESOLUTION_MILLIS = 100;

  static final CoarseTicker INSTANCE = new CoarseTicker();

  private static volatile long now = System.nanoTime();

  static {
    ScheduledExecutorService clock =
        Executors.newSingleThreadScheduledExecutor(
            work -> {
              Thread thread = new Thread(work, "tgsession-peer-cache-clock");
              thread.setDaemon(true);
              return thread;
            });
    clock.scheduleAtFixedRate(
        () -> now = System.nanoTime(), RESOLUTION_MILLIS, RESOLUTION_MILLIS, TimeUnit.MILLISECONDS);
  }

  private CoarseTicker() {}

  @Override
  public long read() {
    return now;
  }
}
