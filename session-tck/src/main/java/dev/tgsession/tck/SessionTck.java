package dev.tgsession.tck;

import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.SessionUri;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;

/**
 * The technology compatibility kit: the rules of {@link Session} as JUnit 5 tests. A backend's test
 * suite extends this class and implements {@link #uri(String)}; that is all.
 *
 * <pre>{@code
 * class MyStoreTckTest extends SessionTck {
 *   protected String uri(String sessionName) {
 *     return "mystore://127.0.0.1:7000/?session=" + sessionName;
 *   }
 * }
 * }</pre>
 *
 * <p>Every session is opened through {@link Sessions#open(String)}, so the kit also proves the
 * provider's {@link java.util.ServiceLoader} registration. The rules are grouped as the contract
 * numbers them, one {@code @Nested} group per rule, each in a file of its own ({@code PeersRules},
 * {@code SharingRules}, ...); a failure reads as the sentence of the broken rule when surefire's
 * phrased-name reporter is on (see the README's TCK guide). The capabilities the provider declares
 * ({@link Capability#DURABLE}, {@link Capability#NAMED}, {@link Capability#SHARED}, {@link
 * Capability#LEASE}, {@link Capability#ATOMIC_BATCH}) switch their groups on; an undeclared one
 * makes its tests report as skipped with the reason, never as a silent pass.
 *
 * <p>When the store cannot be had (no server), override {@link #unavailable()}: every test is then
 * skipped with that reason, or fails when the environment variable {@code CI} is {@code true}.
 *
 * <p>Session names are {@code tck-<run>-<n>}, with a random run id per JVM, so leftovers of an
 * earlier run in a persistent store never meet a new test; each test clears the sessions it used
 * when it ends. Tests tagged {@value #SLOW} (100,000 peers) can be left out with surefire's {@code
 * excludedGroups}. Each rule group carries a tag of its own ({@code defaults}, {@code dc-options},
 * {@code peers}, ..., {@code leases}, {@code encryption}, {@code bad-input}, {@code uris}: the
 * group's class name in lower case, words joined by '-'), so {@code mvn verify -Dgroups=peers} runs
 * one group; surefire's {@code -Dtest=Class#method} cannot reach a test inside a {@code @Nested}
 * group inherited from this class.
 */
@DisplayName("Session TCK")
public abstract class SessionTck {

  /** The tag of the kit's slow tests (100,000 peers and more). */
  public static final String SLOW = "slow";

  private static final String RUN = HexFormat.of().formatHex(seed());
  private static final AtomicLong NAMES = new AtomicLong();

  private final List<Session> opened = new ArrayList<>();
  private final Set<String> names = new LinkedHashSet<>();
  private String name = "";

  /**
   * The URI of the session called {@code sessionName} in the store under test. The same name must
   * name the same session on every call (for a durable store, the same stored data); different
   * names must name different sessions when the provider declares {@link Capability#NAMED} (for
   * stores of one session, such as a file, give each name its own place).
   *
   * @param sessionName a short name of letters, digits and dashes
   */
  protected abstract String uri(String sessionName);

  /**
   * Why the store under test cannot be had here (for example "no redis-server on the PATH and no
   * TGSESSION_TEST_REDIS_URI"), or null when it can (the default). With a reason, every test of the
   * kit is skipped with it, visibly; with {@code CI=true} in the environment every test fails with
   * it instead, so a build server without the store is never green by accident.
   */
  protected @Nullable String unavailable() {
    return null;
  }

  /**
   * The raw contents of the store that holds {@code sessionName} (the file and its journal, every
   * key's value, every document), for the test that scans it for auth keys written with encryption
   * on; null (the default) skips that test with a reason.
   */
  protected @Nullable List<byte[]> rawStore(String sessionName) {
    return null;
  }

  /** Gives each test its own session name, after checking the store can be had. */
  @BeforeEach
  final void nameSession() {
    String reason = unavailable();
    if (reason != null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail("the store under test is unavailable and CI=true: " + reason);
      }
      Assumptions.abort("the store under test is unavailable: " + reason);
    }
    name = "tck-" + RUN + "-" + NAMES.incrementAndGet();
  }

  /** Closes what the test opened and clears what it stored. */
  @AfterEach
  final void cleanUp() {
    for (Session session : opened) {
      try {
        session.close();
      } catch (RuntimeException e) {
        // a test that broke the store on purpose may fail to close; keep cleaning
      }
    }
    opened.clear();
    for (String used : names) {
      try (Session session = Sessions.open(uri(used))) {
        session.clear();
      } catch (RuntimeException e) {
        // a test that broke the store on purpose may leave it unopenable; nothing to clear then
      }
    }
    names.clear();
  }

  /** Opens this test's session (another instance each call). */
  protected final Session open() {
    return open(name);
  }

  /** Opens the session called {@code sessionName} (another instance each call). */
  protected final Session open(String sessionName) {
    return openUri(sessionName, uri(sessionName));
  }

  /**
   * Opens the session called {@code sessionName} through another URI of it (the kit's URI with
   * options added); it is closed and cleared after the test like the others.
   */
  protected final Session openUri(String sessionName, String uri) {
    names.add(sessionName);
    Session session = Sessions.open(uri);
    opened.add(session);
    return session;
  }

  /** Remembers a session name so that it is cleared after the test. */
  final void remember(String sessionName) {
    names.add(sessionName);
  }

  /** This test's session name. */
  protected final String sessionName() {
    return name;
  }

  /** The capabilities the provider under test declares. */
  protected final Set<Capability> capabilities() {
    return Sessions.provider(SessionUri.parse(uri(name)).scheme()).capabilities();
  }

  final void assumeCapability(Capability capability) {
    Assumptions.assumeTrue(
        capabilities().contains(capability),
        () ->
            "the provider of '"
                + SessionUri.parse(uri(name)).scheme()
                + "' does not declare "
                + capability
                + ", so its rules are not tested");
  }

  private static byte[] seed() {
    byte[] bytes = new byte[4];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  /** rule 1. */
  @Nested
  @Tag("defaults")
  @DisplayName("a new session")
  class Defaults extends DefaultsRules {
    Defaults() {
      super(SessionTck.this);
    }
  }

  /** rule 2. */
  @Nested
  @Tag("dc-options")
  @DisplayName("DC options")
  class DcOptions extends DcOptionsRules {
    DcOptions() {
      super(SessionTck.this);
    }
  }

  /** rule 3. */
  @Nested
  @Tag("peers")
  @DisplayName("peers and merging")
  class Peers extends PeersRules {
    Peers() {
      super(SessionTck.this);
    }
  }

  /** rule 4. */
  @Nested
  @Tag("self-user")
  @DisplayName("the self user")
  class SelfUser extends SelfUserRules {
    SelfUser() {
      super(SessionTck.this);
    }
  }

  /** rule 5. */
  @Nested
  @Tag("usernames-and-phones")
  @DisplayName("usernames and phones")
  class UsernamesAndPhones extends UsernamesAndPhonesRules {
    UsernamesAndPhones() {
      super(SessionTck.this);
    }
  }

  /** rule 6. */
  @Nested
  @Tag("batches")
  @DisplayName("batches")
  class Batches extends BatchesRules {
    Batches() {
      super(SessionTck.this);
    }
  }

  /** rule 7. */
  @Nested
  @Tag("updates")
  @DisplayName("the updates state")
  class Updates extends UpdatesRules {
    Updates() {
      super(SessionTck.this);
    }
  }

  /** rule 8. */
  @Nested
  @Tag("lifecycle")
  @DisplayName("clear and close")
  class Lifecycle extends LifecycleRules {
    Lifecycle() {
      super(SessionTck.this);
    }
  }

  /** rule 9: DURABLE. */
  @Nested
  @Tag("durability")
  @DisplayName("durability (DURABLE)")
  class Durability extends DurabilityRules {
    Durability() {
      super(SessionTck.this);
    }
  }

  /** . */
  @Nested
  @Tag("isolation")
  @DisplayName("isolation of sessions with different names")
  class Isolation extends IsolationRules {
    Isolation() {
      super(SessionTck.this);
    }
  }

  /** rule 9: SHARED. */
  @Nested
  @Tag("sharing")
  @DisplayName("sharing between instances (SHARED)")
  class Sharing extends SharingRules {
    Sharing() {
      super(SessionTck.this);
    }
  }

  /** rule 10. */
  @Nested
  @Tag("concurrency")
  @DisplayName("concurrency")
  class Concurrency extends ConcurrencyRules {
    Concurrency() {
      super(SessionTck.this);
    }
  }

  /** rules 3 to 6, at random. */
  @Nested
  @Tag("reference")
  @DisplayName("agreement with the reference backend")
  class Reference extends ReferenceRules {
    Reference() {
      super(SessionTck.this);
    }
  }

  /** rule 12: LEASE. */
  @Nested
  @Tag("leases")
  @DisplayName("leases (LEASE)")
  class Leases extends LeaseRules {
    Leases() {
      super(SessionTck.this);
    }
  }

  /** rule 13: encryption at rest. */
  @Nested
  @Tag("encryption")
  @DisplayName("encryption at rest (encryption-key)")
  class Encryption extends EncryptionRules {
    Encryption() {
      super(SessionTck.this);
    }
  }

  /** rule 11. */
  @Nested
  @Tag("bad-input")
  @DisplayName("bad input")
  class BadInput extends BadInputRules {
    BadInput() {
      super(SessionTck.this);
    }
  }

  /** URIs. */
  @Nested
  @Tag("uris")
  @DisplayName("URIs")
  class Uris extends UrisRules {
    Uris() {
      super(SessionTck.this);
    }
  }
}
