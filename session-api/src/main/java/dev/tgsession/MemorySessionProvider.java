package dev.tgsession;

import com.google.auto.service.AutoService;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.SessionOption;
import dev.tgsession.spi.SessionProvider;
import dev.tgsession.spi.SessionUri;
import dev.tgsession.spi.SharedOptions;
import java.util.List;
import java.util.Set;

/**
 * The {@code memory:} backend: every open is a fresh session held in this process, gone when it is
 * closed. For tests, and as the reference every other backend is measured against.
 */
@AutoService(SessionProvider.class)
public final class MemorySessionProvider implements SessionProvider {

  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public MemorySessionProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("memory");
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.ATOMIC_BATCH);
  }

  @Override
  public List<SessionOption<?>> options() {
    return List.of(SharedOptions.SESSION);
  }

  @Override
  public Session open(SessionUri uri) {
    if (uri.hierarchical() || !uri.path().isEmpty()) {
      throw new IllegalArgumentException(
          "expected 'memory:' (optionally with ?session=NAME), found '" + uri + "'");
    }
    return new MemorySession(uri.toString());
  }
}
