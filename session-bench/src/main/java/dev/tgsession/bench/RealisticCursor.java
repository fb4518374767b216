package dev.tgsession.bench;

import dev.tgsession.PeerInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Where one realistic benchmark (ours or its raw baseline) is in the {@link Realistic} workload:
 * the next user of a batch, the next named user, phone, warm peer and cold peer, and ever-growing
 * access hashes (so every write changes something). Both sides walk the same sequence.
 */
final class RealisticCursor {
  private int user;
  private int named;
  private int phone;
  private int warm;
  private int cold;
  private long newUsers;
  private int channel;
  private int pts;
  private long random = 7;
  private long hash = 1L << 50;
  private final int[] coldOrder;

  /** A cursor whose cold reads walk a fixed shuffled order of peers {@code 0 .. coldStored-1}. */
  RealisticCursor(int coldStored) {
    coldOrder = Realistic.shuffled(coldStored);
  }

  /** An access hash not written before. */
  long nextHash() {
    return ++hash;
  }

  /** The index of the next user of the working set (batches, single writes, coherence). */
  int nextUser() {
    int i = Realistic.USERS[user];
    user = user + 1 == Realistic.USERS.length ? 0 : user + 1;
    return i;
  }

  /** The index of the next user of the working set that carries a username. */
  int nextNamed() {
    int i = Realistic.NAMED_USERS[named];
    named = named + 1 == Realistic.NAMED_USERS.length ? 0 : named + 1;
    return i;
  }

  /** The index of the next user of the working set that carries a phone. */
  int nextPhone() {
    int i = Realistic.PHONE_USERS[phone];
    phone = phone + 1 == Realistic.PHONE_USERS.length ? 0 : phone + 1;
    return i;
  }

  /** The index of the next peer of the working set, users and channels alike. */
  int nextWarm() {
    int i = warm;
    warm = i + 1 == Realistic.WORKING_SET ? 0 : i + 1;
    return i;
  }

  /** A random index of the working set (a fixed sequence: both sides read the same peers). */
  int nextRandomWarm() {
    random = random * 6364136223846793005L + 1442695040888963407L;
    return (int) Long.remainderUnsigned(random >>> 16, Realistic.WORKING_SET);
  }

  /** The index of the next cold peer, in the shuffled order. */
  int nextCold() {
    int i = coldOrder[cold];
    cold = cold + 1 == coldOrder.length ? 0 : cold + 1;
    return i;
  }

  /** The bare id of the next channel of the working set (one peer in ten is a channel). */
  long nextChannel() {
    int i = channel * 10 + 9;
    channel = i + 10 >= Realistic.WORKING_SET ? 0 : channel + 1;
    return Realistic.bareId(i);
  }

  /** A pts (and seq) not written before: each update-state write moves the state on. */
  int nextPts() {
    return ++pts;
  }

  /** The number of the next user never stored before. */
  long nextNewUser() {
    return newUsers++;
  }

  /** {@link Realistic#BATCH} users of the working set, each with a new access hash. */
  List<PeerInfo> nextBatch() {
    List<PeerInfo> batch = new ArrayList<>(Realistic.BATCH);
    for (int k = 0; k < Realistic.BATCH; k++) {
      batch.add(Realistic.peer(nextUser(), nextHash()));
    }
    return batch;
  }

  /** {@link Realistic#BATCH} users never stored before, each with a username. */
  List<PeerInfo> nextNewBatch() {
    List<PeerInfo> batch = new ArrayList<>(Realistic.BATCH);
    for (int k = 0; k < Realistic.BATCH; k++) {
      batch.add(Realistic.newUser(nextNewUser(), nextHash()));
    }
    return batch;
  }
}
