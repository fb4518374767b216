package dev.tgsession.tck.broken;

import com.google.auto.service.AutoService;
import dev.tgsession.DcOption;
import dev.tgsession.ForwardingSession;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.SessionStore;
import dev.tgsession.Sessions;
import dev.tgsession.TempAuthKey;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.SessionImport;
import dev.tgsession.spi.SessionProvider;
import dev.tgsession.spi.SessionUri;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Backends that each break one rule of the contract's second round (temporary keys, media DCs, the
 * home DC's family, freshness and pruning, the directory, case-sensitive names, replace).
 */
final class RoundTwoBackends {

  private RoundTwoBackends() {}

  /** Serves every temporary key it was given, expired or not. */
  @AutoService(SessionProvider.class)
  public static final class TempKeysNeverExpire extends NewRuleBackends.DeclaredProvider {
    public TempKeysNeverExpire() {
      super("broken-temp-keys-never-expire");
    }

    @Override
    Session open(SessionUri uri, String name) {
      Map<String, TempAuthKey> given = new ConcurrentHashMap<>();
      return new ForwardingSession(Sessions.open("memory:")) {
        @Override
        public void setTempAuthKey(int dcId, boolean media, @Nullable TempAuthKey key) {
          delegate.setTempAuthKey(dcId, media, key);
          if (key == null) {
            given.remove(dcId + ":" + media);
          } else {
            given.put(dcId + ":" + media, key);
          }
        }

        @Override
        public Optional<TempAuthKey> tempAuthKey(int dcId, boolean media) {
          delegate.tempAuthKey(dcId, media);
          return Optional.ofNullable(given.get(dcId + ":" + media));
        }

        @Override
        public void clear() {
          given.clear();
          delegate.clear();
        }
      };
    }
  }

  /** Serves media options without their DC's auth key. */
  @AutoService(SessionProvider.class)
  public static final class MediaWithoutKey extends NewRuleBackends.DeclaredProvider {
    public MediaWithoutKey() {
      super("broken-media-without-key");
    }

    @Override
    Session open(SessionUri uri, String name) {
      return new ForwardingSession(Sessions.open("memory:")) {
        @Override
        public Optional<DcOption> mediaDcOption(int dcId) {
          return delegate.mediaDcOption(dcId).map(option -> option.withAuthKey(null));
        }
      };
    }
  }

  /** Keeps the home DC's family when setHomeDcId moves the home DC. */
  @AutoService(SessionProvider.class)
  public static final class FamilyKept extends NewRuleBackends.DeclaredProvider {
    public FamilyKept() {
      super("broken-family-kept");
    }

    @Override
    Session open(SessionUri uri, String name) {
      return new ForwardingSession(Sessions.open("memory:")) {
        @Override
        public void setHomeDcId(int dcId) {
          delegate.setHomeDc(dcId, delegate.homeDcFamily());
        }
      };
    }
  }

  /** Prunes the self user like any other peer. */
  @AutoService(SessionProvider.class)
  public static final class PrunesSelf extends NewRuleBackends.DeclaredProvider {
    public PrunesSelf() {
      super("broken-prunes-self");
    }

    @Override
    Session open(SessionUri uri, String name) {
      return new ForwardingSession(Sessions.open("memory:")) {
        @Override
        public synchronized long prunePeers(Instant olderThan) {
          Optional<PeerInfo> self = delegate.peer(PeerId.selfUser());
          boolean old =
              self.isPresent()
                  && delegate.peerCachedAt(PeerId.selfUser()).orElseThrow().isBefore(olderThan);
          long pruned = delegate.prunePeers(olderThan);
          if (!old) {
            return pruned;
          }
          SessionData data = delegate.snapshot();
          Map<PeerId, PeerInfo> peers = new LinkedHashMap<>(data.peers());
          peers.remove(self.orElseThrow().peerId());
          SessionImport.replace(
              delegate,
              new SessionData(
                  data.homeDcId(),
                  data.dcOptions(),
                  peers,
                  data.updatesState(),
                  data.mediaDcOptions(),
                  data.tempAuthKeys(),
                  data.mediaTempAuthKeys(),
                  data.homeDcFamily()));
          return pruned + 1;
        }
      };
    }
  }

  /** Folds session names to lower case, as a case-insensitive collation would. */
  @AutoService(SessionProvider.class)
  public static final class FoldsNameCase extends NewRuleBackends.DeclaredProvider {
    public FoldsNameCase() {
      super("broken-folds-name-case", Capability.DURABLE, Capability.NAMED, Capability.SHARED);
    }

    @Override
    Session open(SessionUri uri, String name) {
      return new SharedMemory(uri.toString(), "fold/" + name.toLowerCase(Locale.ROOT), true);
    }
  }

  /** Its directory keeps listing (and summarising) sessions it deleted. */
  @AutoService(SessionProvider.class)
  public static final class ListsDeleted extends NewRuleBackends.DeclaredProvider {
    public ListsDeleted() {
      super(
          "broken-lists-deleted",
          Capability.DURABLE,
          Capability.NAMED,
          Capability.SHARED,
          Capability.DIRECTORY);
    }

    @Override
    Session open(SessionUri uri, String name) {
      return new SharedMemory(uri.toString(), "deleted/" + name, true);
    }

    @Override
    public SessionStore openStore(SessionUri storeUri) {
      return new SharedMemoryDirectory("broken-lists-deleted", "deleted/", true);
    }
  }

  /** Writes replaced data over what the session held, keeping what the data lacks. */
  @AutoService(SessionProvider.class)
  public static final class ReplaceMerges extends NewRuleBackends.DeclaredProvider {
    public ReplaceMerges() {
      super("broken-replace-merges", Capability.DURABLE, Capability.NAMED, Capability.SHARED);
    }

    @Override
    Session open(SessionUri uri, String name) {
      return new SharedMemory(uri.toString(), "merges/" + name, SharedMemory.Flaw.REPLACE_MERGES);
    }
  }

  /** Declares ATOMIC_BATCH, but a replace shows readers the session half written. */
  @AutoService(SessionProvider.class)
  public static final class ReplaceTorn extends NewRuleBackends.DeclaredProvider {
    public ReplaceTorn() {
      super("broken-replace-torn", Capability.NAMED, Capability.SHARED, Capability.ATOMIC_BATCH);
    }

    @Override
    Session open(SessionUri uri, String name) {
      return new SharedMemory(
          uri.toString(), "torn-replace/" + name, SharedMemory.Flaw.REPLACE_TORN);
    }
  }
}
