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
import java.util.Optional;
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
 * Capability#LEASE}, {@link Capability#ATOMIC_BATCH}, {@link Capability#ENCRYPTION}, {@link
 * Capability#DIRECTORY}) switch their groups on; an undeclared one makes its tests report as
 * skipped with the reason, never as a silent pass. The directory group also needs {@link
 * #storeUri()}.
 *
 * <p>Each group carries a JUnit tag, so one group runs alone: {@code mvn test
 * -Dgroups=tck-temp-keys} (surefire 3.x; several: {@code -Dgroups='tck-peers | tck-batches'}). Tag
 * names are case-sensitive. The tags: {@code tck-defaults}, {@code tck-dc-options}, {@code
 * tck-peers}, {@code tck-self-user}, {@code tck-usernames-and-phones}, {@code tck-batches}, {@code
 * tck-updates}, {@code tck-lifecycle}, {@code tck-durability}, {@code tck-isolation}, {@code
 * tck-sharing}, {@code tck-concurrency}, {@code tck-reference}, {@code tck-leases}, {@code
 * tck-encryption}, {@code tck-bad-input}, {@code tck-uris}, {@code tck-temp-keys}, {@code
 * tck-media-dcs}, {@code tck-home-dc-family}, {@code tck-freshness}, {@code tck-directory}, {@code
 * tck-replace}. A method selector ({@code -Dtest=MyTckTest#someTest}) finds nothing, the tests
 * being in nested classes: run the test's group by its tag.
 *
 * <p>When the store cannot be had (no server), override {@link #unavailable()}: every test is then
 * skipped with that reason, or fails when the environment variable {@code CI} is {@code true}.
 *
 * <p>Session names are {@code tck-<run>-<n>}, with a random run id per JVM, so leftovers of an
 * earlier run in a persistent store never meet a new test; each test clears the sessions it used
 * when it ends. Tests tagged {@value #SLOW} (100,000 peers) can be left out with surefire's {@code
 * excludedGroups}.
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

  /**
   * The URI of the store that holds the sessions {@link #uri(String)} names, without {@code
   * session=} (for a file backend, the directory of the files), for the directory group (capability
   * {@link Capability#DIRECTORY}); empty (the default) skips that group with a reason. {@code
   * Sessions.store(storeUri).open(name)} must open the session {@code uri(name)} opens.
   *
   * @since 0.3.0
   */
  protected Optional<String> storeUri() {
    return Optional.empty();
  }

  /**
   * How many summaries the backend's {@link dev.tgsession.SessionStore#list} reads per page (100
   * unless overridden): the directory group creates more sessions than two pages hold to test the
   * paging.
   *
   * @since 0.3.0
   */
  protected int listingPageSize() {
    return 100;
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
  @Tag("tck-defaults")
  @DisplayName("a new session")
  class Defaults extends DefaultsRules {
    Defaults() {
      super(SessionTck.this);
    }
  }

  /** rule 2. */
  @Nested
  @Tag("tck-dc-options")
  @DisplayName("DC options")
  class DcOptions extends DcOptionsRules {
    DcOptions() {
      super(SessionTck.this);
    }
  }

  /** rule 3. */
  @Nested
  @Tag("tck-peers")
  @DisplayName("peers and merging")
  class Peers extends PeersRules {
    Peers() {
      super(SessionTck.this);
    }
  }

  /** rule 4. */
  @Nested
  @Tag("tck-self-user")
  @DisplayName("the self user")
  class SelfUser extends SelfUserRules {
    SelfUser() {
      super(SessionTck.this);
    }
  }

  /** rule 5. */
  @Nested
  @Tag("tck-usernames-and-phones")
  @DisplayName("usernames and phones")
  class UsernamesAndPhones extends UsernamesAndPhonesRules {
    UsernamesAndPhones() {
      super(SessionTck.this);
    }
  }

  /** rule 6. */
  @Nested
  @Tag("tck-batches")
  @DisplayName("batches")
  class Batches extends BatchesRules {
    Batches() {
      super(SessionTck.this);
    }
  }

  /** rule 7. */
  @Nested
  @Tag("tck-updates")
  @DisplayName("the updates state")
  class Updates extends UpdatesRules {
    Updates() {
      super(SessionTck.this);
    }
  }

  /** rule 8. */
  @Nested
  @Tag("tck-lifecycle")
  @DisplayName("clear and close")
  class Lifecycle extends LifecycleRules {
    Lifecycle() {
      super(SessionTck.this);
    }
  }

  /** rule 9: DURABLE. */
  @Nested
  @Tag("tck-durability")
  @DisplayName("durability (DURABLE)")
  class Durability extends DurabilityRules {
    Durability() {
      super(SessionTck.this);
    }
  }

  /** . */
  @Nested
  @Tag("tck-isolation")
  @DisplayName("isolation of sessions with different names")
  class Isolation extends IsolationRules {
    Isolation() {
      super(SessionTck.this);
    }
  }

  /** rule 9: SHARED. */
  @Nested
  @Tag("tck-sharing")
  @DisplayName("sharing between instances (SHARED)")
  class Sharing extends SharingRules {
    Sharing() {
      super(SessionTck.this);
    }
  }

  /** rule 10. */
  @Nested
  @Tag("tck-concurrency")
  @DisplayName("concurrency")
  class Concurrency extends ConcurrencyRules {
    Concurrency() {
      super(SessionTck.this);
    }
  }

  /** rules 3 to 6, at random. */
  @Nested
  @Tag("tck-reference")
  @DisplayName("agreement with the reference backend")
  class Reference extends ReferenceRules {
    Reference() {
      super(SessionTck.this);
    }
  }

  /** rule 12: LEASE. */
  @Nested
  @Tag("tck-leases")
  @DisplayName("leases (LEASE)")
  class Leases extends LeaseRules {
    Leases() {
      super(SessionTck.this);
    }
  }

  /** rule 13: encryption at rest. */
  @Nested
  @Tag("tck-encryption")
  @DisplayName("encryption at rest (encryption-key)")
  class Encryption extends EncryptionRules {
    Encryption() {
      super(SessionTck.this);
    }
  }

  /** rule 11. */
  @Nested
  @Tag("tck-bad-input")
  @DisplayName("bad input")
  class BadInput extends BadInputRules {
    BadInput() {
      super(SessionTck.this);
    }
  }

  /** URIs. */
  @Nested
  @Tag("tck-uris")
  @DisplayName("URIs")
  class Uris extends UrisRules {
    Uris() {
      super(SessionTck.this);
    }
  }

  /** Temporary (PFS) keys. */
  @Nested
  @Tag("tck-temp-keys")
  @DisplayName("temporary keys")
  class TempKeys extends TempKeysRules {
    TempKeys() {
      super(SessionTck.this);
    }
  }

  /** Media-only DC options. */
  @Nested
  @Tag("tck-media-dcs")
  @DisplayName("media DC options")
  class MediaDcs extends MediaDcsRules {
    MediaDcs() {
      super(SessionTck.this);
    }
  }

  /** The home DC's address family. */
  @Nested
  @Tag("tck-home-dc-family")
  @DisplayName("the home DC's address family")
  class HomeDcFamily extends HomeDcFamilyRules {
    HomeDcFamily() {
      super(SessionTck.this);
    }
  }

  /** Peer freshness and pruning. */
  @Nested
  @Tag("tck-freshness")
  @DisplayName("peer freshness and pruning")
  class Freshness extends FreshnessRules {
    Freshness() {
      super(SessionTck.this);
    }
  }

  /** The directory of a store: DIRECTORY. */
  @Nested
  @Tag("tck-directory")
  @DisplayName("the directory of a store (DIRECTORY)")
  class Directory extends DirectoryRules {
    Directory() {
      super(SessionTck.this);
    }
  }

  /** SessionImport.replace. */
  @Nested
  @Tag("tck-replace")
  @DisplayName("replacing a whole session (SessionImport.replace)")
  class Replace extends ReplaceRules {
    Replace() {
      super(SessionTck.this);
    }
  }
}
