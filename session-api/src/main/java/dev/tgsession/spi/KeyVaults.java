package dev.tgsession.spi;

import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * What a backend may read of a stored key vault without the key: the fingerprint its directory
 * summaries show. Everything else of the vault is the core's to read.
 *
 * @since 0.3.0
 */
public final class KeyVaults {

  // "TGSK", the version byte, the 16-byte vault id, then the key's 4-byte fingerprint.
  private static final int FINGERPRINT_AT = 4 + 1 + 16;

  private KeyVaults() {}

  /**
   * The fingerprint (8 hex characters) of the key a stored vault was sealed with; null when {@code
   * vault} is null or not a vault.
   */
  public static @Nullable String fingerprint(byte @Nullable [] vault) {
    if (vault == null
        || vault.length < FINGERPRINT_AT + 4
        || vault[0] != 'T'
        || vault[1] != 'G'
        || vault[2] != 'S'
        || vault[3] != 'K') {
      return null;
    }
    return HexFormat.of().formatHex(vault, FINGERPRINT_AT, FINGERPRINT_AT + 4);
  }
}
