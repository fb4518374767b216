package dev.tgsession;

import java.util.Optional;
import java.util.stream.Stream;

/**
 * The directory of a store: the sessions it holds, by name (capability {@code DIRECTORY}).
 *
 * <p>Open one with {@link Sessions#store(String)} on a URI without {@code session=} (for {@code
 * sqlite:}, a directory). Thread-safe; sessions opened from it stay usable after the store is
 * closed.
 *
 * <pre>{@code
 * try (SessionStore store = Sessions.store("redis://cache:6379/0")) {
 *   try (Stream<SessionSummary> all = store.list("bot-")) {
 *     all.forEach(s -> System.out.println(s.name() + " " + s.peerCount()));
 *   }
 * }
 * }</pre>
 *
 * @since 0.3.0
 */
public interface SessionStore extends AutoCloseable {

  /**
   * The sessions whose names start with {@code namePrefix} ({@code ""} for all), in name order (by
   * UTF-16 code units, case-sensitive), read page by page. Close the stream.
   */
  Stream<SessionSummary> list(String namePrefix);

  /** The summary of one session; empty when the store holds no session of that name. */
  Optional<SessionSummary> summary(String name);

  /** Opens one session, as {@link Sessions#open} on this store's URI with {@code session=name}. */
  Session open(String name);

  /**
   * Removes every key, row, document or file of that session and nothing else.
   *
   * @return whether there was anything to remove
   * @throws SessionLeasedException while another owner holds its lease
   */
  boolean delete(String name);

  /**
   * Removes the session even while someone holds its lease (the operator's {@code --force}); the
   * holder's next write fails with {@link SessionLeaseLostException}.
   */
  boolean forceDelete(String name);

  /** The store's URI, redacted (no password), as messages show it. */
  String description();

  /** Releases the store's resources; idempotent. */
  @Override
  void close();
}
