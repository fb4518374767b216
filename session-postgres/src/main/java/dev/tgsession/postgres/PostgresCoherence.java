package dev.tgsession.postgres;

import dev.tgsession.PeerId;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.postgresql.Driver;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The {@code LISTEN} side of peer cache coherence for one pool: a dedicated connection (outside the
 * pool, held for as long as a cached session is open) listening on {@link Schema#CHANNEL}, and a
 * thread that invalidates the cached peers each notification names.
 *
 * <p>A notification's payload is {@code schema\nsession\nids}: the schema of the tables, the
 * session name, and the comma-separated dialog ids of every peer the write changed (claims
 * included), or {@code *} when it changed too many to list or cleared the session.
 *
 * <p>While the connection is down the caches serve nothing and are emptied when it is back, so no
 * entry outlives a notification that could not be received.
 */
final class PostgresCoherence implements AutoCloseable {

  /** Most ids listed in one payload; beyond it the payload says {@code *} (8000-byte limit). */
  static final int MAX_IDS = 300;

  private static final System.Logger LOG = System.getLogger(PostgresCoherence.class.getName());
  private static final int POLL_MILLIS = 500;
  private static final long PING_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long MAX_BACKOFF_MILLIS = 2000;

  private final PostgresTarget target;
  private final String schema;
  private final Map<String, Set<NotifiedPeerCache>> caches = new ConcurrentHashMap<>();
  private final Object state = new Object();
  private final Thread thread;
  private boolean listening; // guarded by state
  private volatile boolean closed;
  private volatile @Nullable Connection connection;

  PostgresCoherence(PostgresTarget target, String schema) {
    this.target = target;
    this.schema = schema;
    this.thread = new Thread(this::run, "tgsession-postgres-listen");
    thread.setDaemon(true);
    thread.start();
  }

  /** What every payload about a session starts with: its schema and name, each on a line. */
  static String prefix(String schema, String session) {
    return schema + "\n" + session + "\n";
  }

  /** The payload announcing a write to {@code ids} (null: everything) of a session. */
  static String payload(String schema, String session, @Nullable Collection<PeerId> ids) {
    StringBuilder out = new StringBuilder(prefix(schema, session));
    if (ids == null || ids.size() > MAX_IDS) {
      return out.append('*').toString();
    }
    boolean first = true;
    for (PeerId id : ids) {
      out.append(first ? "" : ",").append(id.botApiDialogId());
      first = false;
    }
    return out.toString();
  }

  void register(String session, NotifiedPeerCache cache) {
    synchronized (state) {
      caches.computeIfAbsent(session, name -> new CopyOnWriteArraySet<>()).add(cache);
      cache.live(listening);
    }
  }

  void unregister(String session, NotifiedPeerCache cache) {
    synchronized (state) {
      Set<NotifiedPeerCache> set = caches.get(session);
      if (set != null) {
        set.remove(cache);
        if (set.isEmpty()) {
          caches.remove(session);
        }
      }
    }
  }

  /**
   * Tells the other instances of a session in this JVM, before the writer's call returns, which
   * peers a committed write changed (null: all).
   */
  void writtenHere(
      String session, @Nullable NotifiedPeerCache writer, @Nullable Collection<PeerId> ids) {
    Set<NotifiedPeerCache> set = caches.get(session);
    if (set == null) {
      return;
    }
    for (NotifiedPeerCache cache : set) {
      if (cache != writer) {
        apply(cache, ids);
      }
    }
  }

  /** Whether the listening connection is up (for tests). */
  boolean listening() {
    synchronized (state) {
      return listening;
    }
  }

  /** The server process id of the listening connection, or -1 while there is none (for tests). */
  int backendPid() {
    Connection current = connection;
    try {
      return current == null ? -1 : current.unwrap(PGConnection.class).getBackendPID();
    } catch (SQLException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    closeQuietly(connection);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    long backoff = 50;
    while (!closed) {
      try (Connection listener = new Driver().connect(target.jdbcUrl(), target.properties())) {
        if (listener == null) {
          throw new SQLException("pgjdbc refused the URL " + target.where());
        }
        connection = listener;
        try (Statement statement = listener.createStatement()) {
          statement.execute("LISTEN " + Schema.CHANNEL);
        }
        setListening(true);
        backoff = 50;
        listen(listener.unwrap(PGConnection.class), listener);
      } catch (SQLException | RuntimeException e) {
        if (!closed) {
          LOG.log(
              Level.WARNING,
              target
                  + ": the LISTEN connection of the peer cache failed ("
                  + e.getMessage()
                  + "); peer caches are off until it is back");
        }
      } finally {
        setListening(false);
        connection = null;
      }
      if (!closed) {
        try {
          TimeUnit.MILLISECONDS.sleep(backoff);
        } catch (InterruptedException e) {
          return;
        }
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      }
    }
  }

  private void listen(PGConnection pg, Connection listener) throws SQLException {
    long lastHeard = System.nanoTime();
    while (!closed) {
      PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
      if (notifications != null && notifications.length > 0) {
        for (PGNotification notification : notifications) {
          dispatch(notification.getParameter());
        }
        lastHeard = System.nanoTime();
      } else if (System.nanoTime() - lastHeard > PING_NANOS) {
        // A connection cut without a FIN would stay silent forever: ask something.
        try (Statement statement = listener.createStatement()) {
          statement.execute("SELECT 1");
        }
        lastHeard = System.nanoTime();
      }
    }
  }

  private void dispatch(String payload) {
    int first = payload.indexOf('\n');
    int last = payload.lastIndexOf('\n');
    if (first < 0 || last == first || !payload.substring(0, first).equals(schema)) {
      return;
    }
    Set<NotifiedPeerCache> set = caches.get(payload.substring(first + 1, last));
    if (set == null) {
      return;
    }
    String ids = payload.substring(last + 1);
    List<PeerId> peers = null;
    if (!ids.equals("*")) {
      peers = new ArrayList<>();
      for (String id : ids.split(",")) {
        try {
          peers.add(new PeerId(Long.parseLong(id)));
        } catch (IllegalArgumentException e) {
          peers = null; // not ours to read: forget everything rather than guess
          break;
        }
      }
    }
    for (NotifiedPeerCache cache : set) {
      apply(cache, peers);
    }
  }

  private static void apply(NotifiedPeerCache cache, @Nullable Collection<PeerId> ids) {
    if (ids == null) {
      cache.clear();
    } else if (!ids.isEmpty()) {
      cache.invalidate(ids);
    }
  }

  private void setListening(boolean now) {
    synchronized (state) {
      if (listening != now) {
        listening = now;
        caches.values().forEach(set -> set.forEach(cache -> cache.live(now)));
      }
    }
  }

  private static void closeQuietly(@Nullable Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException | RuntimeException e) {
        // closing a broken connection: nothing to add
      }
    }
  }
}
