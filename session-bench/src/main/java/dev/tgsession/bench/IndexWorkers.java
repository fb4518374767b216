package dev.tgsession.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * Platform threads that take the indexes of a range in order, one at a time, until the range is
 * done, a deadline passes or the caller says stop: the shape of the harness's parallel phases
 * (opening a fleet, filling a store). An index taken is always finished, so a phase stopped by the
 * deadline leaves no hole.
 */
final class IndexWorkers {

  private IndexWorkers() {}

  /**
   * Runs {@code work} for the indexes {@code from} to {@code to - 1} on {@code threads} threads
   * named {@code name-N}, and returns when all have stopped.
   *
   * @param deadline a {@link System#nanoTime()} after which no index is taken
   * @param stopped checked before each index; true stops taking them
   */
  static void run(
      String name,
      int threads,
      int from,
      int to,
      long deadline,
      BooleanSupplier stopped,
      IntConsumer work)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger(from);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker =
          new Thread(
              () -> {
                while (!stopped.getAsBoolean() && System.nanoTime() - deadline < 0) {
                  int index = next.getAndIncrement();
                  if (index >= to) {
                    return;
                  }
                  work.accept(index);
                }
              },
              name + "-" + t);
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
  }
}
