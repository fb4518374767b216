package dev.tgsession.micrometer;

import dev.tgsession.SessionLease;
import dev.tgsession.SessionListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SessionListener} that reports to Micrometer: one {@link Observation} per store operation
 * (started before the operation on its thread, with a scope open around it, so a meter handler
 * times it and a tracing handler makes it a span the driver's spans nest in) and these meters, each
 * tagged {@code tgsession.backend} and {@code db.system.name}:
 *
 * <ul>
 *   <li>{@value #PEER_CACHE_GETS} (counter, tag {@code result} = {@code hit} or {@code miss}): peer
 *       lookups by id; the hit ratio is hits over both;
 *   <li>{@value #PEER_CACHE_INVALIDATIONS} (counter): peer caches dropped because another instance
 *       changed peers;
 *   <li>{@value #LEASE_EVENTS} (counter, tag {@code event} = {@code acquired}, {@code renewed},
 *       {@code lost}, {@code released});
 *   <li>{@value #ENCRYPTION_EVENTS} (counter, tag {@code event} = {@code opened}, {@code
 *       encrypted}, {@code rekeyed}, {@code decrypted});
 *   <li>{@value #SESSIONS_OPEN} (gauge): sessions open now.
 * </ul>
 *
 * <pre>{@code
 * ObservationRegistry observations = ObservationRegistry.create();
 * observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
 * Sessions.addListener(new ObservationSessionListener(observations, meters));
 * }</pre>
 *
 * <p>Register one instance per pair of registries (process-wide, or per open with {@link
 * dev.tgsession.OpenOptions#withListener}). Thread-safe; nothing here blocks.
 *
 * @since 0.3.0
 */
public final class ObservationSessionListener implements SessionListener {

  /** Counter of peer lookups by id, tag {@code result}: {@code hit} or {@code miss}. */
  public static final String PEER_CACHE_GETS = "tgsession.peer.cache.gets";

  /** Counter of peer caches dropped because another instance changed peers. */
  public static final String PEER_CACHE_INVALIDATIONS = "tgsession.peer.cache.invalidations";

  /** Counter of lease events, tag {@code event}. */
  public static final String LEASE_EVENTS = "tgsession.lease.events";

  /** Counter of encryption events, tag {@code event}. */
  public static final String ENCRYPTION_EVENTS = "tgsession.encryption.events";

  /** Gauge of the sessions open now. */
  public static final String SESSIONS_OPEN = "tgsession.sessions.open";

  private final ObservationRegistry observations;
  private final MeterRegistry meters;
  private final @Nullable SessionObservationConvention convention;
  private final Map<String, BackendMeters> byBackend = new ConcurrentHashMap<>();
  // The Observations started on each thread and not yet stopped, innermost first (a snapshot's
  // first read of the DCs runs inside it).
  private final ThreadLocal<Deque<Running>> running = ThreadLocal.withInitial(ArrayDeque::new);

  private record Running(
      SessionOperationContext context, Observation observation, Observation.Scope scope) {}

  /**
   * Reports to these registries with the {@link DefaultSessionObservationConvention default
   * convention}. Timers come from the meter handler registered on {@code observations} (Spring
   * Boot's registry has one; see the class comment for plain Micrometer).
   */
  public ObservationSessionListener(ObservationRegistry observations, MeterRegistry meters) {
    this(observations, meters, null);
  }

  /**
   * Reports to these registries, naming Observations with {@code convention} (null: the default
   * one).
   */
  public ObservationSessionListener(
      ObservationRegistry observations,
      MeterRegistry meters,
      @Nullable SessionObservationConvention convention) {
    this.observations = Objects.requireNonNull(observations, "observations");
    this.meters = Objects.requireNonNull(meters, "meters");
    this.convention = convention;
  }

  @Override
  public void operationStarted(Source source, String name) {
    SessionOperationContext context = new SessionOperationContext(source, name);
    Observation observation =
        Observation.createNotStarted(
                convention,
                DefaultSessionObservationConvention.INSTANCE,
                () -> context,
                observations)
            .start();
    running.get().push(new Running(context, observation, observation.openScope()));
  }

  @Override
  public void operation(Operation operation) {
    Deque<Running> started = running.get();
    Running top = started.peek();
    if (top == null
        || !top.context().operation().equals(operation.name())
        || !top.context().source().equals(operation.source())) {
      // Its start was not told to this listener (registered while it ran): nothing to stop.
      return;
    }
    started.pop();
    top.context().ended(operation);
    top.scope().close();
    if (!operation.succeeded()) {
      top.observation().error(new StoreOperationFailure(operation));
    }
    top.observation().stop();
  }

  @Override
  public void peerCacheAccess(Source source, boolean hit) {
    BackendMeters backend = meters(source);
    (hit ? backend.hits : backend.misses).increment();
  }

  @Override
  public void peerCacheInvalidated(Source source) {
    meters(source).invalidations.increment();
  }

  @Override
  public void lease(Source source, LeaseEvent event, SessionLease lease) {
    meters(source).leases.get(event).increment();
  }

  @Override
  public void encryption(Source source, EncryptionEvent event, @Nullable String fingerprint) {
    meters(source).encryption.get(event).increment();
  }

  @Override
  public void sessionOpened(Source source) {
    meters(source).open.incrementAndGet();
  }

  @Override
  public void sessionClosed(Source source) {
    meters(source).open.decrementAndGet();
  }

  @Override
  public String toString() {
    return "ObservationSessionListener[" + meters.getClass().getSimpleName() + "]";
  }

  private BackendMeters meters(Source source) {
    return byBackend.computeIfAbsent(source.backend(), this::register);
  }

  private BackendMeters register(String backend) {
    Tags tags =
        Tags.of(
            SessionObservation.LowCardinalityKeys.BACKEND.asString(),
            backend,
            SessionObservation.LowCardinalityKeys.DB_SYSTEM_NAME.asString(),
            DbSystem.name(backend));
    return new BackendMeters(meters, tags);
  }

  /** The meters of one backend, made once: the hot path only increments. */
  private static final class BackendMeters {
    final Counter hits;
    final Counter misses;
    final Counter invalidations;
    final Map<LeaseEvent, Counter> leases = new EnumMap<>(LeaseEvent.class);
    final Map<EncryptionEvent, Counter> encryption = new EnumMap<>(EncryptionEvent.class);
    final AtomicLong open = new AtomicLong();

    BackendMeters(MeterRegistry registry, Tags tags) {
      hits = cacheGets(registry, tags, "hit");
      misses = cacheGets(registry, tags, "miss");
      invalidations =
          Counter.builder(PEER_CACHE_INVALIDATIONS)
              .description("Peer caches dropped because another instance changed peers")
              .tags(tags)
              .register(registry);
      for (LeaseEvent event : LeaseEvent.values()) {
        leases.put(
            event,
            Counter.builder(LEASE_EVENTS)
                .description("Leases acquired, renewed, lost and released")
                .tags(tags)
                .tag("event", event.name().toLowerCase(Locale.ROOT))
                .register(registry));
      }
      for (EncryptionEvent event : EncryptionEvent.values()) {
        encryption.put(
            event,
            Counter.builder(ENCRYPTION_EVENTS)
                .description("Encrypted sessions opened, encrypted, rekeyed and decrypted")
                .tags(tags)
                .tag("event", event.name().toLowerCase(Locale.ROOT))
                .register(registry));
      }
      Gauge.builder(SESSIONS_OPEN, open, AtomicLong::get)
          .description("Sessions open now")
          .tags(tags)
          .strongReference(true)
          .register(registry);
    }

    private static Counter cacheGets(MeterRegistry registry, Tags tags, String result) {
      return Counter.builder(PEER_CACHE_GETS)
          .description("Peer lookups by id, served from the in-process cache (hit) or not (miss)")
          .tags(tags)
          .tag("result", result)
          .register(registry);
    }
  }
}
