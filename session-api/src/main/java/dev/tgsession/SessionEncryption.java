package dev.tgsession;

import dev.tgsession.spi.EncryptionKey;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Encryption at rest of a session's auth keys, for a backend with capability {@code ENCRYPTION}:
 * {@link Session#encryption()}. Known when {@link Sessions#open} returns; only {@link #rekey}
 * changes it.
 *
 * @since 0.3.0
 */
public interface SessionEncryption {

  /**
   * The fingerprint (first 8 hex characters of SHA-256) of the key the auth keys are sealed with;
   * empty when they are stored plain.
   */
  Optional<String> fingerprint();

  /**
   * Re-encrypts every auth key (and temporary key) with {@code newKey}, or stores them plain again
   * when it is null, as one write: after a crash the session opens with the old key or the new one,
   * never neither.
   */
  void rekey(@Nullable EncryptionKey newKey);
}
