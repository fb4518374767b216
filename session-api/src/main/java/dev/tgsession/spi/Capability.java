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
  SHARED
}
