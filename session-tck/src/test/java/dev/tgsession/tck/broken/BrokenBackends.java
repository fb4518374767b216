package dev.tgsession.tck.broken;

import com.google.auto.service.AutoService;
import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.ForwardingSession;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.SessionOption;
import dev.tgsession.spi.SessionProvider;
import dev.tgsession.spi.SessionUri;
import dev.tgsession.spi.SharedOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Backends that each break one rule the way a real backend author might. The TCK must catch every
 * one of them; {@code TckTeethTest} checks that it does.
 */
final class BrokenBackends {

  private BrokenBackends() {}

  /** A provider over the memory backend, with one scheme and a wrapper that breaks a rule. */
  abstract static class BrokenProvider implements SessionProvider {
    private final String scheme;
    private final Set<Capability> capabilities;

    BrokenProvider(String scheme, Capability... capabilities) {
      this.scheme = scheme;
      this.capabilities = Set.of(capabilities);
    }

    @Override
    public Set<String> schemes() {
      return Set.of(scheme);
    }

    @Override
    public Set<Capability> capabilities() {
      return capabilities;
    }

    @Override
    public List<SessionOption<?>> options() {
      return List.of(SharedOptions.SESSION);
    }

    @Override
    public Session open(SessionUri uri) {
      return wrap(Sessions.open("memory:"), uri.get(SharedOptions.SESSION));
    }

    abstract Session wrap(Session memory, String name);
  }

  /** Stores a peer as a whole row, as grammers does: an unknown hash becomes 0, lost. */
  @AutoService(SessionProvider.class)
  public static final class ReplacesWholeRow extends BrokenProvider {
    public ReplacesWholeRow() {
      super("broken-whole-row");
    }

    @Override
    Session wrap(Session memory, String name) {
      UnaryOperator<PeerInfo> row =
          peer -> {
            if (peer instanceof PeerInfo.User u && u.auth() == null) {
              return new PeerInfo.User(
                  u.id(), PeerAuth.AMBIENT, u.bot(), u.self(), u.usernames(), u.phone());
            }
            if (peer instanceof PeerInfo.Channel c && c.auth() == null) {
              return new PeerInfo.Channel(c.id(), PeerAuth.AMBIENT, c.kind(), c.usernames());
            }
            return peer;
          };
      return new ForwardingSession(memory) {
        @Override
        public void cachePeer(PeerInfo peer) {
          delegate.cachePeer(row.apply(peer));
        }

        @Override
        public void cachePeers(Collection<? extends PeerInfo> peers) {
          delegate.cachePeers(peers.stream().map(row).toList());
        }
      };
    }
  }

  /** Writes the whole state on {@code Primary}, with qts zero. */
  @AutoService(SessionProvider.class)
  public static final class PrimaryZeroesQts extends BrokenProvider {
    public PrimaryZeroesQts() {
      super("broken-primary-qts");
    }

    @Override
    Session wrap(Session memory, String name) {
      return new ForwardingSession(memory) {
        @Override
        public void setUpdateState(UpdateState update) {
          if (update instanceof UpdateState.Primary p) {
            List<ChannelState> channels = delegate.updatesState().channels();
            delegate.setUpdateState(
                new UpdateState.All(new UpdatesState(p.pts(), 0, p.date(), p.seq(), channels)));
          } else {
            delegate.setUpdateState(update);
          }
        }
      };
    }
  }

  /** Applies {@code All} as a merge: channels it does not name are kept. */
  @AutoService(SessionProvider.class)
  public static final class AllMergesChannels extends BrokenProvider {
    public AllMergesChannels() {
      super("broken-all-merges");
    }

    @Override
    Session wrap(Session memory, String name) {
      return new ForwardingSession(memory) {
        @Override
        public void setUpdateState(UpdateState update) {
          if (update instanceof UpdateState.All all) {
            UpdatesState s = all.state();
            delegate.setUpdateState(new UpdateState.Primary(s.pts(), s.date(), s.seq()));
            delegate.setUpdateState(new UpdateState.Secondary(s.qts()));
            s.channels()
                .forEach(c -> delegate.setUpdateState(new UpdateState.Channel(c.id(), c.pts())));
          } else {
            delegate.setUpdateState(update);
          }
        }
      };
    }
  }

  /** Looks usernames up exactly as given: case and '@' matter. */
  @AutoService(SessionProvider.class)
  public static final class CaseSensitiveUsernames extends BrokenProvider {
    public CaseSensitiveUsernames() {
      super("broken-case-sensitive");
    }

    @Override
    Session wrap(Session memory, String name) {
      return new ForwardingSession(memory) {
        @Override
        public Optional<PeerInfo> peerByUsername(String username) {
          Optional<PeerInfo> found = delegate.peerByUsername(username);
          if (!username.equals(username.toLowerCase(Locale.ROOT)) || username.startsWith("@")) {
            return Optional.empty();
          }
          return found;
        }
      };
    }
  }

  /** Forgets peers and state on {@code clear()}, but keeps the auth keys. */
  @AutoService(SessionProvider.class)
  public static final class ClearKeepsKeys extends BrokenProvider {
    public ClearKeepsKeys() {
      super("broken-clear-keeps-keys");
    }

    @Override
    Session wrap(Session memory, String name) {
      return new ForwardingSession(memory) {
        @Override
        public void clear() {
          List<DcOption> keyed =
              delegate.dcOptions().values().stream().filter(o -> o.authKey() != null).toList();
          delegate.clear();
          keyed.forEach(delegate::setDcOption);
        }
      };
    }
  }

  /** Ignores {@code close()}: the session keeps working. */
  @AutoService(SessionProvider.class)
  public static final class UsableAfterClose extends BrokenProvider {
    public UsableAfterClose() {
      super("broken-use-after-close");
    }

    @Override
    Session wrap(Session memory, String name) {
      return new ForwardingSession(memory) {
        @Override
        public void close() {}
      };
    }
  }

  /** Applies a batch last to first. */
  @AutoService(SessionProvider.class)
  public static final class BatchReversed extends BrokenProvider {
    public BatchReversed() {
      super("broken-batch-reversed");
    }

    @Override
    Session wrap(Session memory, String name) {
      return new ForwardingSession(memory) {
        @Override
        public void cachePeers(Collection<? extends PeerInfo> peers) {
          List<PeerInfo> reversed = new ArrayList<>(peers);
          java.util.Collections.reverse(reversed);
          delegate.cachePeers(reversed);
        }
      };
    }
  }

  /** Appends a channel entry on every {@code Channel} update instead of upserting it. */
  @AutoService(SessionProvider.class)
  public static final class DuplicateChannelEntries extends BrokenProvider {
    public DuplicateChannelEntries() {
      super("broken-channel-append");
    }

    @Override
    Session wrap(Session memory, String name) {
      List<ChannelState> appended = new ArrayList<>();
      return new ForwardingSession(memory) {
        @Override
        public synchronized void setUpdateState(UpdateState update) {
          if (update instanceof UpdateState.Channel c) {
            appended.add(new ChannelState(c.id(), c.pts()));
          } else {
            if (update instanceof UpdateState.All) {
              appended.clear();
            }
            delegate.setUpdateState(update);
          }
        }

        @Override
        public synchronized UpdatesState updatesState() {
          UpdatesState s = delegate.updatesState();
          List<ChannelState> channels = new ArrayList<>(s.channels());
          channels.addAll(appended);
          return new UpdatesState(s.pts(), s.qts(), s.date(), s.seq(), channels);
        }
      };
    }
  }

  /** Leaves the first self user in place when a newer one arrives. */
  @AutoService(SessionProvider.class)
  public static final class SelfNotMoved extends BrokenProvider {
    public SelfNotMoved() {
      super("broken-self-stays");
    }

    @Override
    Session wrap(Session memory, String name) {
      return new ForwardingSession(memory) {
        @Override
        public synchronized void cachePeer(PeerInfo peer) {
          if (peer instanceof PeerInfo.User u
              && u.isSelf()
              && delegate
                  .peer(PeerId.selfUser())
                  .filter(s -> !s.peerId().equals(u.peerId()))
                  .isPresent()) {
            delegate.cachePeer(u.withSelf(null));
          } else {
            delegate.cachePeer(peer);
          }
        }
      };
    }
  }

  /** Adds the usernames of a re-cached peer to those it had, never releasing one. */
  @AutoService(SessionProvider.class)
  public static final class NamesNeverReleased extends BrokenProvider {
    public NamesNeverReleased() {
      super("broken-names-kept");
    }

    @Override
    Session wrap(Session memory, String name) {
      return new ForwardingSession(memory) {
        @Override
        public synchronized void cachePeer(PeerInfo peer) {
          List<String> stored = delegate.peer(peer.peerId()).map(PeerInfo::usernames).orElse(null);
          if (peer instanceof PeerInfo.User u && u.usernames() != null && stored != null) {
            Set<String> union = new LinkedHashSet<>(stored);
            union.addAll(u.usernames());
            delegate.cachePeer(u.withUsernames(List.copyOf(union)));
          } else {
            delegate.cachePeer(peer);
          }
        }
      };
    }
  }

  /** Declares DURABLE, but every open starts empty. */
  @AutoService(SessionProvider.class)
  public static final class ForgetsOnReopen extends BrokenProvider {
    public ForgetsOnReopen() {
      super("broken-forgets", Capability.DURABLE);
    }

    @Override
    Session wrap(Session memory, String name) {
      return memory;
    }
  }

  /** Declares NAMED and SHARED, but every name opens one and the same session. */
  @AutoService(SessionProvider.class)
  public static final class IgnoresSessionName extends BrokenProvider {
    private static final Map<String, Session> SHARED = new ConcurrentHashMap<>();

    public IgnoresSessionName() {
      super("broken-ignores-name", Capability.NAMED, Capability.SHARED);
    }

    @Override
    Session wrap(Session memory, String name) {
      memory.close();
      Session shared = SHARED.computeIfAbsent("the-one", key -> Sessions.open("memory:"));
      return new ForwardingSession(shared) {
        private volatile boolean closed;

        @Override
        public void close() {
          closed = true;
        }

        @Override
        public long peerCount() {
          if (closed) {
            throw new IllegalStateException("closed");
          }
          return super.peerCount();
        }
      };
    }
  }
}
