package dev.tgsession.tck.broken;

import com.google.auto.service.AutoService;
import dev.tgsession.DcOption;
import dev.tgsession.ForwardingSession;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.SessionOption;
import dev.tgsession.spi.SessionProvider;
import dev.tgsession.spi.SessionUri;
import dev.tgsession.spi.SharedOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The reference SHARED + LEASE backend the kit must pass, and backends that each break one of the
 * rules added with the peer-cache coherence, lease and platform work.
 */
final class NewRuleBackends {

  private NewRuleBackends() {}

  /** A provider declaring its options, as a third-party author would. */
  abstract static class DeclaredProvider implements SessionProvider {
    private final String scheme;
    private final Set<Capability> capabilities;

    DeclaredProvider(String scheme, Capability... capabilities) {
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
      return List.of(
          SharedOptions.SESSION,
          SharedOptions.LEASE,
          SharedOptions.OWNER,
          SessionOption.text("auth-token", 100, null, "a secret, for the kit's secrecy test")
              .asSecret());
    }

    @Override
    public Session open(SessionUri uri) {
      return open(uri, uri.get(SharedOptions.SESSION));
    }

    abstract Session open(SessionUri uri, String name);
  }

  /** Correct: shared in the JVM per name, with leases and fencing. The kit must pass it. */
  @AutoService(SessionProvider.class)
  public static final class Leased extends DeclaredProvider {
    public Leased() {
      super(
          "test-leased",
          Capability.DURABLE,
          Capability.SHARED,
          Capability.NAMED,
          Capability.LEASE,
          Capability.ATOMIC_BATCH,
          Capability.ENCRYPTION,
          Capability.DIRECTORY);
    }

    @Override
    public dev.tgsession.SessionStore openStore(SessionUri storeUri) {
      return new SharedMemoryDirectory("test-leased", "leased/", false);
    }

    @Override
    public List<SessionOption<?>> options() {
      List<SessionOption<?>> options = new java.util.ArrayList<>(super.options());
      options.add(SharedOptions.ENCRYPTION_KEY);
      return options;
    }

    @Override
    Session open(SessionUri uri, String name) {
      return new SharedMemory(uri.toString(), "leased/" + name, true);
    }
  }

  /** Takes leases but never fences its writes. */
  @AutoService(SessionProvider.class)
  public static final class NoFencing extends DeclaredProvider {
    public NoFencing() {
      super("broken-no-fencing", Capability.SHARED, Capability.NAMED, Capability.LEASE);
    }

    @Override
    Session open(SessionUri uri, String name) {
      return new SharedMemory(uri.toString(), "nofence/" + name, false);
    }
  }

  /** Shared, but each instance serves what it read once, forever. */
  @AutoService(SessionProvider.class)
  public static final class StaleCache extends DeclaredProvider {
    public StaleCache() {
      super("broken-stale-cache", Capability.SHARED, Capability.NAMED);
    }

    @Override
    Session open(SessionUri uri, String name) {
      Session shared = new SharedMemory(uri.toString(), "stale/" + name, true);
      Map<PeerId, PeerInfo> cache = new ConcurrentHashMap<>();
      return new ForwardingSession(shared) {
        @Override
        public Optional<PeerInfo> peer(PeerId id) {
          PeerInfo cached = cache.get(id);
          if (cached != null) {
            return Optional.of(cached);
          }
          Optional<PeerInfo> loaded = delegate.peer(id);
          loaded.ifPresent(peer -> cache.put(id, peer));
          return loaded;
        }
      };
    }
  }

  /** Looks usernames up as SQL's LIKE would: '_' matches any one character. */
  @AutoService(SessionProvider.class)
  public static final class LikeLookup extends DeclaredProvider {
    public LikeLookup() {
      super("broken-like");
    }

    @Override
    Session open(SessionUri uri, String name) {
      return new ForwardingSession(Sessions.open("memory:")) {
        @Override
        public Optional<PeerInfo> peerByUsername(String username) {
          String wanted = PeerInfo.normalizeUsername(username);
          Pattern like =
              Pattern.compile(
                  Pattern.quote(wanted).replace("_", "\\E.\\Q").replace("%", "\\E.*\\Q"));
          try (Stream<PeerInfo> peers = delegate.peers()) {
            return peers
                .filter(
                    peer ->
                        peer.usernames() != null
                            && peer.usernames().stream().anyMatch(u -> like.matcher(u).matches()))
                .findFirst();
          }
        }
      };
    }
  }

  /** Its toString() is the URI as given, secret option and all. */
  @AutoService(SessionProvider.class)
  public static final class ShowsSecret extends DeclaredProvider {
    public ShowsSecret() {
      super("broken-shows-secret");
    }

    @Override
    Session open(SessionUri uri, String name) {
      return new ForwardingSession(Sessions.open("memory:")) {
        @Override
        public String toString() {
          return "Session[" + uri.raw() + "]";
        }
      };
    }
  }

  /** Declares ATOMIC_BATCH but stores a batch one peer at a time. */
  @AutoService(SessionProvider.class)
  public static final class TornBatch extends DeclaredProvider {
    public TornBatch() {
      super("broken-torn-batch", Capability.SHARED, Capability.NAMED, Capability.ATOMIC_BATCH);
    }

    @Override
    Session open(SessionUri uri, String name) {
      return new ForwardingSession(new SharedMemory(uri.toString(), "torn/" + name, true)) {
        @Override
        public void cachePeers(Collection<? extends PeerInfo> peers) {
          for (PeerInfo peer : peers) {
            delegate.cachePeer(peer);
            // a store a little slow between its single writes: a running reader sees the gap
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
          }
        }
      };
    }
  }

  /** Durable, but reads an IPv4-mapped IPv6 address back as the IPv4 address it maps. */
  @AutoService(SessionProvider.class)
  public static final class UnmapsIpv6 extends DeclaredProvider {
    private static final Map<String, Session> FILES = new ConcurrentHashMap<>();

    public UnmapsIpv6() {
      super("broken-unmaps-ipv6", Capability.DURABLE, Capability.NAMED);
    }

    @Override
    Session open(SessionUri uri, String name) {
      Session file = FILES.computeIfAbsent(name, key -> Sessions.open("memory:"));
      return new ForwardingSession(file) {
        private boolean closed;

        @Override
        public Optional<DcOption> dcOption(int dcId) {
          return delegate.dcOption(dcId).map(UnmapsIpv6::unmapped);
        }

        @Override
        public void close() {
          closed = true;
        }

        @Override
        public long peerCount() {
          if (closed) {
            throw new IllegalStateException("closed");
          }
          return delegate.peerCount();
        }
      };
    }

    private static DcOption unmapped(DcOption option) {
      try {
        InetAddress address = InetAddress.getByAddress(option.ipv6().getAddress().getAddress());
        return new DcOption(
            option.id(),
            option.ipv4(),
            new InetSocketAddress(address, option.ipv6().getPort()),
            option.authKey());
      } catch (UnknownHostException | IllegalArgumentException e) {
        return new DcOption(option.id(), option.ipv4(), option.ipv4(), option.authKey());
      }
    }
  }
}
