package dev.tgsession.bench;

import static dev.tgsession.bench.Workload.BATCH;
import static dev.tgsession.bench.Workload.CHANNELS;
import static dev.tgsession.bench.Workload.NAMED;
import static dev.tgsession.bench.Workload.NEW_BASE;
import static dev.tgsession.bench.Workload.NEW_PER_THREAD;
import static dev.tgsession.bench.Workload.STORED;
import static dev.tgsession.bench.Workload.USERNAMES;
import static dev.tgsession.bench.Workload.channelId;
import static dev.tgsession.bench.Workload.storedId;

import dev.tgsession.PeerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What one benchmark thread walks through: its own slice of new ids, the stored users in an order
 * of its own, and ever-growing access hashes and pts (so every write changes something). Public
 * because JMH's generated code instantiates it.
 */
@State(Scope.Thread)
public class Cursor {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final long newBase;
  private long newCount;
  private int index;
  private int name;
  private int channel;
  private long hash;
  private int pts;

  /** Starts the cursor of the next thread. */
  public Cursor() {
    int thread = THREADS.getAndIncrement();
    newBase = NEW_BASE + thread * NEW_PER_THREAD;
    index = (thread * 7919) % STORED;
    hash = 1L + thread * (1L << 40);
  }

  /** A user id not stored before (until {@code 2^22} of them, then they repeat). */
  long nextNewId() {
    long id = newBase + newCount;
    newCount = (newCount + 1) & (NEW_PER_THREAD - 1);
    return id;
  }

  /** The index of the next stored user. */
  int nextStored() {
    int i = index;
    index = i + 1 == STORED ? 0 : i + 1;
    return i;
  }

  /** The next username of a named user. */
  String nextUsername() {
    int i = name;
    name = i + 1 == NAMED ? 0 : i + 1;
    return USERNAMES[i];
  }

  /** The bare id of the next channel. */
  long nextChannel() {
    int i = channel;
    channel = i + 1 == CHANNELS ? 0 : i + 1;
    return channelId(i);
  }

  /** An access hash this thread has not written yet. */
  long nextHash() {
    return ++hash;
  }

  /** A pts larger than the last one. */
  int nextPts() {
    return ++pts;
  }

  /** {@link #BATCH} stored users, in this cursor's order, each with a new access hash. */
  List<PeerInfo> nextBatch() {
    List<PeerInfo> batch = new ArrayList<>(BATCH);
    for (int k = 0; k < BATCH; k++) {
      batch.add(PeerInfo.User.of(storedId(nextStored()), nextHash()));
    }
    return batch;
  }
}
