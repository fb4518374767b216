package dev.tgsession;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link SessionStore} tells of one session without opening it.
 *
 * @param name the session's name in the store ({@code session=} of its URI; for sqlite, the file
 *     name)
 * @param homeDcId the home datacenter (2 when none was set)
 * @param selfUserId the bare id of the self user, null when none is cached
 * @param peerCount how many peers are cached
 * @param updatedAt when the session was last written, null when the store does not know
 * @param lease the unexpired lease someone holds on it, empty when none
 * @param encryptionFingerprint the fingerprint of the key its auth keys are encrypted with, null
 *     when they are stored plain
 * @since 0.3.0
 */
public record SessionSummary(
    String name,
    int homeDcId,
    @Nullable Long selfUserId,
    long peerCount,
    @Nullable Instant updatedAt,
    Optional<SessionLease> lease,
    @Nullable String encryptionFingerprint) {

  public SessionSummary {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(lease, "lease");
    if (homeDcId <= 0) {
      throw new IllegalArgumentException("expected a positive home DC id, found " + homeDcId);
    }
    if (peerCount < 0) {
      throw new IllegalArgumentException("expected a peer count >= 0, found " + peerCount);
    }
  }
}
