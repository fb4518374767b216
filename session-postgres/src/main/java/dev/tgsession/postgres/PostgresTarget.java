package dev.tgsession.postgres;

import dev.tgsession.spi.SessionUri;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGProperty;

/**
 * Where a {@code postgresql://} URI points: the JDBC URL (hosts and database, never the password),
 * the driver properties (user, password and every pgjdbc option the URI passes through) and the
 * pool size. Two URIs with equal targets share one pool, whatever their session names.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port,.../database}, without credentials or options
 * @param user the user, or null to let the driver choose
 * @param password the password, or null; a secret, shown nowhere
 * @param driverOptions the pgjdbc options of the URI, sorted by name
 * @param poolSize the most connections the shared pool opens
 * @param where how messages name the server: hosts and database, nothing secret
 */
record PostgresTarget(
    String jdbcUrl,
    @Nullable String user,
    @Nullable String password,
    Map<String, String> driverOptions,
    int poolSize,
    String where) {

  static final int DEFAULT_PORT = 5432;

  PostgresTarget {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    driverOptions = Map.copyOf(driverOptions);
  }

  /**
   * The target of a URI whose options were already checked: every option that is not one of {@code
   * ours} is a pgjdbc option.
   *
   * @throws IllegalArgumentException if the URI has no host
   */
  static PostgresTarget of(SessionUri uri, java.util.Collection<String> ours, int poolSize) {
    if (!uri.hierarchical() || uri.hosts().isEmpty()) {
      throw new IllegalArgumentException(
          "expected "
              + uri.scheme()
              + "://[user[:password]@]host[:5432][,host2:port2]/database[?session=NAME], found '"
              + uri
              + "'");
    }
    String database = uri.path().startsWith("/") ? uri.path().substring(1) : uri.path();
    if (database.endsWith("/")) {
      database = database.substring(0, database.length() - 1);
    }
    if (database.contains("/")) {
      throw new IllegalArgumentException(
          "expected one database name as the path (for example /mydb), found '"
              + uri.path()
              + "' in "
              + uri);
    }
    String hosts =
        uri.hosts().stream()
            .map(host -> new SessionUri.Host(host.host(), host.portOr(DEFAULT_PORT)).toString())
            .collect(Collectors.joining(","));
    String jdbcUrl =
        "jdbc:postgresql://"
            + hosts
            + "/"
            + URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    Map<String, String> driverOptions = new TreeMap<>();
    uri.options()
        .forEach(
            (name, value) -> {
              if (!ours.contains(name)) {
                driverOptions.put(name, value);
              }
            });
    return new PostgresTarget(
        jdbcUrl,
        uri.user().orElse(null),
        uri.password().orElse(null),
        driverOptions,
        poolSize,
        hosts + "/" + database);
  }

  /** Whether pgjdbc knows an option of this name (it then passes through untouched). */
  static boolean isDriverOption(String name) {
    return PGProperty.forName(name) != null;
  }

  /** The properties a connection is opened with; holds the password: never log them. */
  Properties properties() {
    Properties properties = new Properties();
    driverOptions.forEach(properties::setProperty);
    if (user != null) {
      properties.setProperty(PGProperty.USER.getName(), user);
    }
    if (password != null) {
      properties.setProperty(PGProperty.PASSWORD.getName(), password);
    }
    if (!driverOptions.containsKey(PGProperty.APPLICATION_NAME.getName())) {
      properties.setProperty(PGProperty.APPLICATION_NAME.getName(), "tgsession");
    }
    return properties;
  }

  /** Hosts and database; the password never. */
  @Override
  public String toString() {
    return "PostgreSQL at " + where;
  }
}
