package dev.tgsession.mongo;

import dev.tgsession.spi.SessionUri;
import dev.tgsession.support.QuotedValue;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a {@code mongodb:} session lives: the connection string handed to the driver (our options
 * removed, everything else untouched), the database, the session name and the collection names.
 *
 * <p>{@link #toString()} is the redacted URI: the password and every credential option ({@link
 * DriverOptions#isCredential}) masked. {@link #connectionString()} holds them: never log it. {@link
 * #scrub} masks them in text built by the driver.
 */
final class MongoTarget {

  private static final Pattern DATABASE = Pattern.compile("[^/\\\\. \"$\\x00]{1,63}");
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_\\-]{0,64}");
  private static final String MASK = "****";

  private final String connectionString;
  private final String raw;
  private final String description;
  private final String database;
  private final String session;
  private final String collectionPrefix;
  private final List<String> hosts;
  private final List<String> secrets;

  private MongoTarget(
      String connectionString,
      String raw,
      String description,
      String database,
      String session,
      String collectionPrefix,
      List<String> hosts,
      List<String> secrets) {
    this.connectionString = connectionString;
    this.raw = raw;
    this.description = description;
    this.database = database;
    this.session = session;
    this.collectionPrefix = collectionPrefix;
    this.hosts = hosts;
    this.secrets = secrets;
  }

  /**
   * Takes our options ({@link MongoSessionProvider#OPTIONS}, already checked by {@code
   * Sessions.open}) out of a {@code mongodb:} or {@code mongodb+srv:} URI.
   *
   * @throws IllegalArgumentException on a URI without hosts or database, or a bad collection prefix
   *     (the message never shows a credential)
   */
  static MongoTarget of(SessionUri uri) {
    String description = describe(uri);
    if (!uri.hierarchical() || uri.hosts().isEmpty()) {
      throw new IllegalArgumentException(
          "expected 'mongodb://[user:password@]host[:port][,host2...]/database?session=NAME' or"
              + " 'mongodb+srv://...', found '"
              + description
              + "'");
    }
    String session = uri.get(MongoSessionProvider.SESSION);
    String prefix = uri.get(MongoSessionProvider.COLLECTION_PREFIX);
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "expected option 'collection-prefix' to be 0 to 64 of [A-Za-z0-9_-], found '"
              + QuotedValue.cut(prefix)
              + "' in "
              + description);
    }
    String database = uri.path().startsWith("/") ? uri.path().substring(1) : uri.path();
    if (database.isEmpty()) {
      throw new IllegalArgumentException(
          "expected a database in the path of "
              + description
              + " (for example mongodb://localhost:27017/telegram?session=bot), found none;"
              + " add '/DATABASE' after the hosts");
    }
    if (!DATABASE.matcher(database).matches()) {
      throw new IllegalArgumentException(
          "expected a database name of 1 to 63 characters without '/\\. \"$', found '"
              + QuotedValue.cut(database)
              + "' in "
              + description
              + " (a 'database.collection' path is not supported: the collections are"
              + " PREFIXsessions, PREFIXpeers, PREFIXnames and PREFIXleases)");
    }
    List<String> hosts =
        uri.hosts().stream().map(host -> QuotedValue.cut(host.toString())).toList();
    // the driver wants the scheme in lower case; the rest of the text goes through untouched
    String forDriver = uri.rawWithoutOptions(MongoSessionProvider.OPTION_NAMES);
    forDriver = uri.scheme() + forDriver.substring(forDriver.indexOf(':'));
    return new MongoTarget(
        forDriver, uri.raw(), description, database, session, prefix, hosts, secrets(uri));
  }

  /**
   * The URI as messages show it: {@link SessionUri#toString()} of its authority and path (password
   * masked), then each option with the value of every credential masked and the others cut.
   */
  private static String describe(SessionUri uri) {
    SessionUri withoutOptions = SessionUri.parse(uri.rawWithoutOptions(uri.options().keySet()));
    String path = withoutOptions.path();
    String authority = withoutOptions.toString();
    authority = authority.substring(0, authority.length() - path.length());
    // every piece cut: a huge host or path never makes a huge message
    StringBuilder out =
        new StringBuilder(authority.length() > 256 ? QuotedValue.cut(authority) : authority);
    if (!path.isEmpty()) {
      out.append('/').append(QuotedValue.cut(path.substring(1)));
    }
    char separator = '?';
    for (Map.Entry<String, String> option : uri.options().entrySet()) {
      String name = option.getKey();
      boolean secret = uri.isSecretOption(name) || DriverOptions.isCredential(name);
      out.append(separator)
          .append(QuotedValue.cut(name))
          .append('=')
          .append(secret ? MASK : QuotedValue.cut(option.getValue()));
      separator = '&';
    }
    return out.toString();
  }

  /**
   * Every text a driver message could show of the password and the credential options: as given
   * (percent-encoded), decoded, re-encoded, and each {@code KEY:VALUE} value of {@code
   * authMechanismProperties}. Longest first, so a secret containing another is masked whole.
   */
  private static List<String> secrets(SessionUri uri) {
    Set<String> found = new LinkedHashSet<>();
    uri.password().ifPresent(password -> addForms(found, password));
    String raw = uri.raw();
    int slashes = raw.indexOf("//");
    int at = slashes < 0 ? -1 : raw.lastIndexOf('@', endOfAuthority(raw, slashes + 2));
    if (at > slashes && slashes >= 0) {
      String userInfo = raw.substring(slashes + 2, at);
      int colon = userInfo.indexOf(':');
      if (colon >= 0) {
        found.add(userInfo.substring(colon + 1));
      }
    }
    for (Map.Entry<String, String> option : uri.options().entrySet()) {
      if (uri.isSecretOption(option.getKey()) || DriverOptions.isCredential(option.getKey())) {
        String value = option.getValue();
        addForms(found, value);
        for (String property : value.split(",")) {
          int colon = property.indexOf(':');
          if (colon >= 0) {
            addForms(found, property.substring(colon + 1));
          }
        }
      }
    }
    found.removeIf(secret -> secret.length() < 3);
    List<String> sorted = new ArrayList<>(found);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    return List.copyOf(sorted);
  }

  private static void addForms(Set<String> found, String secret) {
    found.add(secret);
    found.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
    found.add(URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"));
  }

  // The authority of "scheme://authority/path?query" ends at the first '/', '?' or '#' after the
  // last '@' that precedes the query; a password with an unencoded '/' is refused by SessionUri.
  private static int endOfAuthority(String raw, int start) {
    int query = raw.indexOf('?', start);
    return query < 0 ? raw.length() - 1 : query;
  }

  /** What goes to the driver's {@code ConnectionString}. Holds the password: never log it. */
  String connectionString() {
    return connectionString;
  }

  /** The URI as given, options included. Holds the password: never log it. */
  String rawUri() {
    return raw;
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

  String leasesCollection() {
    return collectionPrefix + "leases";
  }

  /** The hosts as the URI lists them (for {@code mongodb+srv}, the SRV name). */
  List<String> hosts() {
    return hosts;
  }

  /** {@code host1,host2/database}: where the session is, as failure messages name it. */
  String where() {
    return String.join(",", hosts) + "/" + database;
  }

  /** {@code text} with every form of the password and the credential options masked. */
  String scrub(@org.jspecify.annotations.Nullable String text) {
    if (text == null) {
      return "(no message)";
    }
    String scrubbed = text;
    for (String secret : secrets) {
      scrubbed = scrubbed.replace(secret, MASK);
    }
    return scrubbed;
  }

  @Override
  public String toString() {
    return description;
  }
}
