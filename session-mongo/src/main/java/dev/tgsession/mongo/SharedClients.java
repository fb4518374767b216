package dev.tgsession.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One {@link MongoClient} per connection string, shared by the sessions open on it and closed with
 * the last of them: a client holds a connection pool and monitor threads per host, too much to
 * start for each of the many sessions a multi-account application opens on one deployment.
 */
final class SharedClients {

  /** A reference to a shared client; {@link #release()} once. */
  static final class Lease {
    private final String key;
    private final MongoClient client;

    private Lease(String key, MongoClient client) {
      this.key = key;
      this.client = client;
    }

    MongoClient client() {
      return client;
    }

    void release() {
      SharedClients.release(key);
    }
  }

  private static final class Entry {
    final MongoClient client;
    int references;

    Entry(MongoClient client) {
      this.client = client;
    }
  }

  /** Keyed by the connection string (password included): never log the keys. */
  private static final Map<String, Entry> CLIENTS = new HashMap<>();

  /** Guards {@link #CLIENTS}; never held while the driver does I/O (an SRV lookup, a close). */
  private static final ReentrantLock LOCK = new ReentrantLock();

  private SharedClients() {}

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
    MongoClient created = MongoClients.create(new ConnectionString(connectionString));
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
