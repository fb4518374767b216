package dev.tgsession.cli;

import dev.tgsession.DcOption;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.SessionProvider;
import dev.tgsession.spi.SessionUri;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A test-only {@code shared-memory:NAME} scheme: memory sessions that outlive {@code close}, so
 * that one in-process run of the command sees what an earlier run wrote (as with a file).
 */
public final class SharedMemoryProvider implements SessionProvider {

  private static final Map<String, Session> SESSIONS = new ConcurrentHashMap<>();

  /** Called by ServiceLoader. */
  public SharedMemoryProvider() {}

  /** Forgets every shared session. */
  static void reset() {
    SESSIONS.values().forEach(Session::close);
    SESSIONS.clear();
  }

  /** The session of a name, for a test to fill or inspect; created empty if new. */
  static Session named(String name) {
    return SESSIONS.computeIfAbsent(name, key -> Sessions.open("memory:"));
  }

  @Override
  public Set<String> schemes() {
    return Set.of("shared-memory");
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.DURABLE);
  }

  @Override
  public Session open(SessionUri uri) {
    uri.requireKnownOptions(Set.of());
    return new Unclosable(named(uri.path()));
  }

  /** Delegates everything but {@code close}. */
  private record Unclosable(Session delegate) implements Session {
    @Override
    public int homeDcId() {
      return delegate.homeDcId();
    }

    @Override
    public void setHomeDcId(int dcId) {
      delegate.setHomeDcId(dcId);
    }

    @Override
    public Optional<DcOption> dcOption(int dcId) {
      return delegate.dcOption(dcId);
    }

    @Override
    public Map<Integer, DcOption> dcOptions() {
      return delegate.dcOptions();
    }

    @Override
    public void setDcOption(DcOption option) {
      delegate.setDcOption(option);
    }

    @Override
    public Optional<PeerInfo> peer(PeerId id) {
      return delegate.peer(id);
    }

    @Override
    public void cachePeer(PeerInfo peer) {
      delegate.cachePeer(peer);
    }

    @Override
    public void cachePeers(Collection<? extends PeerInfo> peers) {
      delegate.cachePeers(peers);
    }

    @Override
    public Optional<PeerInfo> peerByUsername(String username) {
      return delegate.peerByUsername(username);
    }

    @Override
    public Optional<PeerInfo> peerByPhone(String phone) {
      return delegate.peerByPhone(phone);
    }

    @Override
    public UpdatesState updatesState() {
      return delegate.updatesState();
    }

    @Override
    public void setUpdateState(UpdateState update) {
      delegate.setUpdateState(update);
    }

    @Override
    public Stream<PeerInfo> peers() {
      return delegate.peers();
    }

    @Override
    public long peerCount() {
      return delegate.peerCount();
    }

    @Override
    public SessionData snapshot() {
      return delegate.snapshot();
    }

    @Override
    public void clear() {
      delegate.clear();
    }

    @Override
    public void close() {}
  }
}
