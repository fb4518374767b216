package dev.tgsession.bench;

import dev.tgsession.ChannelKind;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The realistic workload, the data the {@code *Realistic} benchmarks and their {@code *Raw}
 * baselines share. Peer {@code i} (from 0) is:
 *
 * <ul>
 *   <li>a channel when {@code i % 10 == 9}: broadcast, or a megagroup when {@code i % 20 == 19},
 *       with the username {@code chan_i};
 *   <li>else a user with the username {@code user_i}, except when {@code i % 50 == 18} (a known
 *       empty username list: 2 in 100 users have none); with a phone ({@code 1555} and {@code i} in
 *       7 digits) when {@code i % 10 == 0} (1 peer in 10); a bot when {@code i % 20 == 1} (1 peer
 *       in 20), else known not to be a bot.
 * </ul>
 *
 * <p>Every peer carries its access hash. The first {@link #WORKING_SET} peers are stored before
 * every realistic benchmark; the cold read stores more (up to its backend's cold size).
 */
final class Realistic {

  /** Peers stored before every realistic benchmark; warm reads, batches and lookups use them. */
  static final int WORKING_SET = 5_000;

  /** Peers per batch of {@code cachePeers}. */
  static final int BATCH = 100;

  /** Peers cached per call while populating a store. */
  static final int POPULATE_CHUNK = 1_000;

  private static final long USER_BASE = 5_000_000_000L;
  private static final long CHANNEL_BASE = 1_500_000_000L;
  private static final long NEW_USER_BASE = 7_000_000_000L;

  /** Users of the working set that carry a username (the lookup targets), as peer indexes. */
  static final int[] NAMED_USERS;

  /** Users of the working set that carry a phone, as peer indexes. */
  static final int[] PHONE_USERS;

  /** Users of the working set (batches cycle over them), as peer indexes. */
  static final int[] USERS;

  static {
    List<Integer> named = new ArrayList<>();
    List<Integer> phones = new ArrayList<>();
    List<Integer> users = new ArrayList<>();
    for (int i = 0; i < WORKING_SET; i++) {
      if (isChannel(i)) {
        continue;
      }
      users.add(i);
      if (username(i) != null) {
        named.add(i);
      }
      if (phone(i) != null) {
        phones.add(i);
      }
    }
    NAMED_USERS = named.stream().mapToInt(Integer::intValue).toArray();
    PHONE_USERS = phones.stream().mapToInt(Integer::intValue).toArray();
    USERS = users.stream().mapToInt(Integer::intValue).toArray();
  }

  private Realistic() {}

  static boolean isChannel(int i) {
    return i % 10 == 9;
  }

  /** The bare id of peer {@code i} (a user id or a channel id). */
  static long bareId(int i) {
    return isChannel(i) ? CHANNEL_BASE + i : USER_BASE + i;
  }

  /**
   * What {@code warmAfterScan} reads before measuring: the working set twice (peers {@code 0 ..
   * WORKING_SET-1}, a session that has been serving them), then every other stored peer once (the
   * scan: {@code WORKING_SET .. stored-1}).
   */
  static int[] workingSetThenScan(int stored) {
    int scanned = Math.max(0, stored - WORKING_SET);
    int[] order = new int[2 * WORKING_SET + scanned];
    for (int i = 0; i < order.length; i++) {
      order[i] = i < 2 * WORKING_SET ? i % WORKING_SET : i - WORKING_SET;
    }
    return order;
  }

  /** The date (unix seconds) of the update that brought {@code pts}: one update a second. */
  static int date(int pts) {
    return 1_765_000_000 + pts;
  }

  /** The Bot API dialog id of peer {@code i}. */
  static PeerId peerId(int i) {
    return isChannel(i) ? PeerId.channel(bareId(i)) : PeerId.user(bareId(i));
  }

  /** The one username of peer {@code i}, or null when it has none. */
  static @Nullable String username(int i) {
    if (isChannel(i)) {
      return "chan_" + i;
    }
    return i % 50 == 18 ? null : "user_" + i;
  }

  /** The phone of peer {@code i}, or null when not known. */
  static @Nullable String phone(int i) {
    return !isChannel(i) && i % 10 == 0 ? String.format("1555%07d", i) : null;
  }

  /** Whether peer {@code i} (a user) is a bot. */
  static boolean bot(int i) {
    return i % 20 == 1;
  }

  /** The channel kind of peer {@code i} (a channel). */
  static ChannelKind kind(int i) {
    return i % 20 == 19 ? ChannelKind.MEGAGROUP : ChannelKind.BROADCAST;
  }

  /** The access hash stored for peer {@code i} before measuring. */
  static long initialHash(int i) {
    return 0x2545F4914F6CDD1DL * (i + 1);
  }

  /** Peer {@code i} with the given access hash and everything else an update carries. */
  static PeerInfo peer(int i, long hash) {
    String name = username(i);
    List<String> names = name == null ? List.of() : List.of(name);
    if (isChannel(i)) {
      return new PeerInfo.Channel(bareId(i), new PeerAuth(hash), kind(i), names);
    }
    return new PeerInfo.User(bareId(i), new PeerAuth(hash), bot(i), null, names, phone(i));
  }

  /** A user never stored before: {@code n}-th new user, named {@code new_n}. */
  static PeerInfo newUser(long n, long hash) {
    return new PeerInfo.User(
        NEW_USER_BASE + n, new PeerAuth(hash), false, null, List.of("new_" + n), null);
  }

  /** Stores peers {@code from} to {@code to - 1} with their initial hashes, 1000 per call. */
  static void populate(Session session, int from, int to) {
    List<PeerInfo> chunk = new ArrayList<>(POPULATE_CHUNK);
    for (int i = from; i < to; i++) {
      chunk.add(peer(i, initialHash(i)));
      if (chunk.size() == POPULATE_CHUNK) {
        session.cachePeers(chunk);
        chunk.clear();
      }
    }
    if (!chunk.isEmpty()) {
      session.cachePeers(chunk);
    }
  }

  /**
   * A fixed pseudo-random order of {@code 0 .. size - 1} (so cold reads hit the store's pages in no
   * particular order, as a bot meeting users does).
   */
  static int[] shuffled(int size) {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    long seed = 42;
    for (int i = size - 1; i > 0; i--) {
      seed = seed * 6364136223846793005L + 1442695040888963407L;
      int j = (int) Long.remainderUnsigned(seed >>> 16, i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
