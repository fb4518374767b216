package dev.tgsession.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.ForwardingSession;
import dev.tgsession.OpenOptions;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.SessionStore;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.TestHooks;
import dev.tgsession.tck.server.TestServers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a Micrometer user sees of real stores (SQLite, Redis, PostgreSQL): the Observations, timers
 * and counters count exactly what the test did.
 */
@DisplayName("ObservationSessionListener")
class ObservationSessionListenerTest {

  private static final String RUN =
      "obs" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  private static final String POSTGRES_ENV = "TGSESSION_TEST_POSTGRES_URI";

  private MeterRegistry meters;
  private TestObservationRegistry observations;
  private ObservationSessionListener listener;
  private final List<Session> opened = new ArrayList<>();
  private final List<Runnable> cleanUps = new ArrayList<>();

  @BeforeEach
  void registries() {
    meters = new SimpleMeterRegistry();
    observations = TestObservationRegistry.create();
    observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
    listener = new ObservationSessionListener(observations, meters);
  }

  @AfterEach
  void close() {
    for (Session session : opened) {
      session.close();
    }
    cleanUps.forEach(Runnable::run);
  }

  private static List<PeerInfo> users(int count) {
    return IntStream.rangeClosed(1, count)
        .mapToObj(id -> (PeerInfo) PeerInfo.User.of(id, 5000L + id))
        .toList();
  }

  private long timer(String operation, String errorType) {
    return meters
        .get(DefaultSessionObservationConvention.NAME)
        .tag("db.operation.name", operation)
        .tag("error.type", errorType)
        .timer()
        .count();
  }

  /** {@code base} with the option {@code query} ({@code name=value}, or empty for none). */
  private static String withQuery(String base, String query) {
    if (query.isEmpty()) {
      return base;
    }
    String[] option = query.split("=", 2);
    return TestServers.withOption(base, option[0], option[1]);
  }

  private RequiredSearch meter(String name, String backend) {
    return meters.get(name).tag("tgsession.backend", backend);
  }

  /** The rules every backend shows; a subclass names its store. */
  abstract class Store {

    /** The URI of session {@code name} in this store, with {@code query} options added. */
    abstract String uri(String name, String query);

    abstract String scheme();

    abstract String dbSystem();

    String newName() {
      String name = RUN + "-" + Long.toHexString(System.nanoTime());
      if (Sessions.capabilities(scheme()).contains(Capability.DIRECTORY)) {
        String store = uri(name, "").replaceFirst("[?&]session=[^&]*", "");
        cleanUps.add(
            () -> {
              try (SessionStore directory = Sessions.store(store)) {
                directory.forceDelete(name);
              }
            });
      }
      return name;
    }

    Session open(String name, String query) {
      Session session =
          Sessions.open(uri(name, query), OpenOptions.defaults().withListener(listener));
      opened.add(session);
      return session;
    }

    @Test
    @DisplayName("operations are timed per name and outcome, cache lookups counted hit or miss")
    void operationsAndCache() {
      Session session = open(newName(), "");

      session.cachePeers(users(10));
      int lookups = 0;
      for (int id = 1; id <= 3; id++) {
        lookups += lookUpUntilHit(session, PeerId.user(id)); // a miss (loaded, cached), a hit
      }
      session.setUpdateState(new UpdateState.Primary(10, 20, 30));
      assertThat(session.peerCount()).isEqualTo(10);

      assertThat(timer("cachePeers", "none")).isEqualTo(1);
      assertThat(timer("setUpdateState", "none")).isEqualTo(1);
      assertThat(timer("peerCount", "none")).isEqualTo(1);
      assertCacheCounted(lookups);
      assertThat(cacheGets("hit")).isEqualTo(3);
      assertThat(observations.getCurrentObservation()).as("every scope closed").isNull();
      assertThat(meters.get(DefaultSessionObservationConvention.NAME).timers())
          .allSatisfy(
              timer -> {
                assertThat(timer.getId().getTag("db.system.name")).isEqualTo(dbSystem());
                assertThat(timer.getId().getTag("tgsession.backend")).isEqualTo(scheme());
                assertThat(timer.getId().getTag("tgsession.session")).isNull();
              });
    }

    @Test
    @DisplayName("each operation is one Observation with the OpenTelemetry keys and the session")
    void observations() {
      String name = newName();
      Session session = open(name, "");
      session.cachePeers(users(4));

      TestObservationRegistryAssert.assertThat(observations)
          .hasAnObservation(
              observation ->
                  observation
                      .hasNameEqualTo(DefaultSessionObservationConvention.NAME)
                      .hasContextualNameEqualTo("cachePeers")
                      .hasLowCardinalityKeyValue("db.system.name", dbSystem())
                      .hasLowCardinalityKeyValue("db.operation.name", "cachePeers")
                      .hasLowCardinalityKeyValue("error.type", "none")
                      .hasLowCardinalityKeyValue("tgsession.backend", scheme())
                      .hasHighCardinalityKeyValue("tgsession.session", expectedSession(name))
                      .hasHighCardinalityKeyValue("db.operation.batch.size", "4")
                      .doesNotHaveError());
    }

    double cacheGets(String result) {
      return meter(ObservationSessionListener.PEER_CACHE_GETS, scheme())
          .tag("result", result)
          .counter()
          .count();
    }

    /**
     * Looks a stored peer up until the cache serves it, and returns how many lookups that took: a
     * shared store drops the cache when the echo of this session's own write arrives (Redis
     * tracking, PostgreSQL NOTIFY), which may cost a lookup or more; so the test counts what it did
     * rather than guess what the store's timing allows.
     */
    int lookUpUntilHit(Session session, PeerId id) {
      double before = cacheGets("hit");
      for (int lookups = 1; lookups <= 100; lookups++) {
        assertThat(session.peer(id)).isPresent();
        if (cacheGets("hit") > before) {
          return lookups;
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
      throw new AssertionError("the peer cache served " + id + " in none of 100 lookups");
    }

    /** {@code lookups} peer lookups by id were counted, each miss timed as one load. */
    void assertCacheCounted(int lookups) {
      double hits = cacheGets("hit");
      double misses = cacheGets("miss");
      assertThat(hits + misses).as("hits + misses").isEqualTo(lookups);
      assertThat(hits).as("hits").isGreaterThanOrEqualTo(1);
      assertThat((double) timer("peer", "none")).as("timed loads").isEqualTo(misses);
    }

    /** How events name the session: its name, or for sqlite its file. */
    String expectedSession(String name) {
      return name;
    }

    @Test
    @DisplayName("an operation's Observation is a child of the caller's, so its span nests")
    void parent() {
      Session session = open(newName(), "");
      Observation request = Observation.createNotStarted("handle.update", observations).start();
      Observation.Scope scope = request.openScope();
      try {
        session.setUpdateState(new UpdateState.Secondary(7));
      } finally {
        scope.close();
        request.stop();
      }

      TestObservationRegistryAssert.assertThat(observations)
          .hasAnObservation(
              observation ->
                  observation
                      .hasContextualNameEqualTo("setUpdateState")
                      .hasParentObservationEqualTo(request));
    }

    @Test
    @DisplayName("a lease is counted acquired and lost, the failed write timed with its error type")
    void leaseLost() throws InterruptedException {
      String name = newName();
      Session first = open(name, "lease=2");
      TestHooks.stopLeaseRenewal(first); // as if this process were paused
      Thread.sleep(2300);
      try (Session second = Sessions.open(uri(name, "lease=2"))) {
        assertThatThrownBy(() -> first.setUpdateState(new UpdateState.Secondary(1)))
            .isInstanceOf(SessionLeaseLostException.class);
        second.setUpdateState(new UpdateState.Secondary(2)); // not ours: not counted
      }

      assertThat(timer("setUpdateState", "SessionLeaseLostException")).isEqualTo(1);
      assertThat(
              meters
                  .get(DefaultSessionObservationConvention.NAME)
                  .tag("db.operation.name", "setUpdateState")
                  .timers())
          .hasSize(1);
      assertThat(
              meter(ObservationSessionListener.LEASE_EVENTS, scheme())
                  .tag("event", "acquired")
                  .counter()
                  .count())
          .isEqualTo(1);
      assertThat(
              meter(ObservationSessionListener.LEASE_EVENTS, scheme())
                  .tag("event", "lost")
                  .counter()
                  .count())
          .isEqualTo(1);
      assertThat(
              meter(ObservationSessionListener.LEASE_EVENTS, scheme())
                  .tag("event", "released")
                  .counter()
                  .count())
          .isZero();
      TestObservationRegistryAssert.assertThat(observations)
          .hasAnObservation(
              observation ->
                  observation
                      .hasLowCardinalityKeyValue("error.type", "SessionLeaseLostException")
                      .assertThatError()
                      .hasMessageStartingWith("SessionLeaseLostException in setUpdateState"));
    }

    @Test
    @DisplayName("encryption at rest is counted: encrypted in place, opened, decrypted")
    void encryption() throws Exception {
      Assumptions.assumeTrue(
          Sessions.capabilities(scheme()).contains(Capability.ENCRYPTION),
          scheme() + " has no encryption at rest");
      Path key = Files.createTempFile("tgsession-key", ".hex");
      cleanUps.add(() -> key.toFile().delete());
      Files.writeString(key, "5a".repeat(32));
      String name = newName();
      open(name, "encryption-key=file:" + key).close();
      Session again = open(name, "encryption-key=file:" + key);
      again.encryption().orElseThrow().rekey(null);

      assertThat(encryptionEvents("encrypted")).isEqualTo(1);
      assertThat(encryptionEvents("opened")).isEqualTo(1);
      assertThat(encryptionEvents("decrypted")).isEqualTo(1);
      assertThat(encryptionEvents("rekeyed")).isZero();
      assertThat(timer("rekey", "none")).isEqualTo(1);
    }

    private double encryptionEvents(String event) {
      return meter(ObservationSessionListener.ENCRYPTION_EVENTS, scheme())
          .tag("event", event)
          .counter()
          .count();
    }

    @Test
    @DisplayName("the open-sessions gauge follows opens and closes of its backend")
    void openGauge() {
      Session one = open(newName(), "");
      Session two = open(newName(), "");
      double bothOpen = meter(ObservationSessionListener.SESSIONS_OPEN, scheme()).gauge().value();
      one.close();
      double oneOpen = meter(ObservationSessionListener.SESSIONS_OPEN, scheme()).gauge().value();
      two.close();
      two.close();

      assertThat(bothOpen).isEqualTo(2);
      assertThat(oneOpen).isEqualTo(1);
      assertThat(meter(ObservationSessionListener.SESSIONS_OPEN, scheme()).gauge().value())
          .isZero();
    }

    @Test
    @DisplayName("a wrapper around an observed session reports the same as the session itself")
    void wrapped() {
      Session session = new ForwardingSession(open(newName(), "")) {};
      session.cachePeers(users(2));
      int lookups = lookUpUntilHit(session, PeerId.user(1));

      assertThat(timer("cachePeers", "none")).isEqualTo(1);
      assertCacheCounted(lookups);
    }
  }

  /** A store whose peer cache another instance's writes invalidate. */
  abstract class SharedStore extends Store {

    @Test
    @DisplayName("a peer cache dropped for another instance's write is counted, then a miss")
    void invalidation() {
      String name = newName();
      Session session = open(name, "");
      session.cachePeer(PeerInfo.User.of(1, 11));
      session.peer(PeerId.user(1));
      session.peer(PeerId.user(1));
      try (Session other = Sessions.open(uri(name, ""))) {
        other.cachePeer(PeerInfo.User.of(1, 12));
      }

      assertThat(session.peer(PeerId.user(1)))
          .map(peer -> ((PeerInfo.User) peer).auth().accessHash())
          .contains(12L);
      assertThat(
              meter(ObservationSessionListener.PEER_CACHE_INVALIDATIONS, scheme())
                  .counter()
                  .count())
          .isGreaterThanOrEqualTo(1);
      assertThat(cacheGets("miss")).isGreaterThanOrEqualTo(2);
      assertThat(cacheGets("hit") + cacheGets("miss")).isEqualTo(3);
    }
  }

  @Nested
  @DisplayName("on SQLite")
  class OnSqlite extends SharedStore {
    @TempDir Path dir;

    @Override
    String uri(String name, String query) {
      return "sqlite:" + dir.resolve(name + ".session") + (query.isEmpty() ? "" : "?" + query);
    }

    @Override
    String expectedSession(String name) {
      return dir.resolve(name + ".session").toString();
    }

    @Override
    String newName() {
      return RUN + "-" + Long.toHexString(System.nanoTime()); // the temporary directory goes
    }

    @Override
    String scheme() {
      return "sqlite";
    }

    @Override
    String dbSystem() {
      return "sqlite";
    }
  }

  @Nested
  @DisplayName("on Redis")
  class OnRedis extends SharedStore {
    @Override
    String uri(String name, String query) {
      return TestServers.withOption(withQuery(TestServers.redisUri(), query), "session", name);
    }

    @Override
    String scheme() {
      return URI.create(TestServers.redisUri()).getScheme();
    }

    @Override
    String dbSystem() {
      return "redis";
    }
  }

  @Nested
  @DisplayName("on PostgreSQL")
  class OnPostgres extends Store {
    @Override
    String uri(String name, String query) {
      String env = System.getenv(POSTGRES_ENV);
      if (env == null || env.isBlank()) {
        throw TestServers.unavailable(
            POSTGRES_ENV + " is not set: run .ci/run, which creates the role and database");
      }
      // peer-cache: PostgreSQL's is off by default
      String base = TestServers.withOption(env, "peer-cache", "1000");
      return TestServers.withOption(withQuery(base, query), "session", name);
    }

    @Override
    String scheme() {
      return URI.create(System.getenv(POSTGRES_ENV)).getScheme();
    }

    @Override
    String dbSystem() {
      return "postgresql";
    }
  }

  @Nested
  @DisplayName("registered process-wide")
  class ProcessWide {

    @Test
    @DisplayName("a copy as the CLI runs it, into a wrapped session, is observed on both ends")
    void copy() throws Exception {
      int peers = Sessions.COPY_BATCH_SIZE * 2 + 500;
      AutoCloseable registration = Sessions.addListener(listener);
      try (Session from = Sessions.open("memory:?session=from");
          Session to = new ForwardingSession(Sessions.open("memory:?session=to")) {}) {
        from.cachePeers(users(peers));
        assertThat(Sessions.copy(from, to)).isEqualTo(peers);
      } finally {
        registration.close();
      }

      assertThat(batches("to", "cachePeers"))
          .containsExactly(Sessions.COPY_BATCH_SIZE, Sessions.COPY_BATCH_SIZE, 500);
      assertThat(batches("from", "cachePeers")).containsExactly(peers);
      assertThat(batches("from", "peers")).containsExactly(0);
      assertThat(timer("cachePeers", "none")).as("1 filling the source, 3 copying").isEqualTo(4);
      assertThat(meter(ObservationSessionListener.SESSIONS_OPEN, "memory").gauge().value())
          .isZero();
    }

    private List<Integer> batches(String session, String operation) {
      List<Integer> sizes = new ArrayList<>();
      TestObservationRegistryAssert.assertThat(observations)
          .hasHandledContextsThatSatisfy(
              contexts -> {
                for (Observation.Context context : contexts) {
                  if (context instanceof SessionOperationContext op
                      && op.source().session().equals(session)
                      && op.operation().equals(operation)) {
                    sizes.add(op.batchSize());
                  }
                }
              });
      return sizes;
    }
  }

  @Test
  @DisplayName("schemes map to OpenTelemetry's db.system.name values")
  void dbSystemNames() {
    assertThat(DbSystem.name("rediss-cluster")).isEqualTo("redis");
    assertThat(DbSystem.name("mongodb+srv")).isEqualTo("mongodb");
    assertThat(DbSystem.name("postgres")).isEqualTo("postgresql");
    assertThat(DbSystem.name("memory")).isEqualTo("memory");
  }
}
