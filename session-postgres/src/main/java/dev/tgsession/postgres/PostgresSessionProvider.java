package dev.tgsession.postgres;

import com.google.auto.service.AutoService;
import dev.tgsession.Session;
import dev.tgsession.SessionStore;
import dev.tgsession.cache.CaffeinePeerCache;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.PeerCache;
import dev.tgsession.spi.SessionOption;
import dev.tgsession.spi.SessionProvider;
import dev.tgsession.spi.SessionUri;
import dev.tgsession.spi.SharedOptions;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The PostgreSQL backend (PostgreSQL 12+), registered for {@code
 * postgresql://[user[:password]@]host[:5432][,host2[:port2]]/database[?options]} and the same with
 * {@code postgres://}.
 *
 * <p>Options: {@code session} (default {@code default}) names the session, many of which share one
 * database; {@code pool-size} (default {@value #DEFAULT_POOL_SIZE}) bounds the HikariCP pool the
 * sessions of one server, database and user share in a JVM; {@code peer-cache} and {@code
 * peer-cache-ttl} turn on the peer cache (off by default here: see docs/postgres.md). Every option
 * of the PostgreSQL JDBC driver ({@code sslmode}, {@code ApplicationName}, {@code connectTimeout},
 * ...) passes through to it; anything else is rejected.
 *
 * <p>Sessions are {@link Capability#DURABLE}, {@link Capability#NAMED}, {@link Capability#SHARED}
 * (any number of processes may open one session), {@link Capability#ATOMIC_BATCH} (each write is
 * one transaction) and {@link Capability#LEASE} (the fencing token is checked in the write's
 * transaction).
 */
@AutoService(SessionProvider.class)
public final class PostgresSessionProvider implements SessionProvider {

  static final int DEFAULT_POOL_SIZE = 4;

  static final SessionOption<Integer> POOL_SIZE =
      SessionOption.integer(
          "pool-size",
          1,
          100,
          (long) DEFAULT_POOL_SIZE,
          "most connections of the pool the sessions of one server, database and user share");

  // Off by default here: a cache in another process cannot hear of a write in time (see docs).
  static final SessionOption<Integer> PEER_CACHE = SharedOptions.PEER_CACHE.withDefault("0");

  static final List<SessionOption<?>> OPTIONS =
      List.of(
          SharedOptions.SESSION,
          PEER_CACHE,
          SharedOptions.PEER_CACHE_TTL,
          SharedOptions.LEASE,
          SharedOptions.OWNER,
          SharedOptions.ENCRYPTION_KEY,
          POOL_SIZE);

  static final Set<String> OPTION_NAMES =
      OPTIONS.stream().map(SessionOption::name).collect(Collectors.toUnmodifiableSet());

  // Printable, no line breaks: a session name is a line of the NOTIFY payload.
  private static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}]{1,200}");

  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public PostgresSessionProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("postgresql", "postgres");
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(
        Capability.DURABLE,
        Capability.NAMED,
        Capability.SHARED,
        Capability.LEASE,
        Capability.ATOMIC_BATCH,
        Capability.ENCRYPTION,
        Capability.DIRECTORY);
  }

  @Override
  public List<SessionOption<?>> options() {
    return OPTIONS;
  }

  /** Every option of the PostgreSQL JDBC driver ({@code PGProperty}) passes through to it. */
  @Override
  public boolean passesThrough(String optionName) {
    return PostgresTarget.isDriverOption(optionName);
  }

  @Override
  public Session open(SessionUri uri) {
    String name = uri.get(SharedOptions.SESSION);
    checkName(name, uri.toString());
    int poolSize = uri.get(POOL_SIZE);
    PostgresTarget target = PostgresTarget.of(uri, OPTION_NAMES, poolSize);
    PeerCache peerCache =
        uri.get(PEER_CACHE) == 0 ? PeerCache.none() : CaffeinePeerCache.fromUri(uri);
    return PostgresSession.open(target, name, uri.toString(), peerCache);
  }

  /** The directory of the database a URI without {@code session=} names. */
  @Override
  public SessionStore openStore(SessionUri storeUri) {
    PostgresTarget target = PostgresTarget.of(storeUri, OPTION_NAMES, storeUri.get(POOL_SIZE));
    return new PostgresDirectory(
        PostgresConnections.acquire(target, storeUri.toString()), storeUri);
  }

  /** Checks a session name (it is a line of the NOTIFY payload). */
  static void checkName(String name, String where) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "expected a session name of 1 to 200 characters without control characters, found '"
              + name.replaceAll("\\p{Cntrl}", "?")
              + "' in "
              + where);
    }
  }
}
