package dev.tgsession.spi;

import java.util.List;

/**
 * The URI options several backends share, declared once. A provider lists in {@link
 * SessionProvider#options()} those it supports, next to its own.
 */
public final class SharedOptions {

  private SharedOptions() {}

  /** {@code session}: the name of a session in a store that holds many (NAMED). */
  public static final SessionOption<String> SESSION =
      SessionOption.text("session", 200, "default", "the name of the session in the store");

  /** {@code peer-cache}: the most peers kept in the in-process cache; 0 turns it off. */
  public static final SessionOption<Integer> PEER_CACHE =
      SessionOption.integer(
          "peer-cache", 0, 10_000_000, 10_000L, "the most peers cached in process; 0 = off");

  /** {@code peer-cache-ttl}: seconds a cached peer lives after it was read. */
  public static final SessionOption<Integer> PEER_CACHE_TTL =
      SessionOption.integer(
          "peer-cache-ttl", 1, 86_400, 300L, "seconds a cached peer lives after it was read");

  /** {@code lease}: hold the session for one owner, renewing a lease of this many seconds. */
  public static final SessionOption<Integer> LEASE =
      SessionOption.integer(
          "lease", 2, 3600, null, "take a lease of this many seconds (one owner at a time)");

  /** {@code owner}: how a lease names its holder; default {@code <hostname>:<pid>}. */
  public static final SessionOption<String> OWNER =
      SessionOption.text("owner", 200, null, "the lease holder's name (default hostname:pid)");

  /**
   * {@code encryption-key}: where the key encrypting auth keys at rest is, {@code env:NAME} or
   * {@code file:PATH}; never the key itself.
   */
  public static final SessionOption<String> ENCRYPTION_KEY =
      SessionOption.text(
          "encryption-key", 4096, null, "env:NAME or file:PATH of the 32-byte key for auth keys");

  /** The peer cache options. */
  public static final List<SessionOption<?>> PEER_CACHE_OPTIONS =
      List.of(PEER_CACHE, PEER_CACHE_TTL);

  /** The lease options ({@link Capability#LEASE}). */
  public static final List<SessionOption<?>> LEASE_OPTIONS = List.of(LEASE, OWNER);
}
