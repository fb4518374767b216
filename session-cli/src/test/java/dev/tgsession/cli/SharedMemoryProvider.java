package dev.tgsession.cli;

import dev.tgsession.ForwardingSession;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.SessionProvider;
import dev.tgsession.spi.SessionUri;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
  private static final class Unclosable extends ForwardingSession {
    Unclosable(Session delegate) {
      super(delegate);
    }

    @Override
    public void close() {}
  }
}
