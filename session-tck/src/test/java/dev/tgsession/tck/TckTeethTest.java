package dev.tgsession.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The kit has teeth: run through the JUnit Platform Launcher, it passes the memory backend and
 * fails each deliberately broken backend of {@code BrokenBackends}, on the rule that backend
 * breaks.
 */
class TckTeethTest {

  /** The outcome of one run of the kit. */
  record Run(TestExecutionSummary summary, Set<String> failed) {}

  static Run run(Class<? extends SessionTck> kit) {
    Launcher launcher = LauncherFactory.create();
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request().selectors(selectClass(kit)).build();
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    Set<String> failed = new TreeSet<>();
    TestExecutionListener failures =
        new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (test.isTest() && result.getStatus() == TestExecutionResult.Status.FAILED) {
              failed.add(test.getDisplayName());
            }
          }
        };
    launcher.execute(request, summary, failures);
    return new Run(summary.getSummary(), failed);
  }

  @Test
  @DisplayName("the memory backend passes every test of the kit, and the kit has at least 60")
  void memoryPasses() {
    Run run = run(Memory.class);
    assertThat(run.failed()).isEmpty();
    assertThat(run.summary().getTestsFailedCount()).isZero();
    assertThat(run.summary().getTestsFoundCount()).isGreaterThanOrEqualTo(60);
    // memory declares only ATOMIC_BATCH: the DURABLE, SHARED and LEASE groups are skipped, and
    // the virtual-thread test below JDK 21
    long groups = 5 + 11 + 10 + 9 + (Runtime.version().feature() >= 21 ? 0 : 1);
    assertThat(run.summary().getTestsAbortedCount()).isEqualTo(groups);
  }

  @Test
  @DisplayName(
      "a durable, shared backend with leases and encryption on AbstractSession passes the kit")
  void leasedReferencePasses() {
    Run run = run(Leased.class);
    assertThat(run.failed()).isEmpty();
    assertThat(run.summary().getTestsFailedCount()).isZero();
    // Leased declares every capability and the encryption-key option: only the raw-store scan
    // (it has no raw store) and virtual threads below JDK 21 are skipped
    long skipped = 1 + (Runtime.version().feature() >= 21 ? 0 : 1);
    assertThat(run.summary().getTestsAbortedCount()).isEqualTo(skipped);
  }

  static Stream<Arguments> brokenBackends() {
    return Stream.of(
        Arguments.of(WholeRow.class, "a known access hash survives caching the user without one"),
        Arguments.of(PrimaryQts.class, "Primary sets pts, date and seq only"),
        Arguments.of(AllMerges.class, "All replaces everything, channels included"),
        Arguments.of(CaseSensitive.class, "lookup by username ignores case and a leading '@'"),
        Arguments.of(ClearKeepsKeys.class, "clear() forgets every auth key and every added DC"),
        Arguments.of(
            UseAfterClose.class, "every other call after close() throws IllegalStateException"),
        Arguments.of(
            BatchReversed.class, "cachePeers applies the batch in order: the later entry wins"),
        Arguments.of(ChannelAppend.class, "Channel updates a known channel in place"),
        Arguments.of(SelfStays.class, "a newer self user takes the flag from the older"),
        Arguments.of(
            NamesKept.class, "a peer re-cached with a non-null list releases the names it lost"),
        Arguments.of(Forgets.class, "everything survives close and reopen of the same URI"),
        Arguments.of(IgnoresName.class, "sessions with different names never see each other"),
        Arguments.of(
            FoldsCase.class, "session names are case-sensitive: Bot and bot never see each other"),
        Arguments.of(
            StaleCache.class, "A reads a peer, B caches a new access hash, A reads the new hash"),
        Arguments.of(
            NoFencing.class,
            "a holder that lost its lease throws on its next write and writes nothing after"),
        Arguments.of(
            LikeLookup.class, "a username is matched exactly: '_' and '%' are not wildcards"),
        Arguments.of(
            ShowsSecret.class,
            "an open session's toString() and the kit's messages show no password or secret"),
        Arguments.of(
            TornBatch.class, "a concurrent reader never sees part of a batch (ATOMIC_BATCH)"),
        Arguments.of(
            UnmapsIpv6.class,
            "an IPv4-mapped IPv6 DC address (::ffff:a.b.c.d) survives close and reopen"));
  }

  @ParameterizedTest(name = "{0} is caught")
  @MethodSource("brokenBackends")
  @DisplayName("every broken backend fails the kit on the rule it breaks")
  void brokenBackendsFail(Class<? extends SessionTck> kit, String expectedFailure) {
    Run run = run(kit);
    assertThat(run.summary().getTestsFailedCount()).isPositive();
    assertThat(run.failed()).contains(expectedFailure);
  }

  @Test
  @DisplayName("the broken backends are all registered, one scheme each")
  void brokenBackendsRegistered() {
    List<String> schemes = brokenBackends().map(args -> scheme((Class<?>) args.get()[0])).toList();
    assertThat(dev.tgsession.Sessions.schemes()).containsAll(schemes);
  }

  private static String scheme(Class<?> kit) {
    try {
      SessionTck instance = (SessionTck) kit.getDeclaredConstructor().newInstance();
      return dev.tgsession.spi.SessionUri.parse(instance.uri("x")).scheme();
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  abstract static class Kit extends SessionTck {
    private final String scheme;

    Kit(String scheme) {
      this.scheme = scheme;
    }

    @Override
    protected String uri(String sessionName) {
      return scheme + ":?session=" + sessionName;
    }
  }

  static class Memory extends Kit {
    Memory() {
      super("memory");
    }
  }

  static class WholeRow extends Kit {
    WholeRow() {
      super("broken-whole-row");
    }
  }

  static class PrimaryQts extends Kit {
    PrimaryQts() {
      super("broken-primary-qts");
    }
  }

  static class AllMerges extends Kit {
    AllMerges() {
      super("broken-all-merges");
    }
  }

  static class CaseSensitive extends Kit {
    CaseSensitive() {
      super("broken-case-sensitive");
    }
  }

  static class ClearKeepsKeys extends Kit {
    ClearKeepsKeys() {
      super("broken-clear-keeps-keys");
    }
  }

  static class UseAfterClose extends Kit {
    UseAfterClose() {
      super("broken-use-after-close");
    }
  }

  static class BatchReversed extends Kit {
    BatchReversed() {
      super("broken-batch-reversed");
    }
  }

  static class ChannelAppend extends Kit {
    ChannelAppend() {
      super("broken-channel-append");
    }
  }

  static class SelfStays extends Kit {
    SelfStays() {
      super("broken-self-stays");
    }
  }

  static class NamesKept extends Kit {
    NamesKept() {
      super("broken-names-kept");
    }
  }

  static class Forgets extends Kit {
    Forgets() {
      super("broken-forgets");
    }
  }

  static class IgnoresName extends Kit {
    IgnoresName() {
      super("broken-ignores-name");
    }
  }

  static class FoldsCase extends Kit {
    FoldsCase() {
      super("broken-folds-case");
    }
  }

  static class Leased extends Kit {
    Leased() {
      super("test-leased");
    }
  }

  static class NoFencing extends Kit {
    NoFencing() {
      super("broken-no-fencing");
    }
  }

  static class StaleCache extends Kit {
    StaleCache() {
      super("broken-stale-cache");
    }
  }

  static class LikeLookup extends Kit {
    LikeLookup() {
      super("broken-like");
    }
  }

  static class ShowsSecret extends Kit {
    ShowsSecret() {
      super("broken-shows-secret");
    }

    @Override
    protected String uri(String sessionName) {
      return "broken-shows-secret:?session=" + sessionName + "&auth-token=hunter22secret";
    }
  }

  static class TornBatch extends Kit {
    TornBatch() {
      super("broken-torn-batch");
    }
  }

  static class UnmapsIpv6 extends Kit {
    UnmapsIpv6() {
      super("broken-unmaps-ipv6");
    }
  }
}
