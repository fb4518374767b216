package dev.tgsession.spi;

import dev.tgsession.AddressFamily;
import dev.tgsession.DcOption;
import dev.tgsession.TempAuthKey;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The DC side of a session's policy: home DC and its family, DC options, media options and
 * temporary keys. Served from {@link DcState} (memory) and written through the session's store
 * operations, one write at a time under the DC lock, each fenced once.
 */
final class SessionDcs {

  private final AbstractSession session;
  private final DcState state;
  private final SessionVault vault;
  private final LeaseHolder lease;
  private final SessionEvents events;
  private final String description;
  private final Supplier<DcState.Dcs> loader;

  SessionDcs(
      AbstractSession session,
      DcState state,
      SessionVault vault,
      LeaseHolder lease,
      SessionEvents events,
      String description,
      Supplier<DcState.Dcs> loader) {
    this.session = session;
    this.state = state;
    this.vault = vault;
    this.lease = lease;
    this.events = events;
    this.description = description;
    this.loader = loader;
  }

  DcState.Dcs current() {
    session.ensureOpen();
    return state.get(loader);
  }

  int homeDcId() {
    return current().homeDcId();
  }

  AddressFamily homeDcFamily() {
    return current().family();
  }

  void setHomeDcId(int dcId) {
    setHomeDc(dcId, AddressFamily.IPV4);
  }

  void setHomeDc(int dcId, AddressFamily family) {
    if (dcId <= 0) {
      throw new IllegalArgumentException("expected a positive DC id, found " + dcId);
    }
    Objects.requireNonNull(family, "family");
    state.lock.lock();
    try {
      DcState.Dcs current = current();
      WriteFence fence = lease.checkWritable(description);
      events.timed(
          "setHomeDc",
          1,
          () -> {
            if (current.family() != family) {
              session.storeExtra(SessionExtras.HOME_FAMILY, SessionExtras.family(family), fence);
            }
            session.storeHomeDcId(dcId, fence);
            return null;
          });
      state.set(current.withHome(dcId, family));
    } finally {
      state.lock.unlock();
    }
  }

  Optional<DcOption> dcOption(int dcId) {
    return current().option(dcId);
  }

  Map<Integer, DcOption> dcOptions() {
    return current().asMap();
  }

  void setDcOption(DcOption option) {
    Objects.requireNonNull(option, "option");
    state.lock.lock();
    try {
      DcState.Dcs current = current();
      WriteFence fence = lease.checkWritable(description);
      events.timed(
          "setDcOption",
          1,
          () -> {
            if (!vault.storeDcOption(option, fence)) {
              session.storeDcOption(option, fence);
            }
            return null;
          });
      state.set(current.withOption(option));
    } finally {
      state.lock.unlock();
    }
  }

  Optional<DcOption> mediaDcOption(int dcId) {
    return current().mediaOption(dcId);
  }

  Map<Integer, DcOption> mediaDcOptions() {
    return current().mediaMap();
  }

  void setMediaDcOption(DcOption option) {
    Objects.requireNonNull(option, "option");
    state.lock.lock();
    try {
      DcState.Dcs current = current();
      dev.tgsession.AuthKey main = current.option(option.id()).map(DcOption::authKey).orElse(null);
      if (option.authKey() != null && !option.authKey().equals(main)) {
        throw new IllegalArgumentException(
            "expected the media option of DC "
                + option.id()
                + " to carry no auth key or the DC's own (a DC has one permanent key), found "
                + (main == null ? "a key while the DC has none" : "another key")
                + "; set it with setDcOption first");
      }
      WriteFence fence = lease.checkWritable(description);
      events.timed(
          "setMediaDcOption",
          1,
          () -> {
            session.storeExtra(
                SessionExtras.mediaKey(option.id()), SessionExtras.media(option), fence);
            return null;
          });
      state.set(current.withMedia(option));
    } finally {
      state.lock.unlock();
    }
  }

  void setTempAuthKey(int dcId, boolean media, @Nullable TempAuthKey key) {
    checkTempDcId(dcId);
    if (key != null && key.expiredAt(Instant.now())) {
      throw new IllegalArgumentException(
          "expected a temporary key that expires in the future, found one that expired at "
              + key.expiresAt()
              + "; bind a new one");
    }
    session.ensureOpen();
    state.lock.lock();
    try {
      WriteFence fence = lease.checkWritable(description);
      events.timed(
          "setTempAuthKey",
          1,
          () -> {
            vault.storeTempKey(dcId, media, key, fence, session.encryptionCapable());
            return null;
          });
    } finally {
      state.lock.unlock();
    }
  }

  Optional<TempAuthKey> tempAuthKey(int dcId, boolean media) {
    checkTempDcId(dcId);
    session.ensureOpen();
    TempAuthKey key = events.timed("tempAuthKey", 1, () -> vault.loadTempKey(dcId, media));
    return key == null || key.expiredAt(Instant.now()) ? Optional.empty() : Optional.of(key);
  }

  private static void checkTempDcId(int dcId) {
    if (dcId <= 0 || dcId > KeyVault.MAX_TEMP_DC_ID) {
      throw new IllegalArgumentException(
          "expected a DC id in 1.." + KeyVault.MAX_TEMP_DC_ID + ", found " + dcId);
    }
  }

  /** The {@link dev.tgsession.SessionEncryption} view, for Session.encryption(). */
  dev.tgsession.SessionEncryption encryption() {
    return new dev.tgsession.SessionEncryption() {
      @Override
      public Optional<String> fingerprint() {
        return Optional.ofNullable(vault.fingerprint());
      }

      @Override
      public void rekey(@Nullable EncryptionKey newKey) {
        state.lock.lock();
        try {
          DcState.Dcs served = current();
          WriteFence fence = lease.checkWritable(description);
          events.timed(
              "rekey",
              0,
              () -> {
                vault.rekey(served.asMap(), newKey, fence);
                return null;
              });
          state.drop();
        } finally {
          state.lock.unlock();
        }
      }
    };
  }
}
