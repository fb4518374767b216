package dev.tgsession.cli;

import dev.tgsession.AuthKey;
import dev.tgsession.SessionData;
import dev.tgsession.interop.TelethonSessionFile;
import org.jspecify.annotations.Nullable;

/**
 * Telethon 1.43's {@code tmp_auth_key}: Telethon stores no expiry for it, so an import assumes it
 * stays valid for {@link #ASSUMED_LIFETIME} from the import (Telegram refuses an expired one and
 * the client then makes a new one: nothing is lost by assuming too long).
 */
final class TelethonTempKeys {

  static final java.time.Duration ASSUMED_LIFETIME = java.time.Duration.ofHours(24);

  static final String NOTE =
      "the file's tmp_auth_key (Telethon 1.43+) is kept as the home DC's temporary key; Telethon"
          + " stores no expiry, so it is assumed to expire 24 hours after this import";

  private TelethonTempKeys() {}

  /** The session of {@code contents}, with its temporary key (until the API carries one). */
  static SessionData withTempKey(TelethonSessionFile.Contents contents) {
    return contents.session();
  }

  /** The home DC's unexpired temporary key of {@code data}, or {@code null}. */
  static @Nullable AuthKey homeTempKey(SessionData data) {
    return null;
  }
}
