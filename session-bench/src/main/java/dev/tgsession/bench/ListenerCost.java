package dev.tgsession.bench;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the listener SPI costs on the hottest path: warm {@code peer(id)} lookups, with no listener
 * and with one that does nothing. {@code bench/listener-cost.sh} runs this class against this build
 * and against the build before the SPI (the same class, another session-api on the class path),
 * forks alternating, so both are measured in one run on one machine.
 *
 * <p>Uses only API that both builds have; the listener is registered through {@link
 * ListenerCostProbe} so this class loads without {@code SessionListener}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ListenerCost {

  private static final int PEERS = 1024;

  /** {@code sqlite}: a cache hit (the peer cache in front of the file); {@code memory}: a map. */
  @Param({"sqlite", "memory"})
  public String backend = "sqlite";

  /** {@code none}, or {@code noop}: one process-wide listener that ignores every event. */
  @Param({"none"})
  public String listener = "none";

  private Path dir;
  private Session session;
  private AutoCloseable registration;
  private PeerId[] ids;
  private int next;

  /** Opens the session, stores {@value #PEERS} users and reads each once, so all are cached. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("tgsession-listener-cost");
    String uri = backend.equals("sqlite") ? "sqlite:" + dir.resolve("bench.session") : "memory:";
    if (listener.equals("noop")) {
      registration = ListenerCostProbe.register();
    } else if (!listener.equals("none")) {
      throw new IllegalArgumentException("expected listener none or noop, found " + listener);
    }
    session = Sessions.open(uri);
    List<PeerInfo> users = new ArrayList<>();
    ids = new PeerId[PEERS];
    for (int i = 0; i < PEERS; i++) {
      users.add(PeerInfo.User.of(1000 + i, 7_000_000L + i));
      ids[i] = PeerId.user(1000 + i);
    }
    session.cachePeers(users);
    for (PeerId id : ids) {
      session.peer(id).orElseThrow();
    }
  }

  /** Closes the session, removes the listener and the file. */
  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    session.close();
    if (registration != null) {
      registration.close();
    }
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(dir);
  }

  /** One warm lookup by id (the ids cycle through the cached users). */
  @Benchmark
  public Optional<PeerInfo> peerHit() {
    PeerId id = ids[next];
    next = (next + 1) & (PEERS - 1);
    return session.peer(id);
  }
}
