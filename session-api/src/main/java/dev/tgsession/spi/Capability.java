package dev.tgsession.spi;

/** What a backend promises beyond the basic rules; the TCK tests each one a provider declares. */
public enum Capability {
  /** Everything survives closing and reopening the same URI. */
  DURABLE,
  /** One store holds many sessions told apart by the {@code session} option. */
  NAMED,
  /**
   * Two open instances of one URI see each other's peer and updates-state writes. (DC options and
   * the home DC are read when a session opens and served from memory after that.)
   */
  SHARED,
  /**
   * The {@code lease} and {@code owner} options hold a session for one owner at a time, renewed in
   * the background, fenced by a token that only grows (see {@link LeaseStore}).
   */
  LEASE,
  /**
   * A batch ({@link dev.tgsession.Session#cachePeers}) is applied as one unit: a concurrent reader
   * sees all of it or none of it.
   */
  ATOMIC_BATCH,
  /**
   * The {@code encryption-key} option seals every auth key and temporary key with AES-256-GCM;
   * {@link dev.tgsession.Session#encryption()} is present.
   *
   * @since 0.3.0
   */
  ENCRYPTION,
  /**
   * {@link dev.tgsession.Sessions#store} lists, summarises, opens and deletes the sessions of a
   * store ({@link SessionProvider#openStore}).
   *
   * @since 0.3.0
   */
  DIRECTORY
}
