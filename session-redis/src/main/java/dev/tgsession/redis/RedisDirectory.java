package dev.tgsession.redis;

import dev.tgsession.Session;
import dev.tgsession.SessionLease;
import dev.tgsession.SessionStore;
import dev.tgsession.SessionSummary;
import dev.tgsession.Sessions;
import dev.tgsession.spi.KeyVaults;
import dev.tgsession.spi.SessionFailures;
import dev.tgsession.spi.SessionUri;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.ZRangeParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The sessions under one prefix of a Redis server or cluster ({@code Sessions.store}).
 *
 * <p>The names are kept in a sorted set, {@code {prefix}:sessions}, all with score 0, so that
 * {@code ZRANGEBYLEX} pages them in byte order (the UTF-8 order of the names, which is their UTF-16
 * order except for names mixing characters above U+FFFF with ones from U+E000 to U+FFFF). A
 * session's first write lists it (on one server in the same script, {@code mark.lua}; on a cluster
 * the set lives in another slot and is written right after the session's own keys), and {@link
 * #delete} unlists it. The set carries a marker, the empty name (no session can have it), once it
 * is complete: a store written before the index existed is indexed once, with {@code SCAN} over
 * every master ({@link #rebuild()}), never {@code KEYS}. On a cluster, a crash between a session's
 * first write and its index entry leaves it unlisted until the next {@link #rebuild()}.
 */
final class RedisDirectory implements SessionStore {

  private static final RedisScript SUMMARY = RedisScript.load("summary");
  private static final RedisScript DELETE = RedisScript.load("delete");
  private static final Pattern NAME = Pattern.compile("[^{}]{1,200}");
  private static final byte[] COMPLETE = new byte[0];
  static final int PAGE = 500;
  private static final int DEFAULT_HOME = 2;

  private final RedisTarget target;
  private final RedisConnections connections;
  private final RedisCalls calls;
  private final SessionUri uri;
  private final byte[] index;
  private final AtomicBoolean closed = new AtomicBoolean();

  RedisDirectory(RedisTarget target, RedisConnections connections, SessionUri uri) {
    this.target = target;
    this.connections = connections;
    this.uri = uri;
    this.index = RedisKeys.index(target.prefix());
    this.calls =
        new RedisCalls(
            connections,
            redis.clients.jedis.util.JedisClusterCRC16.getSlot(index),
            "{" + target.prefix() + "}",
            0,
            1000);
    calls.describe(target.description());
  }

  @Override
  public Stream<SessionSummary> list(String namePrefix) {
    java.util.Objects.requireNonNull(namePrefix, "namePrefix");
    ensureOpen();
    ensureIndexed();
    Iterator<SessionSummary> pages = new Pages(namePrefix);
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(
            pages, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT),
        false);
  }

  /** Walks the index page by page ({@code ZRANGEBYLEX ... LIMIT 0 PAGE}), after the last name. */
  private final class Pages implements Iterator<SessionSummary> {
    private final byte[] max;
    private byte[] min;
    private boolean done;
    private Iterator<byte[]> page = Collections.emptyIterator();
    private @Nullable SessionSummary next;

    Pages(String prefix) {
      byte[] start = bytes(prefix);
      this.min = prefix.isEmpty() ? bytes("-") : concat(bytes("["), start);
      // 0xFF never occurs in UTF-8: every name starting with the prefix sorts before it.
      this.max = prefix.isEmpty() ? bytes("+") : concat(concat(bytes("["), start), new byte[] {-1});
    }

    @Override
    public boolean hasNext() {
      while (next == null) {
        if (page.hasNext()) {
          byte[] name = page.next();
          if (name.length > 0) {
            next = summaryOf(string(name)).orElse(null);
          }
        } else if (done) {
          return false;
        } else {
          ensureOpen();
          byte[] from = min;
          List<byte[]> names =
              calls.read(
                  "list the sessions",
                  redis ->
                      redis.zrange(
                          index, ZRangeParams.zrangeByLexParams(from, max).limit(0, PAGE)));
          done = names.size() < PAGE;
          if (!names.isEmpty()) {
            min = concat(bytes("("), names.get(names.size() - 1));
          }
          page = names.iterator();
        }
      }
      return true;
    }

    @Override
    public SessionSummary next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      SessionSummary summary = next;
      next = null;
      return summary;
    }
  }

  @Override
  public Optional<SessionSummary> summary(String name) {
    checkName(name);
    ensureOpen();
    ensureIndexed();
    return summaryOf(name);
  }

  private Optional<SessionSummary> summaryOf(String name) {
    Double listed = calls.read("look the session up", redis -> redis.zscore(index, bytes(name)));
    if (listed == null) {
      return Optional.empty();
    }
    RedisKeys keys = target.keys(name);
    List<?> parts =
        (List<?>)
            calls.read(
                "read the summary of session '" + name + "'",
                redis ->
                    SUMMARY.run(
                        redis, List.of(keys.dcs, keys.peers, keys.self, keys.lease), List.of()));
    int home = parts.get(0) instanceof byte[] h ? Integer.parseInt(string(h)) : DEFAULT_HOME;
    Long self =
        parts.get(2) instanceof byte[] id && id.length == Long.BYTES
            ? PeerRedisCodec.id(id).bareId()
            : null;
    Optional<SessionLease> lease = Optional.empty();
    if (parts.get(3) instanceof byte[] held && (Long) parts.get(4) > 0) {
      lease = Optional.of(RedisLeaseStore.holder(keys, describe(name), held, (Long) parts.get(4)));
    }
    return Optional.of(
        new SessionSummary(
            name,
            home,
            self,
            (Long) parts.get(1),
            null, // Redis keeps no write time that costs nothing to read
            lease,
            parts.get(5) instanceof byte[] vault ? fingerprint(vault) : null));
  }

  private static @Nullable String fingerprint(byte[] vault) {
    return KeyVaults.fingerprint(vault);
  }

  @Override
  public Session open(String name) {
    checkName(name);
    ensureOpen();
    return Sessions.open(SessionUri.withOption(uri.raw(), "session", name));
  }

  @Override
  public boolean delete(String name) {
    return delete(name, false);
  }

  @Override
  public boolean forceDelete(String name) {
    return delete(name, true);
  }

  /**
   * One script on the session's slot removes every key of it (data, lease, tokens, staged copies)
   * unless its lease is held and the delete is not forced; on one server it unlists the name in the
   * same script, on a cluster right after.
   */
  private boolean delete(String name, boolean force) {
    checkName(name);
    ensureOpen();
    RedisKeys keys = target.keys(name);
    boolean cluster = connections.cluster() != null;
    List<byte[]> scriptKeys = new ArrayList<>();
    scriptKeys.add(keys.lease);
    for (byte[] key : keys.everything()) {
      if (!Arrays.equals(key, keys.lease)) {
        scriptKeys.add(key);
      }
    }
    if (!cluster) {
      scriptKeys.add(index);
    }
    List<byte[]> args = List.of(bytes(force ? "1" : "0"), bytes(name), bytes(cluster ? "0" : "1"));
    List<?> reply =
        (List<?>)
            calls.write(
                "delete session '" + name + "'", redis -> DELETE.run(redis, scriptKeys, args));
    if ((Long) reply.get(0) == 0) {
      throw SessionFailures.leased(
          describe(name),
          RedisLeaseStore.holder(keys, describe(name), (byte[]) reply.get(1), (Long) reply.get(2)));
    }
    long removed = (Long) reply.get(1);
    if (cluster) {
      removed +=
          calls.write("unlist session '" + name + "'", redis -> redis.zrem(index, bytes(name)));
    }
    return removed > 0;
  }

  /** Indexes a store written before the index existed (once: the marker says it is complete). */
  private void ensureIndexed() {
    if (calls.read("read the index", redis -> redis.zscore(index, COMPLETE)) == null) {
      rebuild();
    }
  }

  /**
   * Lists every session found with {@code SCAN} (a {@code dcs} key under the prefix) on every
   * master, then marks the index complete. Safe while sessions are written: a session written
   * meanwhile lists itself. Returns how many sessions it found.
   */
  long rebuild() {
    byte[] match = bytes("{" + glob(target.prefix()) + ":*}:dcs");
    byte[] head = RedisKeys.keyPrefix(target.prefix());
    List<byte[]> names = new ArrayList<>();
    ScanParams params = new ScanParams().match(match).count(1000);
    for (Jedis node : masters()) {
      try (node) {
        byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
        do {
          ScanResult<byte[]> page = node.scan(cursor, params);
          for (byte[] key : page.getResult()) {
            String text = string(key);
            int end = text.lastIndexOf("}:dcs");
            if (end > head.length && text.indexOf('}') == end) {
              names.add(bytes(text.substring(head.length, end)));
            }
          }
          cursor = page.getCursorAsBytes();
        } while (!Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
      }
    }
    for (int from = 0; from < names.size(); from += PAGE) {
      java.util.Map<byte[], Double> members = new java.util.LinkedHashMap<>();
      names.subList(from, Math.min(names.size(), from + PAGE)).forEach(n -> members.put(n, 0.0));
      calls.write("index the sessions", redis -> redis.zadd(index, members));
    }
    calls.write("mark the index complete", redis -> redis.zadd(index, 0, COMPLETE));
    return names.size();
  }

  private List<Jedis> masters() {
    if (connections.cluster() == null) {
      return List.of(
          new Jedis(
              ((redis.clients.jedis.RedisClient) connections.client()).getPool().getResource()));
    }
    List<Jedis> masters = new ArrayList<>();
    for (ConnectionPool pool : connections.cluster().getPrimaryNodes().values()) {
      masters.add(new Jedis(pool.getResource()));
    }
    return masters;
  }

  private static String glob(String text) {
    return text.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
  }

  private String describe(String name) {
    return "session '" + name + "' of " + target.description();
  }

  private static void checkName(String name) {
    java.util.Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "expected a session name of 1 to 200 characters without '{' or '}', found '"
              + name
              + "'");
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the directory of " + target.description() + " is closed");
    }
  }

  @Override
  public String description() {
    return target.description();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      connections.release();
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
