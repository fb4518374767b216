package dev.tgsession.cli;

import dev.tgsession.ForwardingSession;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.SessionProvider;
import dev.tgsession.spi.SessionUri;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A test-only {@code shared-memory:NAME} scheme: memory sessions that outlive {@code close}, so
 * that one in-process run of the command sees what an earlier run wrote (as with a file). And
 * {@code failing-memory:NAME}: the same session, read through a store that fails half-way, the way
 * a damaged row or a lost connection does: its peer stream throws after {@value #FAILS_AFTER}
 * peers, and its updates state cannot be read.
 */
public final class SharedMemoryProvider implements SessionProvider {

  private static final Map<String, Session> SESSIONS = new ConcurrentHashMap<>();

  /** How many peers a {@code failing-memory:} session streams before it fails. */
  static final int FAILS_AFTER = 3;

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
    return Set.of("shared-memory", "failing-memory");
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.DURABLE);
  }

  @Override
  public java.util.List<dev.tgsession.spi.SessionOption<?>> options() {
    return java.util.List.of();
  }

  @Override
  public Session open(SessionUri uri) {
    Session session = new Unclosable(named(uri.path()));
    return uri.scheme().equals("failing-memory") ? new Failing(session) : session;
  }

  /** Fails while read, after part of the peers. */
  private static final class Failing extends ForwardingSession {
    Failing(Session delegate) {
      super(delegate);
    }

    @Override
    public Stream<PeerInfo> peers() {
      AtomicInteger served = new AtomicInteger();
      return delegate
          .peers()
          .peek(
              peer -> {
                if (served.incrementAndGet() > FAILS_AFTER) {
                  throw new IncompatibleSessionException(
                      "expected a peer row, found a damaged one (test store)", null);
                }
              });
    }

    @Override
    public UpdatesState updatesState() {
      throw new IncompatibleSessionException(
          "expected an updates state, found a damaged one (test store)", null);
    }
  }

  /** Delegates everything but {@code close}. */
  private static final class Unclosable extends ForwardingSession {
    Unclosable(Session delegate) {
      super(delegate);
    }

    @Override
    public void close() {}
  }
}
