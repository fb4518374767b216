package dev.tgsession.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.ConnectionClosedEvent;
import com.mongodb.event.ConnectionCreatedEvent;
import com.mongodb.event.ConnectionPoolListener;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One {@link MongoClient} per connection string (server and credentials), shared by the sessions
 * and directories open on it, reference-counted, and closed with the last of them: a client holds a
 * connection pool and monitor threads per host, too much to start for each of the many sessions a
 * multi-account application opens on one deployment. A fleet of sessions on one deployment thus
 * costs one pool ({@code maxPoolSize}, 100 by default, connections opened on demand) and the
 * driver's monitor threads, whatever the number of sessions.
 *
 * <p>The indexes of a database and collection prefix are created once per client, not at every
 * open.
 */
final class MongoConnections {

  /** A reference to a shared client; {@link #release()} once. */
  static final class Lease {
    private final String key;
    private final MongoClient client;
    private final java.util.concurrent.atomic.AtomicBoolean released =
        new java.util.concurrent.atomic.AtomicBoolean();

    private Lease(String key, MongoClient client) {
      this.key = key;
      this.client = client;
    }

    MongoClient client() {
      return client;
    }

    /** Gives the reference back (once; later calls do nothing). */
    void release() {
      if (released.compareAndSet(false, true)) {
        MongoConnections.release(key);
      }
    }
  }

  private static final class Entry {
    final MongoClient client;
    final Set<String> indexed = new HashSet<>();
    int references;

    Entry(MongoClient client) {
      this.client = client;
    }
  }

  /** Connections open now, over every shared client of this JVM (the driver's pool events). */
  private static final AtomicInteger OPEN_CONNECTIONS = new AtomicInteger();

  /** Listeners of the commands sent, for tests that pause a write on its way to the server. */
  private static final List<CommandListener> COMMAND_LISTENERS = new CopyOnWriteArrayList<>();

  /** Keyed by the connection string (password included): never log the keys. */
  private static final Map<String, Entry> CLIENTS = new HashMap<>();

  /** Guards {@link #CLIENTS}; never held while the driver does I/O (an SRV lookup, a close). */
  private static final ReentrantLock LOCK = new ReentrantLock();

  private MongoConnections() {}

  /**
   * A lease on the client for a target's connection string, created on first use.
   *
   * @throws IllegalArgumentException if the driver rejects the connection string (its message
   *     scrubbed of credentials)
   * @throws dev.tgsession.SessionStorageException if it cannot be resolved
   */
  static Lease acquire(MongoTarget target) {
    try {
      return acquire(target.connectionString());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "expected a MongoDB connection string the driver accepts, found "
              + target
              + ": "
              + target.scrub(e.getMessage()));
    } catch (com.mongodb.MongoException e) {
      throw MongoFailures.storage(target, "resolve the connection string", e);
    }
  }

  /**
   * A lease on the client for a connection string, created on first use.
   *
   * @throws IllegalArgumentException if the driver rejects the connection string
   * @throws com.mongodb.MongoException if it cannot be resolved (a {@code mongodb+srv} TXT lookup)
   */
  static Lease acquire(String connectionString) {
    Lease shared = share(connectionString);
    if (shared != null) {
      return shared;
    }
    // parsing a mongodb+srv string looks up DNS: done outside the lock
    MongoClient created = MongoClients.create(settings(new ConnectionString(connectionString)));
    MongoClient unused = null;
    LOCK.lock();
    try {
      Entry entry = CLIENTS.get(connectionString);
      if (entry == null) {
        entry = new Entry(created);
        CLIENTS.put(connectionString, entry);
      } else {
        unused = created; // another opener created one meanwhile: share theirs
      }
      entry.references++;
      shared = new Lease(connectionString, entry.client);
    } finally {
      LOCK.unlock();
    }
    if (unused != null) {
      unused.close();
    }
    return shared;
  }

  private static MongoClientSettings settings(ConnectionString connectionString) {
    return MongoClientSettings.builder()
        .applyConnectionString(connectionString)
        .applyToConnectionPoolSettings(
            pool ->
                pool.addConnectionPoolListener(
                    new ConnectionPoolListener() {
                      @Override
                      public void connectionCreated(ConnectionCreatedEvent event) {
                        OPEN_CONNECTIONS.incrementAndGet();
                      }

                      @Override
                      public void connectionClosed(ConnectionClosedEvent event) {
                        OPEN_CONNECTIONS.decrementAndGet();
                      }
                    }))
        .addCommandListener(
            new CommandListener() {
              @Override
              public void commandStarted(CommandStartedEvent event) {
                for (CommandListener listener : COMMAND_LISTENERS) {
                  listener.commandStarted(event);
                }
              }
            })
        .build();
  }

  /** Pooled connections open now over every shared client (monitor connections not counted). */
  static int openConnections() {
    return OPEN_CONNECTIONS.get();
  }

  /** How many shared clients are open now. */
  static int openClients() {
    LOCK.lock();
    try {
      return CLIENTS.size();
    } finally {
      LOCK.unlock();
    }
  }

  /** Adds a listener of every command sent (a test hook); the returned handle removes it. */
  static AutoCloseable listenToCommands(CommandListener listener) {
    COMMAND_LISTENERS.add(listener);
    return () -> COMMAND_LISTENERS.remove(listener);
  }

  /**
   * Runs {@code create} once per client and {@code indexKey} (database and collection prefix): the
   * indexes exist from then on, and the next sessions need no round trip for them.
   */
  static void ensureIndexes(Lease lease, String indexKey, Runnable create) {
    LOCK.lock();
    try {
      Entry entry = CLIENTS.get(lease.key);
      if (entry != null && entry.indexed.contains(indexKey)) {
        return;
      }
    } finally {
      LOCK.unlock();
    }
    create.run();
    LOCK.lock();
    try {
      Entry entry = CLIENTS.get(lease.key);
      if (entry != null && entry.client == lease.client) {
        entry.indexed.add(indexKey);
      }
    } finally {
      LOCK.unlock();
    }
  }

  private static @Nullable Lease share(String connectionString) {
    LOCK.lock();
    try {
      Entry entry = CLIENTS.get(connectionString);
      if (entry == null) {
        return null;
      }
      entry.references++;
      return new Lease(connectionString, entry.client);
    } finally {
      LOCK.unlock();
    }
  }

  private static void release(String key) {
    MongoClient toClose = null;
    LOCK.lock();
    try {
      Entry entry = CLIENTS.get(key);
      if (entry != null && --entry.references == 0) {
        CLIENTS.remove(key);
        toClose = entry.client;
      }
    } finally {
      LOCK.unlock();
    }
    if (toClose != null) {
      toClose.close();
    }
  }
}
