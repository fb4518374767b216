package dev.tgsession.bench;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The data every benchmark, ours and the baselines', works on: {@link #STORED} users stored before
 * the measurement (the first {@link #NAMED} with a username), ids that are never stored, and ids
 * that are new when cached. Sessions and drivers store the same users (id and access hash).
 */
final class Workload {

  /** Users stored before measuring; hits and updates cycle over them. */
  static final int STORED = 5_000;

  /** Stored users that also carry a username ({@code bench_user_N}). */
  static final int NAMED = 100;

  /** Peers per batch of {@code cachePeers}. */
  static final int BATCH = 100;

  /** Channels whose pts {@code setUpdateState(Channel)} cycles over. */
  static final int CHANNELS = 100;

  private static final long STORED_BASE = 1_000_000_000L;
  private static final long MISSING_BASE = 2_000_000_000L;
  static final long NEW_BASE = 3_000_000_000L;
  private static final long CHANNEL_BASE = 1_000_000L;

  /**
   * New ids per thread before they repeat: bounds the memory backend's growth (millions of peers
   * per second); the durable backends never come near it in a short run.
   */
  static final long NEW_PER_THREAD = 1L << 22;

  private static final PeerId[] STORED_IDS = new PeerId[STORED];
  private static final PeerId[] MISSING_IDS = new PeerId[STORED];
  static final String[] USERNAMES = new String[NAMED];

  static {
    for (int i = 0; i < STORED; i++) {
      STORED_IDS[i] = PeerId.user(storedId(i));
      MISSING_IDS[i] = PeerId.user(MISSING_BASE + i);
    }
    for (int i = 0; i < NAMED; i++) {
      USERNAMES[i] = username(i);
    }
  }

  private Workload() {}

  /** The bare user id of stored user {@code i}. */
  static long storedId(int i) {
    return STORED_BASE + i;
  }

  /** The bot API dialog id of stored user {@code i} (a user's is its bare id). */
  static PeerId storedPeerId(int i) {
    return STORED_IDS[i];
  }

  /** A user id that is never stored. */
  static PeerId missingPeerId(int i) {
    return MISSING_IDS[i];
  }

  /** The username of named user {@code i}. */
  static String username(int i) {
    return "bench_user_" + i;
  }

  /** The bare id of channel {@code i}. */
  static long channelId(int i) {
    return CHANNEL_BASE + i;
  }

  /** The access hash stored for user {@code i} before measuring. */
  static long initialHash(int i) {
    return 0x5DEECE66DL * (i + 1);
  }

  /** Stores the {@link #STORED} users in batches of 1000, the first {@link #NAMED} named. */
  static void populate(Session session) {
    List<PeerInfo> batch = new ArrayList<>(1000);
    for (int i = 0; i < STORED; i++) {
      PeerAuth auth = new PeerAuth(initialHash(i));
      @Nullable List<String> names = i < NAMED ? List.of(username(i)) : null;
      batch.add(new PeerInfo.User(storedId(i), auth, null, null, names, null));
      if (batch.size() == 1000) {
        session.cachePeers(batch);
        batch.clear();
      }
    }
  }

  /** Reads each of the {@link #STORED} users once by id. */
  static void readStored(Session session) {
    for (int i = 0; i < STORED; i++) {
      if (session.peer(STORED_IDS[i]).isEmpty()) {
        throw new IllegalStateException("expected stored user " + STORED_IDS[i] + ", found none");
      }
    }
  }
}
