package dev.tgsession.redis;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Server-assisted client-side caching for one session instance's peer cache: one RESP3 connection
 * per node, subscribed with {@code CLIENT TRACKING ON BCAST PREFIX <peers key> PREFIX <info key>},
 * so the server pushes a message whenever anyone (another process, another instance, this one)
 * modifies the session's {@code peers} or {@code info} hash.
 *
 * <p>Why this is exact for a reader after the writer's call returned: in BCAST mode the server
 * queues the invalidation messages in the same event-loop iteration that ran the write, before it
 * writes any reply of that iteration, and it writes the newest queued output first; so the message
 * has reached this connection's socket before the writer can read its reply. Every cache hit asks
 * the socket (one {@code FIONREAD} per connection) whether anything arrived and drops the cache if
 * so. Over a network, the message and the writer's reply travel on different connections and a
 * reader may see the old copy for the time the message takes to arrive.
 *
 * <p>When a connection breaks (server restart, failover, a node added), no hit is served until the
 * connections are back (tried every {@value #MAINTENANCE_MILLIS} ms in the background); the cache
 * is dropped once they are.
 */
final class PeerTracking implements AutoCloseable {

  /** How often idle connections are drained and broken ones reconnected. */
  static final long MAINTENANCE_MILLIS = 250;

  private static final ScheduledExecutorService MAINTENANCE =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "tgsession-redis-tracking");
            thread.setDaemon(true);
            return thread;
          });

  /** The nodes to track ({@code host:port}), read again at every maintenance round. */
  private final Supplier<Set<String>> nodes;

  /** The node that must be tracked: the one serving the session's keys now. */
  private final Supplier<String> owner;

  private final List<byte[]> prefixes;
  private final @Nullable String user;
  private final @Nullable String password;
  private final int connectTimeoutMillis;
  private final int timeoutMillis;
  private final Runnable onChange;
  private final ReentrantLock lock = new ReentrantLock();
  private final ByteBuffer scratch = ByteBuffer.allocate(8192);
  private final ScheduledFuture<?> maintenance;

  // Written under lock; read without it on the hit path.
  private volatile Selector selector;
  private volatile List<InputStream> probes;
  private volatile boolean broken;
  private volatile boolean closed;
  // Guarded by lock.
  private Set<String> tracked;

  private PeerTracking(
      Supplier<Set<String>> nodes,
      Supplier<String> owner,
      List<byte[]> prefixes,
      @Nullable String user,
      @Nullable String password,
      int connectTimeoutMillis,
      int timeoutMillis,
      Runnable onChange)
      throws IOException {
    this.nodes = nodes;
    this.owner = owner;
    this.prefixes = prefixes;
    this.user = user;
    this.password = password;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.timeoutMillis = timeoutMillis;
    this.onChange = onChange;
    this.tracked = new TreeSet<>(nodes.get());
    this.selector = connectAll(tracked);
    this.probes = probes(selector);
    this.maintenance =
        MAINTENANCE.scheduleWithFixedDelay(
            this::maintain, MAINTENANCE_MILLIS, MAINTENANCE_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Subscribes to changes of the keys starting with {@code prefixes} on every node {@code nodes}
   * names that can be reached; the one {@code owner} names (serving the session's keys) must be. A
   * node that cannot be reached cannot take a write either; it is tried again when the set of nodes
   * changes or a tracked connection breaks.
   *
   * @throws IOException when the owner cannot be reached or refuses RESP3 or tracking (Redis before
   *     6)
   */
  static PeerTracking start(
      Supplier<Set<String>> nodes,
      Supplier<String> owner,
      List<byte[]> prefixes,
      @Nullable String user,
      @Nullable String password,
      int connectTimeoutMillis,
      int timeoutMillis,
      Runnable onChange)
      throws IOException {
    return new PeerTracking(
        nodes, owner, prefixes, user, password, connectTimeoutMillis, timeoutMillis, onChange);
  }

  /**
   * Whether no change arrived since the last call, so cached peers may be served; when one did (or
   * a connection is broken) the cache has been dropped through {@code onChange} before this
   * returns.
   */
  boolean current() {
    if (broken || closed) {
      return false;
    }
    try {
      // The hit path: one FIONREAD per connection, no lock. Bytes waiting = a change.
      for (InputStream probe : probes) {
        if (probe.available() > 0) {
          return drain();
        }
      }
    } catch (IOException e) {
      return drain();
    }
    if (lock.isLocked()) {
      // Another thread may have consumed a message and not yet dropped the cache: wait for it.
      lock.lock();
      lock.unlock();
    }
    return !broken && !closed;
  }

  /**
   * Reads whatever arrived on every connection (noticing closed ones) and drops the cache if
   * anything did; returns whether nothing did.
   */
  boolean drain() {
    lock.lock();
    try {
      if (broken || closed) {
        return false;
      }
      // One read per connection: a message is far smaller than the buffer, so a short read
      // means nothing more is waiting now (what comes later, the next check sees).
      boolean arrived = false;
      for (SelectionKey key : selector.keys()) {
        SocketChannel channel = (SocketChannel) key.channel();
        while (true) {
          scratch.clear();
          int read = channel.read(scratch);
          if (read < 0) {
            broken = true;
          }
          arrived |= read > 0;
          if (read < scratch.capacity()) {
            break;
          }
        }
      }
      if (!arrived && !broken) {
        return true;
      }
      onChange.run();
      return false;
    } catch (IOException e) {
      broken = true;
      onChange.run();
      return false;
    } finally {
      lock.unlock();
    }
  }

  private static List<InputStream> probes(Selector selector) throws IOException {
    List<InputStream> probes = new ArrayList<>();
    for (SelectionKey key : selector.keys()) {
      probes.add(((SocketChannel) key.channel()).socket().getInputStream());
    }
    return List.copyOf(probes);
  }

  /** Drains idle connections; reconnects broken ones or follows a changed set of nodes. */
  private void maintain() {
    boolean reconnect;
    Set<String> wanted;
    try {
      drain();
      wanted = new TreeSet<>(nodes.get());
    } catch (RuntimeException e) {
      return; // the node list is not available now; next round
    }
    lock.lock();
    try {
      if (closed) {
        return;
      }
      reconnect = broken || !wanted.equals(tracked);
    } finally {
      lock.unlock();
    }
    if (!reconnect) {
      return;
    }
    Selector fresh = null;
    List<InputStream> freshProbes;
    try {
      fresh = connectAll(wanted); // outside the lock: hits meanwhile see the old state
      freshProbes = probes(fresh);
    } catch (IOException | RuntimeException e) {
      if (fresh != null) {
        closeQuietly(fresh);
      }
      lock.lock();
      try {
        broken = true;
      } finally {
        lock.unlock();
      }
      return;
    }
    lock.lock();
    try {
      if (closed) {
        closeQuietly(fresh);
        return;
      }
      closeQuietly(selector);
      probes = freshProbes;
      selector = fresh;
      tracked = wanted;
      broken = false;
      onChange.run(); // what changed while nobody listened is unknown
    } finally {
      lock.unlock();
    }
  }

  private Selector connectAll(Set<String> addresses) throws IOException {
    Selector fresh = Selector.open();
    try {
      String required = owner.get();
      Set<String> all = new TreeSet<>(addresses);
      all.add(required);
      for (String address : all) {
        int colon = address.lastIndexOf(':');
        SocketChannel channel;
        try {
          channel =
              connect(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
        } catch (IOException e) {
          if (address.equals(required) || e instanceof RedisReplyException) {
            throw e;
          }
          continue; // a node that is down takes no writes
        }
        channel.configureBlocking(false);
        channel.register(fresh, SelectionKey.OP_READ);
      }
      return fresh;
    } catch (IOException | RuntimeException e) {
      closeQuietly(fresh);
      throw e;
    }
  }

  private SocketChannel connect(String host, int port) throws IOException {
    SocketChannel channel = SocketChannel.open();
    try {
      channel.socket().connect(new InetSocketAddress(host, port), connectTimeoutMillis);
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
      for (byte[] prefix : prefixes) {
        tracking.add(bytes("PREFIX"));
        tracking.add(prefix);
      }
      send(out, tracking);
      Resp3.skip(in, "CLIENT TRACKING"); // unbuffered: a message may follow at once
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static void send(OutputStream out, List<byte[]> args) throws IOException {
    StringBuilder header = new StringBuilder();
    java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
    header.append('*').append(args.size()).append("\r\n");
    request.writeBytes(bytes(header.toString()));
    for (byte[] arg : args) {
      request.writeBytes(bytes("$" + arg.length + "\r\n"));
      request.writeBytes(arg);
      request.writeBytes(bytes("\r\n"));
    }
    out.write(request.toByteArray());
    out.flush();
  }

  @Override
  public void close() {
    maintenance.cancel(false);
    lock.lock();
    try {
      closed = true;
      closeQuietly(selector);
    } finally {
      lock.unlock();
    }
  }

  private static void closeQuietly(Selector selector) {
    for (SelectionKey key : selector.keys()) {
      try {
        key.channel().close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    try {
      selector.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Just enough RESP3 to read the replies to HELLO and CLIENT TRACKING. */
  static final class Resp3 {
    private Resp3() {}

    /** Reads one reply and discards it. @throws IOException naming the command on an error */
    static void skip(InputStream in, String command) throws IOException {
      int type = in.read();
      String line = line(in);
      switch (type) {
        case '-', '!' -> {
          String message =
              type == '!'
                  ? new String(in.readNBytes(count(line) + 2), StandardCharsets.UTF_8).trim()
                  : line;
          throw new RedisReplyException(command + " refused: " + message);
        }
        case '+', ':', '_', '#', ',', '(' -> {}
        case '$', '=' -> {
          int length = count(line);
          if (length >= 0) {
            in.readNBytes(length + 2);
          }
        }
        case '*', '~', '>' -> {
          for (int i = count(line); i > 0; i--) {
            skip(in, command);
          }
        }
        case '%', '|' -> {
          for (int i = 2 * count(line); i > 0; i--) {
            skip(in, command);
          }
          if (type == '|') {
            skip(in, command); // the attributed value
          }
        }
        case -1 -> throw new EOFException(command + ": connection closed");
        default -> throw new IOException(command + ": unexpected reply type " + (char) type);
      }
    }

    private static int count(String line) throws IOException {
      try {
        return Integer.parseInt(line);
      } catch (NumberFormatException e) {
        throw new IOException("expected a length in a RESP3 reply, found '" + line + "'", e);
      }
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder line = new StringBuilder();
      int previous = -1;
      while (true) {
        int next = in.read();
        if (next < 0) {
          throw new EOFException("connection closed in a reply");
        }
        if (previous == '\r' && next == '\n') {
          line.setLength(line.length() - 1);
          return line.toString();
        }
        line.append((char) next);
        previous = next;
      }
    }
  }

  /** The server refused a command on a tracking connection (credentials, no RESP3...). */
  static final class RedisReplyException extends IOException {
    private static final long serialVersionUID = 1L;

    RedisReplyException(String message) {
      super(message);
    }
  }
}
