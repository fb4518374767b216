package dev.tgsession;

import dev.tgsession.spi.Capability;
import dev.tgsession.spi.Listeners;
import dev.tgsession.spi.SessionOpening;
import dev.tgsession.spi.SessionProvider;
import dev.tgsession.spi.SessionUri;
import dev.tgsession.spi.SharedOptions;
import dev.tgsession.support.QuotedValue;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Opens sessions by URI: the scheme picks a {@link SessionProvider} found through {@link
 * ServiceLoader} ({@code memory:}, {@code sqlite:bot.session}, {@code
 * redis://host:6379/0?session=bot}, ...), so switching stores changes a string, not code.
 *
 * <pre>{@code
 * try (Session session = Sessions.open("sqlite:bot.session")) {
 *   session.cachePeer(PeerInfo.User.of(777000, 0x1234));
 * }
 * }</pre>
 */
public final class Sessions {

  /** How many peers {@link #copy} hands to {@link Session#cachePeers} at once. */
  public static final int COPY_BATCH_SIZE = 1000;

  private static volatile @Nullable Registry ownRegistry;

  private Sessions() {}

  /** Told how far a {@link #copy} has come, after each batch of peers. */
  @FunctionalInterface
  public interface CopyProgress {
    /**
     * Reports progress.
     *
     * @param copied peers copied so far
     * @param total peers in the source when the copy started
     */
    void peersCopied(long copied, long total);
  }

  /**
   * Opens the session a URI names, with the providers visible to the thread's context class loader.
   *
   * @throws IllegalArgumentException if the URI is malformed
   * @throws SessionException if no provider has the scheme (the message lists those there are), or
   *     a provider failed to load
   */
  public static Session open(String uri) {
    return open(uri, OpenOptions.defaults());
  }

  /** Opens the session a URI names; see {@link #open(String)}. */
  public static Session open(URI uri) {
    Objects.requireNonNull(uri, "uri");
    return open(uri.toString());
  }

  /**
   * Opens the session a URI names, with the providers visible to {@code classLoader}.
   *
   * <p>The URI's options are checked against those the provider declares ({@link
   * SessionProvider#options()}) before it sees them. With {@code lease=SECONDS} (capability {@link
   * Capability#LEASE}) the lease is taken before this returns.
   *
   * @throws SessionLeasedException when {@code lease=} is given and another owner holds the session
   */
  public static Session open(String uri, ClassLoader classLoader) {
    Objects.requireNonNull(classLoader, "classLoader");
    return open(uri, OpenOptions.defaults().withClassLoader(classLoader));
  }

  /**
   * Opens a session with options that are not part of its URI: listeners of this session, the class
   * loader to find providers with.
   *
   * @since 0.3.0
   */
  public static Session open(String uri, OpenOptions options) {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(options, "options");
    ClassLoader loader =
        options.classLoader() == null ? defaultClassLoader() : options.classLoader();
    SessionUri parsed = SessionUri.parse(uri);
    SessionProvider provider = registry(loader).provider(parsed.scheme());
    parsed = parsed.withDeclaredOptions(provider.options(), provider::passesThrough);
    Session session = provider.open(parsed);
    return SessionOpening.finish(session, parsed, provider, options.listeners(), defaultOwner());
  }

  /**
   * Forgets everything a session holds (sign-out), as {@link Session#clear()} on it, even when its
   * auth keys are encrypted with a key that is lost: without {@code encryption-key} the sealed
   * keys, which nobody can read any more, are deleted with the rest and the session is plain and
   * new. With the right key it stays encrypted, as after {@code clear()}. Takes the lease the URI
   * asks for.
   *
   * @throws SessionLeasedException when the URI asks for a lease another owner holds
   * @since 0.3.0
   */
  public static void clear(String uri) {
    Objects.requireNonNull(uri, "uri");
    SessionUri parsed = SessionUri.parse(uri);
    SessionProvider provider = registry(defaultClassLoader()).provider(parsed.scheme());
    parsed = parsed.withDeclaredOptions(provider.options(), provider::passesThrough);
    try (Session session =
        SessionOpening.finishForClearing(provider.open(parsed), parsed, provider, defaultOwner())) {
      session.clear();
    }
  }

  /**
   * Opens the directory of a store: the URI names the store without {@code session=} (for {@code
   * sqlite:}, a directory of {@code *.session} files).
   *
   * @throws IllegalArgumentException when the URI has {@code session=}, or its backend has no
   *     directory (capability {@code DIRECTORY})
   * @since 0.3.0
   */
  public static SessionStore store(String uri) {
    Objects.requireNonNull(uri, "uri");
    SessionUri parsed = SessionUri.parse(uri);
    SessionProvider provider = registry(defaultClassLoader()).provider(parsed.scheme());
    if (parsed.options().containsKey(SharedOptions.SESSION.name())) {
      throw new IllegalArgumentException(
          "expected a store URI without session= (the directory names the sessions), found "
              + parsed
              + "; remove session= or open the session with Sessions.open");
    }
    if (!provider.capabilities().contains(Capability.DIRECTORY)) {
      throw new IllegalArgumentException(
          "scheme '"
              + parsed.scheme()
              + "' has no directory of sessions (capability DIRECTORY); schemes with one: "
              + directorySchemes());
    }
    parsed = parsed.withDeclaredOptions(provider.options(), provider::passesThrough);
    return provider.openStore(parsed);
  }

  private static List<String> directorySchemes() {
    List<String> schemes = new ArrayList<>();
    registry(defaultClassLoader())
        .providers
        .forEach(
            (scheme, provider) -> {
              if (provider.capabilities().contains(Capability.DIRECTORY)) {
                schemes.add(scheme);
              }
            });
    return schemes;
  }

  /**
   * Adds a listener of every session of this JVM (opened before or after). Closing the returned
   * registration removes it; registering the same listener twice is reported once and ignored.
   *
   * @since 0.3.0
   */
  public static AutoCloseable addListener(SessionListener listener) {
    return Listeners.register(listener);
  }

  /** The default lease owner: {@code <hostname>:<pid>}. */
  public static String defaultOwner() {
    return hostName() + ":" + ProcessHandle.current().pid();
  }

  private static String hostName() {
    String fromEnv = System.getenv("HOSTNAME");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    try {
      String file = java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hostname")).strip();
      if (!file.isEmpty()) {
        return file;
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux: ask the JDK below
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }

  /** The schemes of every provider visible to the thread's context class loader, sorted. */
  public static Set<String> schemes() {
    return registry(defaultClassLoader()).providers.keySet();
  }

  /**
   * Why providers on the class path failed to load (each names its class and cause); empty when all
   * loaded. A provider that fails breaks only its own schemes.
   */
  public static List<String> providerFailures() {
    return registry(defaultClassLoader()).failures;
  }

  /**
   * The provider of a scheme, visible to the thread's context class loader.
   *
   * @throws SessionException if no provider has the scheme
   */
  public static SessionProvider provider(String scheme) {
    Objects.requireNonNull(scheme, "scheme");
    return registry(defaultClassLoader()).provider(scheme.toLowerCase(java.util.Locale.ROOT));
  }

  /** The capabilities of the provider of a scheme. */
  public static Set<Capability> capabilities(String scheme) {
    return provider(scheme).capabilities();
  }

  /**
   * Copies everything {@code from} holds into {@code to}: home DC (with its address family), DC
   * options with their keys, media DC options, unexpired temporary keys, every peer (streamed, in
   * batches of {@value #COPY_BATCH_SIZE}) and the updates state. What {@code to} held before and
   * {@code from} does not have is kept.
   *
   * @return how many peers were copied
   */
  public static long copy(Session from, Session to) {
    return copy(from, to, (copied, total) -> {});
  }

  /** Copies like {@link #copy(Session, Session)}, reporting progress after each batch. */
  public static long copy(Session from, Session to, CopyProgress progress) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(progress, "progress");
    long total = from.peerCount();
    long copied = 0;
    List<PeerInfo> batch = new ArrayList<>(COPY_BATCH_SIZE);
    try (Stream<PeerInfo> peers = from.peers()) {
      var iterator = peers.iterator();
      while (iterator.hasNext()) {
        batch.add(iterator.next());
        if (batch.size() == COPY_BATCH_SIZE || !iterator.hasNext()) {
          to.cachePeers(batch);
          copied += batch.size();
          batch.clear();
          progress.peersCopied(copied, total);
        }
      }
    }
    for (DcOption option : from.dcOptions().values()) {
      to.setDcOption(option);
    }
    for (DcOption option : from.mediaDcOptions().values()) {
      to.setMediaDcOption(option);
    }
    for (boolean media : new boolean[] {false, true}) {
      from.tempAuthKeys(media).forEach((dcId, key) -> to.setTempAuthKey(dcId, media, key));
    }
    to.setHomeDc(from.homeDcId(), from.homeDcFamily());
    to.setUpdateState(new UpdateState.All(from.updatesState()));
    if (copied == 0) {
      progress.peersCopied(0, total);
    }
    return copied;
  }

  private static ClassLoader defaultClassLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : Sessions.class.getClassLoader();
  }

  // Providers are cached only for the loader of this class: a cache keyed by other loaders would
  // keep them alive (the providers reference their loader), so those are looked up on each call.
  private static Registry registry(ClassLoader classLoader) {
    if (classLoader != Sessions.class.getClassLoader()) {
      return Registry.load(classLoader);
    }
    Registry registry = ownRegistry;
    if (registry == null) {
      synchronized (Sessions.class) {
        registry = ownRegistry;
        if (registry == null) {
          registry = Registry.load(classLoader);
          ownRegistry = registry;
        }
      }
    }
    return registry;
  }

  /** The providers one class loader sees, by scheme. */
  private record Registry(
      Map<String, SessionProvider> providers, List<String> failures, Map<String, String> clashes) {

    static Registry load(ClassLoader classLoader) {
      Map<String, SessionProvider> providers = new TreeMap<>();
      List<String> failures = new ArrayList<>();
      Map<String, String> clashes = new TreeMap<>();
      var iterator = ServiceLoader.load(SessionProvider.class, classLoader).stream().iterator();
      while (true) {
        ServiceLoader.Provider<SessionProvider> candidate;
        try {
          if (!iterator.hasNext()) {
            break;
          }
          candidate = iterator.next();
        } catch (ServiceConfigurationError e) {
          failures.add(describe(e));
          continue;
        }
        SessionProvider provider;
        try {
          provider = candidate.get();
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
          failures.add(candidate.type().getName() + " failed to load: " + describe(e));
          continue;
        }
        for (String scheme : provider.schemes()) {
          String key = scheme.toLowerCase(java.util.Locale.ROOT);
          SessionProvider other = providers.putIfAbsent(key, provider);
          if (other != null) {
            String clash =
                "scheme '"
                    + key
                    + "' is claimed by both "
                    + other.getClass().getName()
                    + " and "
                    + provider.getClass().getName()
                    + "; remove one of them from the class path";
            failures.add(clash);
            clashes.put(key, clash);
          }
        }
      }
      clashes.keySet().forEach(providers::remove);
      return new Registry(
          Collections.unmodifiableMap(providers),
          List.copyOf(failures),
          Collections.unmodifiableMap(clashes));
    }

    SessionProvider provider(String scheme) {
      String clash = clashes.get(scheme);
      if (clash != null) {
        throw new SessionException(clash);
      }
      SessionProvider provider = providers.get(scheme);
      if (provider == null) {
        throw new SessionException(
            "no session provider for scheme '"
                + QuotedValue.cut(scheme)
                + "'; available schemes are "
                + providers.keySet()
                + moduleHint(scheme)
                + (failures.isEmpty()
                    ? ""
                    : "; providers that failed to load: " + String.join("; ", failures)));
      }
      return provider;
    }

    /** Which of our modules serves a scheme, for the message of a missing provider. */
    private static String moduleHint(String scheme) {
      String module =
          switch (scheme) {
            case "sqlite" -> "session-sqlite";
            case "redis", "rediss", "redis-cluster", "rediss-cluster" -> "session-redis";
            case "mongodb", "mongodb+srv" -> "session-mongo";
            case "postgresql", "postgres" -> "session-postgres";
            default -> null;
          };
      return module == null
          ? " (add the module of the backend that serves it to the class path)"
          : " (add the module " + module + " to the class path)";
    }

    private static String describe(Throwable e) {
      Throwable root = e;
      StringBuilder out = new StringBuilder(e.toString());
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
        out.append(" caused by ").append(root);
      }
      return out.toString();
    }
  }
}
