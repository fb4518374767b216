package dev.tgsession.mongo;

import dev.tgsession.cache.CaffeinePeerCache;
import dev.tgsession.spi.SessionUri;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where a {@code mongodb:} session lives: the connection string handed to the driver (our options
 * removed, everything else untouched), the database, the session name and the collection names.
 *
 * <p>{@link #toString()} is the redacted URI; {@link #connectionString()} holds the password.
 */
final class MongoTarget {

  static final String SESSION_OPTION = "session";
  static final String PREFIX_OPTION = "collection-prefix";
  static final String DEFAULT_SESSION = "default";
  static final String DEFAULT_PREFIX = "tgsession_";
  static final List<String> OWN_OPTIONS =
      Stream.concat(Stream.of(SESSION_OPTION, PREFIX_OPTION), CaffeinePeerCache.OPTIONS.stream())
          .toList();

  /**
   * The options the driver's {@code ConnectionString} understands (mongodb-driver-core 5.14, lower
   * case; the driver compares them case-insensitively). Anything else is a typo we reject rather
   * than let the driver ignore it with a log line: {@code sesion=bot} silently sharing the {@code
   * default} session is the failure this prevents. A test compares this list with the driver's.
   */
  static final Set<String> DRIVER_OPTIONS =
      Set.of(
          "appname",
          "authmechanism",
          "authmechanismproperties",
          "authsource",
          "compressors",
          "connecttimeoutms",
          "directconnection",
          "enableoverloadretargeting",
          "gssapiservicename",
          "heartbeatfrequencyms",
          "journal",
          "loadbalanced",
          "localthresholdms",
          "maxadaptiveretries",
          "maxconnecting",
          "maxidletimems",
          "maxlifetimems",
          "maxpoolsize",
          "maxstalenessseconds",
          "minpoolsize",
          "proxyhost",
          "proxypassword",
          "proxyport",
          "proxyusername",
          "readconcernlevel",
          "readpreference",
          "readpreferencetags",
          "replicaset",
          "retryreads",
          "retrywrites",
          "safe",
          "servermonitoringmode",
          "serverselectiontimeoutms",
          "sockettimeoutms",
          "srvallowedhostssuffix",
          "srvmaxhosts",
          "srvservicename",
          "ssl",
          "sslinvalidhostnameallowed",
          "timeoutms",
          "tls",
          "tlsallowinvalidhostnames",
          "tlsinsecure",
          "uuidrepresentation",
          "w",
          "waitqueuetimeoutms",
          "wtimeoutms",
          "zlibcompressionlevel");

  private static final Pattern DATABASE = Pattern.compile("[^/\\\\. \"$\\x00]{1,63}");
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_\\-]{0,64}");
  private static final int MAX_SESSION_NAME = 512;

  private final String connectionString;
  private final String description;
  private final String database;
  private final String session;
  private final String collectionPrefix;
  private final List<String> hosts;
  private final String password;

  private MongoTarget(
      String connectionString,
      String description,
      String database,
      String session,
      String collectionPrefix,
      List<String> hosts,
      String password) {
    this.connectionString = connectionString;
    this.description = description;
    this.database = database;
    this.session = session;
    this.collectionPrefix = collectionPrefix;
    this.hosts = hosts;
    this.password = password;
  }

  /**
   * Takes our options out of a {@code mongodb:} or {@code mongodb+srv:} URI.
   *
   * @throws IllegalArgumentException on a URI without hosts, an unknown option or a bad value of
   *     ours (the message never shows the password)
   */
  static MongoTarget of(SessionUri uri) {
    if (!uri.hierarchical() || uri.hosts().isEmpty()) {
      throw new IllegalArgumentException(
          "expected 'mongodb://[user:password@]host[:port][,host2...]/database?session=NAME' or"
              + " 'mongodb+srv://...', found '"
              + uri
              + "'");
    }
    Set<String> unknown = new TreeSet<>();
    for (String name : uri.options().keySet()) {
      if (!OWN_OPTIONS.contains(name) && !DRIVER_OPTIONS.contains(name.toLowerCase(Locale.ROOT))) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown option(s) "
              + unknown
              + " in "
              + uri
              + "; expected ours "
              + OWN_OPTIONS
              + " or a MongoDB driver option "
              + new TreeSet<>(DRIVER_OPTIONS)
              + " (driver options are case-insensitive)");
    }
    String session = uri.option(SESSION_OPTION, DEFAULT_SESSION);
    if (session.isEmpty() || session.length() > MAX_SESSION_NAME) {
      throw new IllegalArgumentException(
          "expected option 'session' to be a name of 1 to "
              + MAX_SESSION_NAME
              + " characters, found '"
              + session
              + "' in "
              + uri);
    }
    String prefix = uri.option(PREFIX_OPTION, DEFAULT_PREFIX);
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "expected option 'collection-prefix' to be 0 to 64 of [A-Za-z0-9_-], found '"
              + prefix
              + "' in "
              + uri);
    }
    String database = uri.path().startsWith("/") ? uri.path().substring(1) : uri.path();
    if (database.isEmpty()) {
      throw new IllegalArgumentException(
          "expected a database in the path of "
              + uri
              + " (for example mongodb://localhost:27017/telegram?session=bot), found none;"
              + " add '/DATABASE' after the hosts");
    }
    if (!DATABASE.matcher(database).matches()) {
      throw new IllegalArgumentException(
          "expected a database name of 1 to 63 characters without '/\\. \"$', found '"
              + database
              + "' in "
              + uri
              + " (a 'database.collection' path is not supported: the collections are"
              + " PREFIXsessions, PREFIXpeers and PREFIXnames)");
    }
    List<String> hosts = uri.hosts().stream().map(SessionUri.Host::toString).toList();
    // the driver wants the scheme in lower case; the rest of the text goes through untouched
    String forDriver = uri.rawWithoutOptions(OWN_OPTIONS);
    forDriver = uri.scheme() + forDriver.substring(forDriver.indexOf(':'));
    return new MongoTarget(
        forDriver, uri.toString(), database, session, prefix, hosts, uri.password().orElse(""));
  }

  /** What goes to the driver's {@code ConnectionString}. Holds the password: never log it. */
  String connectionString() {
    return connectionString;
  }

  String database() {
    return database;
  }

  String session() {
    return session;
  }

  String sessionsCollection() {
    return collectionPrefix + "sessions";
  }

  String peersCollection() {
    return collectionPrefix + "peers";
  }

  String namesCollection() {
    return collectionPrefix + "names";
  }

  /** The hosts as the URI lists them (for {@code mongodb+srv}, the SRV name). */
  List<String> hosts() {
    return hosts;
  }

  /** {@code text} with every occurrence of the password masked, for messages built from drivers. */
  String scrub(String text) {
    if (password.isEmpty() || text == null) {
      return text;
    }
    String encoded = java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8);
    return text.replace(password, "****").replace(encoded, "****");
  }

  @Override
  public String toString() {
    return description;
  }
}
