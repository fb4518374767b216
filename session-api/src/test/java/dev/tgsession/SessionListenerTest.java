package dev.tgsession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.SessionListener.EncryptionEvent;
import dev.tgsession.SessionListener.LeaseEvent;
import dev.tgsession.SessionListener.Operation;
import dev.tgsession.SessionListener.Source;
import dev.tgsession.spi.AbstractSession;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.LeaseStore;
import dev.tgsession.spi.PeerCache;
import dev.tgsession.spi.SessionOption;
import dev.tgsession.spi.SessionProvider;
import dev.tgsession.spi.SessionUri;
import dev.tgsession.spi.SharedOptions;
import dev.tgsession.spi.StoredDcs;
import dev.tgsession.spi.WriteFence;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener SPI as a session's user sees it: what is told, to whom, and what a misbehaving
 * listener cannot do. Runs on a test backend ({@code listened:}) built on {@link AbstractSession}
 * with a peer cache, leases and encryption, held in memory.
 */
@DisplayName("Session listeners")
class SessionListenerTest {

  private static final String SCHEME = "listened";
  private static final InetSocketAddress V6 = new InetSocketAddress("2001:67c:4e8:f004::a", 443);
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Logger LISTENER_LOG = Logger.getLogger("dev.tgsession.listeners");
  private static final List<LogRecord> WARNINGS = new CopyOnWriteArrayList<>();
  private static final Handler CAPTURE =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          WARNINGS.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @TempDir static Path dir;
  private static URLClassLoader loader;
  private static String keyA;
  private static String keyB;
  private final List<AutoCloseable> registrations = new ArrayList<>();
  private final List<Session> opened = new ArrayList<>();

  @BeforeAll
  static void provider() throws IOException {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(
        services.resolve(SessionProvider.class.getName()), ListenedProvider.class.getName());
    loader = new URLClassLoader(new java.net.URL[] {dir.toUri().toURL()}, classLoader());
    keyA = "file:" + Files.writeString(dir.resolve("a.key"), "11".repeat(32));
    keyB = "file:" + Files.writeString(dir.resolve("b.key"), "22".repeat(32));
    LISTENER_LOG.addHandler(CAPTURE);
  }

  @AfterAll
  static void unhook() throws IOException {
    LISTENER_LOG.removeHandler(CAPTURE);
    loader.close();
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (Session session : opened) {
      session.close();
    }
    for (AutoCloseable registration : registrations) {
      registration.close();
    }
  }

  private static ClassLoader classLoader() {
    return SessionListenerTest.class.getClassLoader();
  }

  /** A session name no other test uses, so process-wide listeners can tell their events apart. */
  private static String newName() {
    return "s" + NAMES.incrementAndGet() + "-" + System.nanoTime();
  }

  private Session open(String name, String query, SessionListener... listeners) {
    OpenOptions options = OpenOptions.defaults().withClassLoader(loader);
    for (SessionListener listener : listeners) {
      options = options.withListener(listener);
    }
    Session session = Sessions.open(SCHEME + ":?session=" + name + query, options);
    opened.add(session);
    return session;
  }

  private void register(SessionListener listener) {
    registrations.add(Sessions.addListener(listener));
  }

  private static long warningsAbout(Class<?> listener) {
    return WARNINGS.stream()
        .filter(
            record ->
                java.util.Arrays.toString(record.getParameters()).contains(name(listener))
                    || String.valueOf(record.getMessage()).contains(name(listener)))
        .count();
  }

  private static String name(Class<?> listener) {
    return listener.getName();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up after 10 s waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  private static PeerInfo.User user(long id) {
    return PeerInfo.User.of(id, 1000 + id);
  }

  @Nested
  @DisplayName("store operations")
  class Operations {

    @Test
    @DisplayName("every store operation is told once, with its name, source and batch size")
    void everyOperation() {
      String name = newName();
      Recorder recorder = new Recorder(name);
      Session session = open(name, "", recorder);

      session.homeDcId();
      session.setHomeDcId(4);
      session.setDcOption(new DcOption(4, new InetSocketAddress("149.154.167.91", 443), V6, null));
      session.setMediaDcOption(
          new DcOption(4, new InetSocketAddress("149.154.167.92", 443), V6, null));
      session.cachePeer(
          new PeerInfo.User(7, new PeerAuth(70), false, false, List.of("seven"), "4455"));
      session.cachePeers(List.of(user(1), user(2), user(3), user(2)));
      session.peer(PeerId.user(99));
      session.peerByUsername("@Seven");
      session.peerByPhone("+4455");
      session.peerCachedAt(PeerId.user(7));
      session.updatesState();
      session.setUpdateState(new UpdateState.Secondary(5));
      session.setTempAuthKey(
          4, false, new TempAuthKey(AuthKey.of(new byte[256]), Instant.now().plusSeconds(600)));
      session.tempAuthKey(4, false);
      session.tempAuthKeys(false);
      try (Stream<PeerInfo> all = session.peers()) {
        assertThat(all).hasSize(4);
      }
      session.peerCount();
      session.snapshot();
      session.prunePeers(Instant.now().minusSeconds(60));
      session.clear();

      assertThat(recorder.operations())
          .extracting(Operation::name)
          .containsExactly(
              "dcOptions",
              "setHomeDc",
              "setDcOption",
              "setMediaDcOption",
              "cachePeer",
              "cachePeers",
              "peer",
              "peerByUsername",
              "peerByPhone",
              "peerCachedAt",
              "updatesState",
              "setUpdateState",
              "setTempAuthKey",
              "tempAuthKey",
              "tempAuthKeys",
              "peers",
              "peerCount",
              "snapshot",
              "prunePeers",
              "clear");
      assertThat(recorder.operations())
          .allSatisfy(
              op -> {
                assertThat(op.source()).isEqualTo(new Source(SCHEME, name));
                assertThat(op.succeeded()).isTrue();
                assertThat(op.errorType()).isNull();
                assertThat(op.durationNanos()).isNotNegative();
                assertThat(op.at()).isBeforeOrEqualTo(Instant.now());
              });
      Map<String, Integer> batches = new java.util.HashMap<>();
      recorder.operations().forEach(op -> batches.put(op.name(), op.batchSize()));
      assertThat(batches)
          .containsEntry("cachePeer", 1)
          .containsEntry("cachePeers", 3) // user 2 given twice: one peer written
          .containsEntry("setUpdateState", 1)
          .containsEntry("peerCount", 0);
    }

    @Test
    @DisplayName("each operation is announced on its own thread before it runs, failed ones too")
    void started() {
      String name = newName();
      List<String> told = new CopyOnWriteArrayList<>();
      SessionListener pairs =
          new SessionListener() {
            @Override
            public void operationStarted(Source source, String operation) {
              told.add("start " + operation + " " + Thread.currentThread().getName());
            }

            @Override
            public void operation(Operation operation) {
              told.add("end " + operation.name() + " " + Thread.currentThread().getName());
            }
          };
      Session session = open(name, "", pairs);
      ListenedSession.of(session).failNext = new SessionStorageException("down", null);

      session.cachePeer(user(1));
      assertThatThrownBy(() -> session.setUpdateState(new UpdateState.Secondary(1)))
          .isInstanceOf(SessionStorageException.class);

      String thread = Thread.currentThread().getName();
      assertThat(told)
          .containsExactly(
              "start cachePeer " + thread,
              "end cachePeer " + thread,
              "start setUpdateState " + thread,
              "end setUpdateState " + thread);
    }

    @Test
    @DisplayName("a failed operation is told with its error type, and its exception still thrown")
    void failure() {
      String name = newName();
      Recorder recorder = new Recorder(name);
      Session session = open(name, "", recorder);
      ListenedSession.of(session).failNext =
          new SessionStorageException("the test's store is down", null);

      assertThatThrownBy(() -> session.setUpdateState(new UpdateState.Secondary(1)))
          .isInstanceOf(SessionStorageException.class);

      assertThat(recorder.operations()).hasSize(1);
      Operation failed = recorder.operations().get(0);
      assertThat(failed.name()).isEqualTo("setUpdateState");
      assertThat(failed.succeeded()).isFalse();
      assertThat(failed.errorType()).isEqualTo("SessionStorageException");
      session.setUpdateState(new UpdateState.Secondary(2));
      assertThat(recorder.operations()).last().extracting(Operation::succeeded).isEqualTo(true);
    }

    @Test
    @DisplayName("an exception of a class without a simple name is typed by its full name")
    void anonymousFailure() {
      String name = newName();
      Recorder recorder = new Recorder(name);
      Session session = open(name, "", recorder);
      ListenedSession.of(session).failNext = new IllegalStateException("anonymous") {};

      assertThatThrownBy(() -> session.setUpdateState(new UpdateState.Secondary(1)))
          .isInstanceOf(IllegalStateException.class);

      assertThat(recorder.operations().get(0).errorType())
          .isNotBlank()
          .startsWith(SessionListenerTest.class.getName());
    }
  }

  @Nested
  @DisplayName("the peer cache")
  class Cache {

    @Test
    @DisplayName("a lookup by id is told as a miss, then as hits while the peer stays cached")
    void hitsAndMisses() {
      String name = newName();
      Recorder recorder = new Recorder(name);
      Session session = open(name, "", recorder);
      session.cachePeer(user(5));

      session.peer(PeerId.user(5));
      session.peer(PeerId.user(5));
      session.peer(PeerId.user(5));
      session.peer(PeerId.user(6));

      assertThat(recorder.cacheAccesses()).containsExactly(false, true, true, false);
      // a hit is not a store operation; each miss is one
      assertThat(recorder.operations())
          .extracting(Operation::name)
          .containsExactly("cachePeer", "peer", "peer");
    }

    @Test
    @DisplayName("a change seen from another instance is told as one invalidation")
    void invalidation() {
      String name = newName();
      Recorder recorder = new Recorder(name);
      Session session = open(name, "", recorder);
      session.cachePeer(user(5));
      session.peer(PeerId.user(5));

      ListenedSession.of(session).anotherInstanceWrote();
      session.peer(PeerId.user(5));

      assertThat(recorder.events()).containsOnlyOnce("invalidated");
      assertThat(recorder.cacheAccesses()).containsExactly(false, false);
    }
  }

  @Nested
  @DisplayName("leases")
  class Leases {

    @Test
    @DisplayName("a lease is told acquired, renewed and released, with its owner and token")
    void acquiredRenewedReleased() throws InterruptedException {
      String name = newName();
      Recorder recorder = new Recorder(name);
      Session session = open(name, "&lease=2&owner=me", recorder);
      await(() -> recorder.events().contains("lease RENEWED"), "a renewal");
      session.close();

      assertThat(recorder.events())
          .containsSubsequence("lease ACQUIRED", "lease RENEWED", "lease RELEASED");
      assertThat(recorder.leases()).allSatisfy(lease -> assertThat(lease.owner()).isEqualTo("me"));
    }

    @Test
    @DisplayName("a lease another owner took is told lost once")
    void lost() throws InterruptedException {
      String name = newName();
      Recorder recorder = new Recorder(name);
      Session session = open(name, "&lease=2&owner=me", recorder);

      ListenedProvider.backing(name).leases.takenBy("someone else");
      await(() -> recorder.events().contains("lease LOST"), "the loss");
      assertThatThrownBy(() -> session.setHomeDcId(3))
          .isInstanceOf(SessionLeaseLostException.class);

      assertThat(recorder.events()).containsOnlyOnce("lease LOST").doesNotContain("lease RELEASED");
    }
  }

  @Nested
  @DisplayName("encryption at rest")
  class Encryption {

    @Test
    @DisplayName("encrypting, opening, rekeying and decrypting are told with the key's fingerprint")
    void events() {
      String name = newName();
      Recorder recorder = new Recorder(name);
      Session plain = open(name, "");
      plain.setDcOption(
          new DcOption(
              2, new InetSocketAddress("149.154.167.51", 443), V6, AuthKey.of(new byte[256])));
      plain.close();

      open(name, "&encryption-key=" + keyA, recorder).close();
      Session again = open(name, "&encryption-key=" + keyA, recorder);
      again.encryption().orElseThrow().rekey(dev.tgsession.spi.EncryptionKey.fromSpec(keyB));
      again.encryption().orElseThrow().rekey(null);

      String a = dev.tgsession.spi.EncryptionKey.fromSpec(keyA).fingerprint();
      String b = dev.tgsession.spi.EncryptionKey.fromSpec(keyB).fingerprint();
      assertThat(recorder.events())
          .filteredOn(event -> event.startsWith("encryption"))
          .containsExactly(
              "encryption ENCRYPTED " + a,
              "encryption OPENED " + a,
              "encryption REKEYED " + b,
              "encryption DECRYPTED null");
      assertThat(recorder.operations())
          .extracting(Operation::name)
          .containsSubsequence("rekey", "rekey");
    }
  }

  @Nested
  @DisplayName("registration")
  class Registration {

    @Test
    @DisplayName("a listener given at open hears that session only")
    void perOpen() {
      String mine = newName();
      String other = newName();
      Recorder recorder = new Recorder(mine, other);
      Session session = open(mine, "", recorder);
      open(other, "").setHomeDcId(3);

      session.setHomeDcId(3);

      assertThat(recorder.operations()).extracting(op -> op.source().session()).containsOnly(mine);
    }

    @Test
    @DisplayName("a process-wide listener hears sessions opened before and after, until closed")
    void processWide() throws Exception {
      String before = newName();
      String after = newName();
      Recorder recorder = new Recorder(before, after);
      Session first = open(before, "");
      AutoCloseable registration = Sessions.addListener(recorder);
      registrations.add(registration);
      Session second = open(after, "");

      first.setHomeDcId(3);
      second.setHomeDcId(3);
      registration.close();
      first.setHomeDcId(4);
      second.setHomeDcId(4);

      assertThat(recorder.operations())
          .extracting(op -> op.source().session() + " " + op.name())
          .containsExactly(
              before + " dcOptions",
              before + " setHomeDc",
              after + " dcOptions",
              after + " setHomeDc");
    }

    @Test
    @DisplayName("closing is told only to those told of the opening, so open counts stay exact")
    void closedAfterOpened() throws Exception {
      String seen = newName();
      String unseen = newName();
      Recorder recorder = new Recorder(seen, unseen);
      Session early = open(unseen, "");
      register(recorder);
      Session late = open(seen, "");
      early.close();
      late.close();
      late.close();

      assertThat(recorder.events())
          .filteredOn(event -> event.startsWith("session"))
          .containsExactly("session opened " + seen, "session closed " + seen);
    }

    @Test
    @DisplayName("an open that fails is told neither opened nor closed")
    void failedOpen() {
      String name = newName();
      Recorder recorder = new Recorder(name);
      open(name, "&encryption-key=" + keyA).close();

      assertThatThrownBy(() -> open(name, "&encryption-key=" + keyB, recorder))
          .isInstanceOf(IncompatibleSessionException.class);

      assertThat(recorder.events()).noneMatch(event -> event.startsWith("session"));
    }

    @Test
    @DisplayName("a listener registered twice, or both ways, is called once and reported once")
    void twice() throws Exception {
      String name = newName();
      TwiceRecorder recorder = new TwiceRecorder(name);
      AutoCloseable first = Sessions.addListener(recorder);
      registrations.add(first);
      registrations.add(Sessions.addListener(recorder));
      registrations.add(Sessions.addListener(recorder));
      Session session = open(name, "", recorder, recorder);

      session.setHomeDcId(3);

      assertThat(recorder.operations())
          .extracting(Operation::name)
          .containsExactly("dcOptions", "setHomeDc");
      assertThat(recorder.events()).containsOnlyOnce("session opened " + name);
      assertThat(warningsAbout(TwiceRecorder.class)).isEqualTo(1);
      first.close();
      session.setHomeDcId(4); // still given at open
      assertThat(recorder.operations())
          .extracting(Operation::name)
          .containsExactly("dcOptions", "setHomeDc", "setHomeDc");
    }
  }

  @Nested
  @DisplayName("a listener that misbehaves")
  class Misbehaving {

    @Test
    @DisplayName("one that throws is reported once and skipped; the session and others go on")
    void throwing() {
      String name = newName();
      Throwing throwing = new Throwing();
      Recorder recorder = new Recorder(name);
      Session session = open(name, "", throwing, recorder);

      session.cachePeer(user(9));
      session.setUpdateState(new UpdateState.Secondary(4));

      assertThat(session.peer(PeerId.user(9))).contains(user(9));
      assertThat(session.updatesState().qts()).isEqualTo(4);
      assertThat(throwing.calls).hasValue(1);
      assertThat(warningsAbout(Throwing.class)).isEqualTo(1);
      assertThat(recorder.operations())
          .extracting(Operation::name)
          .startsWith("cachePeer", "setUpdateState");
    }

    @Test
    @DisplayName("one that throws a checked exception undeclared is skipped as well")
    void sneaky() {
      String name = newName();
      Sneaky sneaky = new Sneaky();
      Session session = open(name, "", sneaky);

      session.setHomeDcId(3);
      session.setHomeDcId(4);

      assertThat(session.homeDcId()).isEqualTo(4);
      assertThat(sneaky.calls).hasValue(1);
      assertThat(warningsAbout(Sneaky.class)).isEqualTo(1);
    }

    @Test
    @DisplayName("one that blocks slows only its caller, and a slow one is reported once")
    void blocking() throws Exception {
      String slowName = newName();
      Blocking blocking = new Blocking(slowName);
      Session slow = open(slowName, "", blocking);
      Session other = open(newName(), "", blocking);
      ExecutorService caller = Executors.newSingleThreadExecutor();
      try {
        Future<?> stuck = caller.submit(() -> slow.setHomeDcId(3));
        assertThat(blocking.entered.await(10, TimeUnit.SECONDS)).isTrue();

        // while one caller is held by the listener, another session and readers go on
        other.cachePeer(user(1));
        assertThat(other.peer(PeerId.user(1))).isPresent();
        assertThat(slow.peer(PeerId.user(1))).isEmpty();
        assertThat(stuck).isNotDone();

        Thread.sleep(1100);
        blocking.release.countDown();
        stuck.get(10, TimeUnit.SECONDS);
        assertThat(slow.homeDcId()).isEqualTo(3);
        blocking.holdFor = 1100;
        slow.setHomeDcId(4); // slow again: not reported again
        assertThat(warningsAbout(Blocking.class)).isEqualTo(1);
      } finally {
        blocking.release.countDown();
        caller.shutdownNow();
      }
    }

    @Test
    @DisplayName("one that blocks on a lease event delays no session's renewal")
    void blockingRenewals() throws Exception {
      String held = newName();
      String free = newName();
      BlockingOnLease blocking = new BlockingOnLease();
      open(held, "&lease=2", blocking);
      open(free, "&lease=2");
      try {
        assertThat(blocking.entered.await(10, TimeUnit.SECONDS)).isTrue();
        long renewed = ListenedProvider.backing(free).leases.renewals.get();
        await(
            () -> ListenedProvider.backing(free).leases.renewals.get() >= renewed + 2,
            "two more renewals of the other session");
        await(
            () -> ListenedProvider.backing(held).leases.renewals.get() >= 3,
            "renewals of the session whose listener blocks");
      } finally {
        blocking.release.countDown();
      }
    }
  }

  @Nested
  @DisplayName("through a wrapper")
  class Wrapped {

    @Test
    @DisplayName("a forwarding session around an observed one tells the same events")
    void forwarding() {
      String direct = newName();
      String wrapped = newName();
      Recorder recorder = new Recorder(direct, wrapped);
      Session plain = open(direct, "", recorder);
      Session forwarding = new ForwardingSession(open(wrapped, "", recorder)) {};

      for (Session session : List.of(plain, forwarding)) {
        session.cachePeers(List.of(user(1), user(2)));
        session.peer(PeerId.user(1));
        session.peer(PeerId.user(1));
        session.setUpdateState(new UpdateState.Primary(1, 2, 3));
      }

      List<String> seenDirect = new ArrayList<>();
      List<String> seenWrapped = new ArrayList<>();
      for (String event : recorder.events()) {
        if (event.contains(direct)) {
          seenDirect.add(event.replace(direct, "NAME"));
        } else if (event.contains(wrapped)) {
          seenWrapped.add(event.replace(wrapped, "NAME"));
        }
      }
      assertThat(seenWrapped).isNotEmpty().isEqualTo(seenDirect);
    }
  }

  // ---- listeners --------------------------------------------------------------------------

  /** Records what it hears about the sessions it is given (other tests' sessions are ignored). */
  static class Recorder implements SessionListener {
    private final Set<String> sessions;
    private final List<Operation> operations = new CopyOnWriteArrayList<>();
    private final List<Boolean> cacheAccesses = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<SessionLease> leases = new CopyOnWriteArrayList<>();

    Recorder(String... sessions) {
      this.sessions = Set.of(sessions);
    }

    private boolean mine(Source source) {
      return source.backend().equals(SCHEME) && sessions.contains(source.session());
    }

    List<Operation> operations() {
      return operations;
    }

    List<Boolean> cacheAccesses() {
      return cacheAccesses;
    }

    List<String> events() {
      return events;
    }

    List<SessionLease> leases() {
      return leases;
    }

    @Override
    public void sessionOpened(Source source) {
      if (mine(source)) {
        events.add("session opened " + source.session());
      }
    }

    @Override
    public void sessionClosed(Source source) {
      if (mine(source)) {
        events.add("session closed " + source.session());
      }
    }

    @Override
    public void operation(Operation operation) {
      if (mine(operation.source())) {
        operations.add(operation);
        events.add(
            "operation "
                + operation.name()
                + " "
                + operation.source().session()
                + " "
                + operation.batchSize()
                + " "
                + operation.errorType());
      }
    }

    @Override
    public void peerCacheAccess(Source source, boolean hit) {
      if (mine(source)) {
        cacheAccesses.add(hit);
        events.add((hit ? "hit " : "miss ") + source.session());
      }
    }

    @Override
    public void peerCacheInvalidated(Source source) {
      if (mine(source)) {
        events.add("invalidated");
      }
    }

    @Override
    public void lease(Source source, LeaseEvent event, SessionLease lease) {
      if (mine(source)) {
        leases.add(lease);
        events.add("lease " + event);
      }
    }

    @Override
    public void encryption(Source source, EncryptionEvent event, @Nullable String fingerprint) {
      if (mine(source)) {
        events.add("encryption " + event + " " + fingerprint);
      }
    }
  }

  /** A recorder of its own class, so the warnings about it can be counted. */
  static final class TwiceRecorder extends Recorder {
    TwiceRecorder(String session) {
      super(session);
    }
  }

  static final class Throwing implements SessionListener {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void operation(Operation operation) {
      calls.incrementAndGet();
      throw new IllegalStateException("this listener is broken");
    }

    @Override
    public void peerCacheAccess(Source source, boolean hit) {
      calls.incrementAndGet();
      throw new IllegalStateException("this listener is broken");
    }
  }

  static final class Sneaky implements SessionListener {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void operation(Operation operation) {
      calls.incrementAndGet();
      throwUnchecked(new IOException("checked, undeclared"));
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void throwUnchecked(Throwable e) throws E {
      throw (E) e;
    }
  }

  static final class Blocking implements SessionListener {
    private final String session;
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile long holdFor;

    Blocking(String session) {
      this.session = session;
    }

    @Override
    public void operation(Operation operation) {
      if (!operation.source().session().equals(session) || !operation.name().equals("setHomeDc")) {
        return;
      }
      try {
        if (holdFor > 0) {
          Thread.sleep(holdFor);
        } else {
          entered.countDown();
          release.await(20, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static final class BlockingOnLease implements SessionListener {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void lease(Source source, LeaseEvent event, SessionLease lease) {
      if (event == LeaseEvent.RENEWED) {
        entered.countDown();
        try {
          release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  // ---- the test backend -----------------------------------------------------------------------

  /** {@code listened:?session=NAME}: sessions kept in memory per name, with leases and a vault. */
  public static final class ListenedProvider implements SessionProvider {
    private static final Map<String, Backing> STORES = new ConcurrentHashMap<>();

    public ListenedProvider() {}

    static Backing backing(String name) {
      return STORES.computeIfAbsent(name, Backing::new);
    }

    @Override
    public Set<String> schemes() {
      return Set.of(SCHEME);
    }

    @Override
    public Set<Capability> capabilities() {
      return Set.of(Capability.DURABLE, Capability.NAMED, Capability.LEASE, Capability.ENCRYPTION);
    }

    @Override
    public List<SessionOption<?>> options() {
      return List.of(
          SharedOptions.SESSION,
          SharedOptions.LEASE,
          SharedOptions.OWNER,
          SharedOptions.ENCRYPTION_KEY);
    }

    @Override
    public Session open(SessionUri uri) {
      return new ListenedSession(uri.toString(), backing(uri.get(SharedOptions.SESSION)));
    }
  }

  /** What a session name holds: its data, its vault and its lease. */
  static final class Backing {
    final MemorySession data;
    final FakeLeases leases = new FakeLeases();
    volatile byte @Nullable [] vault;

    Backing(String name) {
      this.data = new MemorySession(name);
    }
  }

  static final class FakeLeases implements LeaseStore {
    private @Nullable SessionLease held;
    private long tokens;
    final AtomicLong renewals = new AtomicLong();

    @Override
    public synchronized SessionLease acquire(String owner, Duration length) {
      if (held != null && held.expiresAt().isAfter(Instant.now())) {
        throw new SessionLeasedException("test", held.owner(), held.expiresAt());
      }
      held = new SessionLease(owner, ++tokens, Instant.now().plus(length));
      return held;
    }

    @Override
    public synchronized SessionLease renew(SessionLease lease, Duration length) {
      if (held == null || held.token() != lease.token()) {
        throw new SessionLeaseLostException("taken over");
      }
      renewals.incrementAndGet();
      held = new SessionLease(lease.owner(), lease.token(), Instant.now().plus(length));
      return held;
    }

    @Override
    public synchronized void release(SessionLease lease) {
      if (held != null && held.token() == lease.token()) {
        held = null;
      }
    }

    @Override
    public synchronized Optional<SessionLease> current() {
      return Optional.ofNullable(held).filter(lease -> lease.expiresAt().isAfter(Instant.now()));
    }

    synchronized long token() {
      return held == null ? 0 : held.token();
    }

    synchronized void takenBy(String owner) {
      held = new SessionLease(owner, ++tokens, Instant.now().plusSeconds(60));
    }
  }

  /** A peer cache in a map, so that hits exist. */
  static final class MapPeerCache implements PeerCache {
    private final Map<PeerId, PeerInfo> peers = new ConcurrentHashMap<>();

    @Override
    public @Nullable PeerInfo get(PeerId id) {
      return peers.get(id);
    }

    @Override
    public void put(PeerInfo peer) {
      peers.put(peer.peerId(), peer);
    }

    @Override
    public void written(List<PeerInfo> reducedBatch) {
      peers.clear();
    }

    @Override
    public void clear() {
      peers.clear();
    }
  }

  /** A session on {@link Backing}: the memory backend's operations, plus a vault and leases. */
  static final class ListenedSession extends AbstractSession {
    private final Backing backing;
    volatile @Nullable RuntimeException failNext;

    ListenedSession(String description, Backing backing) {
      super(description, new MapPeerCache());
      this.backing = backing;
    }

    static ListenedSession of(Session session) {
      return (ListenedSession) session;
    }

    void anotherInstanceWrote() {
      peersChangedElsewhere();
    }

    @Override
    protected StoredDcs loadDcs() {
      return backing.data.loadDcs();
    }

    @Override
    protected void storeHomeDcId(int dcId, WriteFence fence) {
      if (fence.leased() && backing.leases.token() != fence.token()) {
        throw fence.lost();
      }
      backing.data.storeHomeDcId(dcId, fence);
    }

    @Override
    protected void storeDcOption(DcOption option, WriteFence fence) {
      backing.data.storeDcOption(option, fence);
    }

    @Override
    protected @Nullable PeerInfo loadPeer(PeerId id) {
      return backing.data.loadPeer(id);
    }

    @Override
    protected PeerInfo.@Nullable User loadSelfUser() {
      return backing.data.loadSelfUser();
    }

    @Override
    protected @Nullable PeerInfo loadPeerByUsername(String username) {
      return backing.data.loadPeerByUsername(username);
    }

    @Override
    protected @Nullable PeerInfo loadPeerByPhone(String phone) {
      return backing.data.loadPeerByPhone(phone);
    }

    @Override
    protected void storePeers(List<PeerInfo> reducedBatch, Instant cachedAt, WriteFence fence) {
      backing.data.storePeers(reducedBatch, cachedAt, fence);
    }

    @Override
    protected UpdatesState loadUpdatesState() {
      return backing.data.loadUpdatesState();
    }

    @Override
    protected void storeUpdateState(UpdateState update, WriteFence fence) {
      RuntimeException failure = failNext;
      if (failure != null) {
        failNext = null;
        throw failure;
      }
      backing.data.storeUpdateState(update, fence);
    }

    @Override
    protected Stream<PeerInfo> streamPeers() {
      return backing.data.streamPeers();
    }

    @Override
    protected long countPeers() {
      return backing.data.countPeers();
    }

    @Override
    protected void clearStore(WriteFence fence) {
      backing.data.clearStore(fence);
      backing.vault = null;
    }

    @Override
    protected void closeStore() {}

    @Override
    protected @Nullable Instant loadPeerCachedAt(PeerId id) {
      return backing.data.loadPeerCachedAt(id);
    }

    @Override
    protected long prunePeers(Instant olderThan, WriteFence fence) {
      return backing.data.prunePeers(olderThan, fence);
    }

    @Override
    protected Map<String, byte[]> loadExtras() {
      return backing.data.loadExtras();
    }

    @Override
    protected void storeExtra(String name, byte @Nullable [] value, WriteFence fence) {
      backing.data.storeExtra(name, value, fence);
    }

    @Override
    protected byte @Nullable [] loadKeyVault() {
      byte[] vault = backing.vault;
      return vault == null ? null : vault.clone();
    }

    @Override
    protected void storeKeyVault(
        List<DcOption> options, byte @Nullable [] vault, WriteFence fence) {
      for (DcOption option : options) {
        backing.data.storeDcOption(option, fence);
      }
      backing.vault = vault == null ? null : vault.clone();
    }

    @Override
    protected @Nullable LeaseStore leaseStore() {
      return backing.leases;
    }
  }
}
