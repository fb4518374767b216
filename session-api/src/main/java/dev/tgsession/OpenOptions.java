package dev.tgsession;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Sessions#open(String, OpenOptions)} takes besides the URI: listeners for this session
 * and the class loader providers are found with. Immutable; the URI string stays the same whatever
 * is given here.
 *
 * <pre>{@code
 * Session s = Sessions.open("sqlite:bot.session", OpenOptions.defaults().withListener(listener));
 * }</pre>
 *
 * @since 0.3.0
 */
public final class OpenOptions {

  private static final OpenOptions DEFAULTS = new OpenOptions(List.of(), null);

  private final List<SessionListener> listeners;
  private final @Nullable ClassLoader classLoader;

  private OpenOptions(List<SessionListener> listeners, @Nullable ClassLoader classLoader) {
    this.listeners = listeners;
    this.classLoader = classLoader;
  }

  /** No listener; providers from the thread's context class loader. */
  public static OpenOptions defaults() {
    return DEFAULTS;
  }

  /** These options plus a listener of the opened session (besides the process-wide ones). */
  public OpenOptions withListener(SessionListener listener) {
    Objects.requireNonNull(listener, "listener");
    List<SessionListener> more = new ArrayList<>(listeners);
    more.add(listener);
    return new OpenOptions(List.copyOf(more), classLoader);
  }

  /** These options, finding providers with {@code loader}. */
  public OpenOptions withClassLoader(ClassLoader loader) {
    return new OpenOptions(listeners, Objects.requireNonNull(loader, "loader"));
  }

  /** The listeners given for this open. */
  public List<SessionListener> listeners() {
    return listeners;
  }

  /** The class loader given, or null for the default. */
  public @Nullable ClassLoader classLoader() {
    return classLoader;
  }

  @Override
  public String toString() {
    return "OpenOptions[listeners=" + listeners.size() + "]";
  }
}
