package dev.tgsession.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Peer-cache coherence for every session of one server (or cluster) in this JVM: one RESP3
 * connection per node, subscribed with {@code CLIENT TRACKING ON BCAST PREFIX {prefix:} ...}, so
 * the server pushes the name of every key anyone modifies under a session prefix in use. Each
 * {@code invalidate} message is routed by the key's hash tag to the open sessions of that tag, and
 * drops their peer cache when the key is a {@code peers} or {@code info} hash.
 *
 * <p>Why this is exact for a reader after the writer's call returned: in BCAST mode the server
 * queues the invalidation in the same event-loop iteration that ran the write, before it writes any
 * reply of that iteration; so the message has reached this connection's socket before the writer
 * can read its reply. Every cache hit asks the sockets ({@code FIONREAD}) whether anything arrived
 * and, if so, reads and routes it before the hit is served. Over a network, a reader may see the
 * old copy for the time the message takes to arrive.
 *
 * <p>When a connection breaks (server restart, failover, a node added), no hit is served until the
 * connections are back (tried every {@value #MAINTENANCE_MILLIS} ms by one daemon thread shared by
 * the JVM); every cache is dropped once they are.
 */
final class RedisCoherence implements AutoCloseable {

  /** How often idle connections are drained and broken ones reconnected. */
  static final long MAINTENANCE_MILLIS = 250;

  private static final ScheduledExecutorService MAINTENANCE =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "tgsession-redis-tracking");
            thread.setDaemon(true);
            return thread;
          });

  private static final byte[] INVALIDATE = bytes("invalidate");

  /** The nodes to track ({@code host:port}), read again at every maintenance round. */
  private final Supplier<Set<String>> nodes;

  /** The nodes that must be tracked: the masters, which take the writes. */
  private final Supplier<Set<String>> required;

  private final @Nullable String user;
  private final @Nullable String password;
  private final int connectTimeoutMillis;
  private final int timeoutMillis;
  private final ReentrantLock lock = new ReentrantLock();
  private final ByteBuffer scratch = ByteBuffer.allocate(16384);
  private final ScheduledFuture<?> maintenance;

  /** Open sessions by hash tag: the callbacks that drop their peer caches. */
  private final Map<String, List<Runnable>> sessions = new ConcurrentHashMap<>();

  // Written under lock; read without it on the hit path.
  private volatile List<Tracked> connections = List.of();
  private volatile boolean broken = true;
  private volatile boolean closed;
  // Guarded by lock.
  private Set<String> tracked = Set.of();
  private Set<String> prefixes = new TreeSet<>();

  /** One node's tracking connection and the bytes of a message not yet complete. */
  private record Tracked(SocketChannel channel, InputStream probe, ByteBuffer pending) {}

  RedisCoherence(
      Supplier<Set<String>> nodes,
      Supplier<Set<String>> required,
      @Nullable String user,
      @Nullable String password,
      int connectTimeoutMillis,
      int timeoutMillis) {
    this.nodes = nodes;
    this.required = required;
    this.user = user;
    this.password = password;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.timeoutMillis = timeoutMillis;
    this.maintenance =
        MAINTENANCE.scheduleWithFixedDelay(
            this::maintain, MAINTENANCE_MILLIS, MAINTENANCE_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Routes changes of the keys of {@code tag} (under {@code prefix}) to {@code onChange} until the
   * returned registration is closed; connects (or reconnects with one more prefix) now.
   *
   * @throws IOException when a master cannot be reached or refuses RESP3 or tracking
   */
  AutoCloseable register(String prefix, String tag, Runnable onChange) throws IOException {
    lock.lock();
    try {
      if (!prefixes.contains(prefix)) {
        Set<String> wanted = new TreeSet<>(prefixes);
        wanted.add(prefix);
        reconnect(new TreeSet<>(nodes.get()), wanted);
      }
      sessions.computeIfAbsent(tag, t -> new CopyOnWriteArrayList<>()).add(onChange);
    } finally {
      lock.unlock();
    }
    return () -> {
      List<Runnable> callbacks = sessions.get(tag);
      if (callbacks != null) {
        callbacks.remove(onChange);
        sessions.computeIfPresent(tag, (t, left) -> left.isEmpty() ? null : left);
      }
    };
  }

  /**
   * Whether cached peers may be served now: false while a connection is broken; otherwise anything
   * that arrived has been read and routed (dropping the caches it concerns) before this returns.
   */
  boolean current() {
    if (broken || closed) {
      return false;
    }
    try {
      // The hit path: one FIONREAD per connection, no lock. Bytes waiting = a change to route.
      for (Tracked connection : connections) {
        if (connection.probe().available() > 0) {
          drain();
          break;
        }
      }
    } catch (IOException e) {
      drain();
    }
    if (lock.isLocked()) {
      // Another thread may have read a message and not yet routed it: wait for it.
      lock.lock();
      lock.unlock();
    }
    return !broken && !closed;
  }

  /** Reads whatever arrived on every connection and routes it. */
  void drain() {
    lock.lock();
    try {
      if (broken || closed) {
        return;
      }
      for (Tracked connection : connections) {
        while (true) {
          scratch.clear();
          int read = connection.channel().read(scratch);
          if (read < 0) {
            markBroken();
            return;
          }
          if (read > 0) {
            scratch.flip();
            route(connection, scratch);
          }
          if (read < scratch.capacity()) {
            break;
          }
        }
        if (connection.pending().position() > 0) {
          // Part of a message: which session it names is unknown yet, so every cache goes.
          dropAll();
        }
      }
    } catch (IOException | RuntimeException e) {
      markBroken();
    } finally {
      lock.unlock();
    }
  }

  /** Appends what was read to the connection's pending bytes and routes every whole message. */
  private void route(Tracked connection, ByteBuffer read) {
    ByteBuffer pending = connection.pending();
    if (pending.remaining() < read.remaining()) {
      throw new IllegalStateException("an invalidation message larger than the buffer");
    }
    pending.put(read);
    pending.flip();
    while (pending.hasRemaining()) {
      int start = pending.position();
      List<byte[]> message = Resp3.push(pending);
      if (message == null) {
        pending.position(start);
        break;
      }
      dispatch(message);
    }
    pending.compact();
  }

  /** One push message: {@code invalidate} with the keys, or with null for "everything". */
  private void dispatch(List<byte[]> message) {
    if (message.isEmpty() || !java.util.Arrays.equals(message.get(0), INVALIDATE)) {
      return;
    }
    if (message.size() == 1) {
      dropAll(); // FLUSHALL / FLUSHDB
      return;
    }
    for (int i = 1; i < message.size(); i++) {
      String key = new String(message.get(i), StandardCharsets.UTF_8);
      int close = key.indexOf('}');
      if (!key.startsWith("{") || close < 0) {
        continue;
      }
      String kind = key.substring(close + 1);
      if (!kind.equals(":peers") && !kind.equals(":info")) {
        continue; // state, DCs, staged copies: no cached peer depends on them
      }
      List<Runnable> callbacks = sessions.get(key.substring(0, close + 1));
      if (callbacks != null) {
        callbacks.forEach(Runnable::run);
      }
    }
  }

  private void dropAll() {
    sessions.values().forEach(callbacks -> callbacks.forEach(Runnable::run));
  }

  private void markBroken() {
    broken = true;
    dropAll();
  }

  /** Drains idle connections; reconnects broken ones or follows a changed set of nodes. */
  private void maintain() {
    try {
      drain();
      Set<String> wanted = new TreeSet<>(nodes.get());
      lock.lock();
      try {
        if (!closed && !prefixes.isEmpty() && (broken || !wanted.equals(tracked))) {
          reconnect(wanted, prefixes);
        }
      } finally {
        lock.unlock();
      }
    } catch (IOException | RuntimeException e) {
      // a node is not reachable now: no hit is served (broken); next round
    }
  }

  /** Replaces every connection; under the lock. */
  private void reconnect(Set<String> wanted, Set<String> wantedPrefixes) throws IOException {
    List<Tracked> fresh = new ArrayList<>();
    try {
      Set<String> must = required.get();
      Set<String> all = new TreeSet<>(wanted);
      all.addAll(must);
      for (String address : all) {
        try {
          fresh.add(connect(address, wantedPrefixes));
        } catch (IOException e) {
          if (must.contains(address) || e instanceof RedisReplyException) {
            throw e;
          }
          // a node that is down takes no writes
        }
      }
    } catch (IOException | RuntimeException e) {
      fresh.forEach(RedisCoherence::closeQuietly);
      markBroken();
      throw e;
    }
    connections.forEach(RedisCoherence::closeQuietly);
    connections = List.copyOf(fresh);
    tracked = wanted;
    prefixes = new TreeSet<>(wantedPrefixes);
    broken = false;
    dropAll(); // what changed while nobody listened is unknown
  }

  private Tracked connect(String address, Set<String> trackedPrefixes) throws IOException {
    int colon = address.lastIndexOf(':');
    SocketChannel channel = SocketChannel.open();
    try {
      channel
          .socket()
          .connect(
              new InetSocketAddress(
                  address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
              connectTimeoutMillis);
      channel.socket().setSoTimeout(timeoutMillis);
      channel.socket().setTcpNoDelay(true);
      OutputStream out = channel.socket().getOutputStream();
      InputStream in = channel.socket().getInputStream();
      List<byte[]> hello = new ArrayList<>(List.of(bytes("HELLO"), bytes("3")));
      if (password != null) {
        hello.add(bytes("AUTH"));
        hello.add(bytes(user == null ? "default" : user));
        hello.add(bytes(password));
      }
      hello.add(bytes("SETNAME"));
      hello.add(bytes("tgsession-tracking"));
      send(out, hello);
      // Buffered: nothing but this reply can arrive before tracking is on.
      Resp3.skip(new java.io.BufferedInputStream(in, 1024), "HELLO 3");
      List<byte[]> tracking =
          new ArrayList<>(List.of(bytes("CLIENT"), bytes("TRACKING"), bytes("ON"), bytes("BCAST")));
      for (String prefix : trackedPrefixes) {
        tracking.add(bytes("PREFIX"));
        tracking.add(RedisKeys.keyPrefix(prefix));
      }
      send(out, tracking);
      Resp3.skip(in, "CLIENT TRACKING"); // unbuffered: a message may follow at once
      channel.configureBlocking(false);
      return new Tracked(channel, in, ByteBuffer.allocate(scratch.capacity() * 4));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static void send(OutputStream out, List<byte[]> args) throws IOException {
    java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
    request.writeBytes(bytes("*" + args.size() + "\r\n"));
    for (byte[] arg : args) {
      request.writeBytes(bytes("$" + arg.length + "\r\n"));
      request.writeBytes(arg);
      request.writeBytes(bytes("\r\n"));
    }
    out.write(request.toByteArray());
    out.flush();
  }

  /** The number of tracking connections open now (for the fleet test). */
  int connectionCount() {
    return connections.size();
  }

  @Override
  public void close() {
    maintenance.cancel(false);
    lock.lock();
    try {
      closed = true;
      connections.forEach(RedisCoherence::closeQuietly);
      connections = List.of();
    } finally {
      lock.unlock();
    }
  }

  private static void closeQuietly(Tracked connection) {
    try {
      connection.channel().close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The server refused a command on a tracking connection (credentials, no RESP3...). */
  static final class RedisReplyException extends IOException {
    private static final long serialVersionUID = 1L;

    RedisReplyException(String message) {
      super(message);
    }
  }
}
