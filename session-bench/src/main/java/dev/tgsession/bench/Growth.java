package dev.tgsession.bench;

import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * How cost grows with the data, a bounded runner (not JMH: each size is filled once). For each
 * backend and each size of stored realistic peers (10k, 100k, and 1M with {@code --with-1m}), one
 * store grown from size to size: the fill rate, the time {@code Sessions.open} takes, named batches
 * (100 stored named users with new hashes), cold reads (a fresh instance reads distinct random
 * peers once each) and the store's bytes per peer. Then {@code --sessions N} named sessions (home
 * DC with an auth key, update state, 10 named peers) in one Redis and one MongoDB database, with
 * the bytes per session (the Mongo emulator is run up to 100k peers only: it holds every document
 * in this JVM's heap). Prints a Markdown table per part, which {@code bench/growth.sh} writes to
 * {@code bench/growth.md} and {@code bench/run.sh} puts into {@code bench/results.md}.
 *
 * <p>usage: {@code java -cp benchmarks.jar dev.tgsession.bench.Growth [--backends
 * sqlite,postgres,redis,mongo] [--sizes 10000,100000] [--with-1m] [--sessions 10000]}
 */
public final class Growth {

  private static final int BATCHES = 30;
  private static final int COLD_READS = 2_000;
  private static final int OPENS = 5;
  private static final int PEERS_PER_SESSION = 10;
  private static final int MONGO_EMULATOR_MAX = 100_000;

  private Growth() {}

  /** Runs the measurements given on the command line and prints the tables. */
  public static void main(String[] args) throws Exception {
    List<String> backends = List.of(Store.SQLITE, Store.POSTGRES, Store.REDIS, Store.MONGO);
    List<Integer> sizes = new ArrayList<>(List.of(10_000, 100_000));
    int sessions = 10_000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--backends" -> backends = Arrays.asList(args[++i].split(","));
        case "--sizes" ->
            sizes =
                new ArrayList<>(Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList());
        case "--with-1m" -> sizes.add(1_000_000);
        case "--sessions" -> sessions = Integer.parseInt(args[++i]);
        default ->
            throw new IllegalArgumentException(
                "expected --backends, --sizes, --with-1m or --sessions, found '" + args[i] + "'");
      }
    }
    StringBuilder peers = new StringBuilder();
    peers.append(
        "| backend | stored peers | fill (peers/s) | open (ms, median of "
            + OPENS
            + ") | named batches of 100 (peers/s) | cold peer(id) (reads/s, us/read) | bytes per peer"
            + " | measured as |\n");
    peers.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (String backend : backends) {
      growPeers(backend, sizes, peers);
    }
    System.out.println("### Stored peers\n");
    System.out.println(peers);
    if (sessions > 0) {
      StringBuilder named = new StringBuilder();
      named.append(
          "| backend | named sessions | create (sessions/s) | open + read one peer (ms, median)"
              + " | bytes per session | measured as |\n");
      named.append("|---|---:|---:|---:|---:|---|\n");
      for (String backend : backends) {
        if (backend.equals(Store.REDIS) || backend.equals(Store.MONGO)) {
          manySessions(backend, sessions, named);
        }
      }
      System.out.println(
          "### "
              + String.format(Locale.ROOT, "%,d", sessions)
              + " named sessions in one store (each: home DC with auth key, update state, "
              + PEERS_PER_SESSION
              + " named peers)\n");
      System.out.println(named);
    }
  }

  private static String label(String backend) {
    return backend.equals(Store.MONGO) ? "mongo (EMULATOR)" : backend;
  }

  private static void growPeers(String backend, List<Integer> sizes, StringBuilder table)
      throws Exception {
    try (Store store = Store.start(backend)) {
      String uri = store.sessionUri();
      long before = storeBytes(store, backend);
      Session session = Sessions.open(uri);
      try {
        int stored = 0;
        for (int size : sizes) {
          if (backend.equals(Store.MONGO) && size > MONGO_EMULATOR_MAX) {
            String row =
                String.format(
                    Locale.ROOT,
                    "| %s | %,d | not run: the emulator keeps every document in this JVM's heap"
                        + " | | | | | |",
                    label(backend),
                    size);
            table.append(row).append('\n');
            continue;
          }
          long start = System.nanoTime();
          Realistic.populate(session, stored, size);
          double fill = (size - stored) / seconds(start);
          stored = size;
          double open = medianOpenMillis(uri);
          double batches = namedBatches(session, size);
          double cold = coldReads(uri, size);
          long bytes = storeBytes(store, backend) - before;
          String row =
              String.format(
                  Locale.ROOT,
                  "| %s | %,d | %,.0f | %.1f | %,.0f | %,.0f (%.1f) | %,d | %s |",
                  label(backend),
                  size,
                  fill,
                  open,
                  batches,
                  cold,
                  1e6 / cold,
                  bytes / size,
                  bytesMeaning(backend));
          System.err.println(row);
          table.append(row).append('\n');
        }
      } finally {
        session.close();
      }
    }
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static double medianOpenMillis(String uri) {
    double[] times = new double[OPENS];
    for (int k = 0; k < OPENS; k++) {
      long start = System.nanoTime();
      Session s = Sessions.open(uri);
      times[k] = (System.nanoTime() - start) / 1e6;
      s.close();
    }
    Arrays.sort(times);
    return times[OPENS / 2];
  }

  /** Peers per second of {@link #BATCHES} batches of 100 random stored named users. */
  private static double namedBatches(Session session, int stored) {
    Random random = new Random(stored);
    long hash = 1L << 55;
    long start = System.nanoTime();
    for (int b = 0; b < BATCHES; b++) {
      List<PeerInfo> batch = new ArrayList<>(Realistic.BATCH);
      while (batch.size() < Realistic.BATCH) {
        int i = random.nextInt(stored);
        if (!Realistic.isChannel(i)) {
          batch.add(Realistic.peer(i, ++hash));
        }
      }
      session.cachePeers(batch);
    }
    return BATCHES * Realistic.BATCH / seconds(start);
  }

  /** Reads per second of a fresh instance reading distinct random stored peers once each. */
  private static double coldReads(String uri, int stored) {
    int[] order = Realistic.shuffled(stored);
    int reads = Math.min(COLD_READS, stored);
    try (Session fresh = Sessions.open(uri)) {
      long start = System.nanoTime();
      int found = 0;
      for (int k = 0; k < reads; k++) {
        found += fresh.peer(Realistic.peerId(order[k])).isPresent() ? 1 : 0;
      }
      double rate = reads / seconds(start);
      if (found != reads) {
        throw new IllegalStateException("expected " + reads + " stored peers read, found " + found);
      }
      return rate;
    }
  }

  private static String bytesMeaning(String backend) {
    return switch (backend) {
      case Store.SQLITE -> "file + WAL size";
      case Store.REDIS -> "INFO used_memory growth";
      case Store.POSTGRES -> "pg_database_size growth";
      case Store.MONGO -> "JVM heap growth after GC (EMULATOR, not MongoDB)";
      default -> "";
    };
  }

  /** What the store takes now, in the measure {@link #bytesMeaning} names. */
  static long storeBytes(Store store, String backend) {
    try {
      switch (backend) {
        case Store.SQLITE:
          long total = 0;
          for (String suffix : new String[] {"", "-wal"}) {
            Path file = store.file("session.sqlite" + suffix);
            total += Files.exists(file) ? Files.size(file) : 0;
          }
          return total;
        case Store.REDIS:
          try (RedisClient redis =
              RedisClient.builder()
                  .hostAndPort(new HostAndPort("127.0.0.1", store.port()))
                  .build()) {
            for (String line : redis.info("memory").split("\r?\n")) {
              if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
              }
            }
            throw new IllegalStateException("expected used_memory in INFO memory, found none");
          }
        case Store.POSTGRES:
          try (Connection c = store.postgres().connect();
              Statement statement = c.createStatement();
              ResultSet rows =
                  statement.executeQuery("SELECT pg_database_size(current_database())")) {
            rows.next();
            return rows.getLong(1);
          }
        case Store.MONGO:
          return heapAfterGc();
        default:
          return 0;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException("could not measure the database size: " + e, e);
    }
  }

  private static long heapAfterGc() {
    for (int k = 0; k < 3; k++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void manySessions(String backend, int count, StringBuilder table) {
    try (Store store = Store.start(backend)) {
      String base = store.sessionUri();
      // one session stays open so sessions that share a client (Mongo, PostgreSQL) keep it
      try (Session anchor = Sessions.open(base)) {
        anchor.homeDcId();
        long before = storeBytes(store, backend);
        byte[] key = new byte[AuthKey.LENGTH];
        DcOption known = KnownDcs.get(2).orElseThrow();
        long start = System.nanoTime();
        for (int s = 0; s < count; s++) {
          try (Session session = Sessions.open(named(base, s))) {
            key[0] = (byte) s;
            key[1] = (byte) (s >> 8);
            key[2] = (byte) 7;
            session.setDcOption(
                new DcOption(known.id(), known.ipv4(), known.ipv6(), AuthKey.of(key.clone())));
            session.setHomeDcId(2);
            session.setUpdateState(new UpdateState.Primary(s + 1, 1_700_000_000 + s, 1));
            List<PeerInfo> peers = new ArrayList<>(PEERS_PER_SESSION);
            for (int p = 0; p < PEERS_PER_SESSION; p++) {
              peers.add(Realistic.peer(p, Realistic.initialHash(p) + s));
            }
            session.cachePeers(peers);
          }
          if (s % 1000 == 999) {
            System.err.println(backend + ": " + (s + 1) + " sessions");
          }
        }
        double create = count / seconds(start);
        long bytes = storeBytes(store, backend) - before;
        double[] opens = new double[OPENS];
        Random random = new Random(count);
        for (int k = 0; k < OPENS; k++) {
          long t = System.nanoTime();
          try (Session session = Sessions.open(named(base, random.nextInt(count)))) {
            session.peer(Realistic.peerId(0)).orElseThrow();
          }
          opens[k] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(opens);
        String row =
            String.format(
                Locale.ROOT,
                "| %s | %,d | %,.0f | %.1f | %,d | %s |",
                label(backend),
                count,
                create,
                opens[OPENS / 2],
                bytes / count,
                bytesMeaning(backend));
        System.err.println(row);
        table.append(row).append('\n');
      }
    }
  }

  private static String named(String base, int s) {
    return base.replace("session=" + Store.SESSION, "session=s" + s);
  }
}
