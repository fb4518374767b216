package dev.tgsession.spi;

import dev.tgsession.support.QuotedValue;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A session URI taken apart: {@code scheme:opaque}, {@code scheme:/path} or {@code
 * scheme://user:password@host1:port1,host2:port2/path?option=value&...}.
 *
 * <p>{@link #toString()}, and every message built from this class, shows {@code ****} for the
 * password, for a user given without a password (it may be a password in the user's place), and for
 * any option whose name contains {@code password}, {@code key}, {@code secret}, {@code token} or
 * {@code credential}, MongoDB's {@code authMechanismProperties} (it carries AWS session tokens),
 * and any option a provider declares secret. Only {@link #raw()} holds the original text; never log
 * it.
 */
public final class SessionUri {

  /** One host of an authority. */
  public record Host(String host, int port) {

    /** Validates the host; {@code port} is -1 when the URI gave none. */
    public Host {
      Objects.requireNonNull(host, "host");
      if (port != -1 && (port < 1 || port > 65535)) {
        throw new IllegalArgumentException(
            "expected a port in 1..65535 for host " + host + ", found " + port);
      }
    }

    /** The port, or {@code defaultPort} when the URI gave none. */
    public int portOr(int defaultPort) {
      return port == -1 ? defaultPort : port;
    }

    @Override
    public String toString() {
      String shown = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
      return port == -1 ? shown : shown + ":" + port;
    }
  }

  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.\\-]*");
  private static final Pattern SECRET_OPTION =
      Pattern.compile(
          ".*(password|passwd|pwd|key|secret|token|credential|authmechanismproperties|sas|signature).*",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._\\-%]+");
  private static final Pattern IPV6_HOST = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9._\\-]+)?");
  private static final String MASK = "****";

  private final String raw;
  private final String scheme;
  private final boolean hierarchical;
  private final @Nullable String user;
  private final @Nullable String password;
  private final List<Host> hosts;
  private final String path;
  private final Map<String, String> options;
  private final Set<String> secretOptions;
  // Options filled in from declared defaults: read like the others, never shown by toString().
  private final Set<String> defaulted;

  private SessionUri(
      String raw,
      String scheme,
      boolean hierarchical,
      @Nullable String user,
      @Nullable String password,
      List<Host> hosts,
      String path,
      Map<String, String> options,
      Set<String> secretOptions,
      Set<String> defaulted) {
    this.raw = raw;
    this.scheme = scheme;
    this.hierarchical = hierarchical;
    this.user = user;
    this.password = password;
    this.hosts = hosts;
    this.path = path;
    this.options = options;
    this.secretOptions = secretOptions;
    this.defaulted = defaulted;
  }

  /**
   * Parses a session URI.
   *
   * @throws IllegalArgumentException if it has no scheme, a malformed host list or a repeated
   *     option; the message never shows the password
   */
  public static SessionUri parse(String uri) {
    Objects.requireNonNull(uri, "uri");
    int colon = uri.indexOf(':');
    if (colon <= 0 || !SCHEME.matcher(uri.substring(0, colon)).matches()) {
      // Not shown: what is given where a URI belongs is often a secret (a string session).
      throw new IllegalArgumentException(
          "expected a session URI 'scheme:...' (for example memory:, sqlite:bot.session,"
              + " redis://localhost:6379/0?session=bot), found a text of "
              + uri.length()
              + " characters without a scheme (not shown: it may be a secret such as a string"
              + " session)");
    }
    String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
    String rest = uri.substring(colon + 1);
    if (rest.startsWith("//") && unencodedUserInfo(rest.substring(2))) {
      throw new IllegalArgumentException(
          "expected the user and password percent-encoded ('/' as %2F, '?' as %3F, '@' as %40,"
              + " ':' in a user as %3A), found characters that end the user info early in '"
              + redact(uri)
              + "'");
    }
    int question = rest.indexOf('?');
    String query = question < 0 ? "" : rest.substring(question + 1);
    rest = question < 0 ? rest : rest.substring(0, question);
    Map<String, String> options = parseQuery(query, uri);

    if (!rest.startsWith("//")) {
      return new SessionUri(
          uri,
          scheme,
          false,
          null,
          null,
          List.of(),
          decode(rest, uri),
          options,
          Set.of(),
          Set.of());
    }
    String afterSlashes = rest.substring(2);
    int slash = afterSlashes.indexOf('/');
    String authority = slash < 0 ? afterSlashes : afterSlashes.substring(0, slash);
    String path = slash < 0 ? "" : decode(afterSlashes.substring(slash), uri);
    String user = null;
    String password = null;
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      authority = authority.substring(at + 1);
      int userColon = userInfo.indexOf(':');
      if (userColon >= 0) {
        user = decode(userInfo.substring(0, userColon), uri);
        password = decode(userInfo.substring(userColon + 1), uri);
      } else {
        user = decode(userInfo, uri);
      }
      if (user.isEmpty()) {
        user = null;
      }
    }
    List<Host> hosts = new ArrayList<>();
    if (!authority.isEmpty()) {
      for (String part : authority.split(",", -1)) {
        hosts.add(parseHost(part, uri));
      }
    }
    return new SessionUri(
        uri, scheme, true, user, password, List.copyOf(hosts), path, options, Set.of(), Set.of());
  }

  /**
   * Masks the password and the secret-like options of a URI string without parsing it fully, for
   * messages about strings that did not parse.
   */
  public static String redact(String uri) {
    Objects.requireNonNull(uri, "uri");
    String redacted = maskUserInfo(uri);
    int question = redacted.indexOf('?');
    if (question < 0) {
      return QuotedValue.cut(redacted);
    }
    StringBuilder out = new StringBuilder(QuotedValue.cut(redacted.substring(0, question)));
    char separator = '?';
    for (String pair : redacted.substring(question + 1).split("&", -1)) {
      int eq = pair.indexOf('=');
      out.append(separator);
      if (eq < 0) {
        out.append(QuotedValue.cut(pair));
      } else {
        String name = pair.substring(0, eq);
        out.append(QuotedValue.cut(name))
            .append('=')
            .append(shownValue(name, pair.substring(eq + 1)));
      }
      separator = '&';
    }
    return out.toString();
  }

  /** The scheme, lower-case. */
  public String scheme() {
    return scheme;
  }

  /** Whether the URI has an authority ({@code scheme://...}). */
  public boolean hierarchical() {
    return hierarchical;
  }

  /** The user of the authority, if any. */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /** The password of the authority, if any. A secret: never log it. */
  public Optional<String> password() {
    return Optional.ofNullable(password);
  }

  /** The hosts of the authority, in order; empty for an opaque URI. */
  public List<Host> hosts() {
    return hosts;
  }

  /**
   * The path: everything after the scheme for an opaque URI ({@code bot.session} in {@code
   * sqlite:bot.session}), the part after the authority otherwise ({@code /0}); decoded, without the
   * query.
   */
  public String path() {
    return path;
  }

  /** The options of the query, in order, decoded. */
  public Map<String, String> options() {
    return options;
  }

  /** The value of one option. */
  public Optional<String> option(String name) {
    return Optional.ofNullable(options.get(name));
  }

  /** The value of one option, or {@code defaultValue}. */
  public String option(String name, String defaultValue) {
    return options.getOrDefault(name, defaultValue);
  }

  /**
   * The value of one option as an {@code int} in {@code min..max}, or {@code defaultValue}.
   *
   * @throws IllegalArgumentException naming the option if the value is not such a number
   */
  public int intOption(String name, int defaultValue, int min, int max) {
    String value = options.get(name);
    if (value == null) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "expected option '"
            + name
            + "' to be a whole number in "
            + min
            + ".."
            + max
            + ", found '"
            + shown(name, value)
            + "' in "
            + this);
  }

  /**
   * Rejects options this backend does not know.
   *
   * @throws IllegalArgumentException naming the unknown options and listing the valid ones
   */
  public void requireKnownOptions(Collection<String> known) {
    Set<String> unknown = new TreeSet<>(options.keySet());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      throw unknownOptions(unknown, new TreeSet<>(known));
    }
  }

  /**
   * Checks every option against what a provider declares and fills in the defaults: what {@link
   * dev.tgsession.Sessions#open} does before a provider sees a URI.
   *
   * @param declared the options the provider accepts
   * @param passesThrough driver options handed to the driver untouched (not checked here)
   * @return this URI with the declared defaults added and the declared secrets masked
   * @throws IllegalArgumentException naming an unknown option (listing the valid ones) or a value
   *     out of kind or range
   */
  public SessionUri withDeclaredOptions(
      List<SessionOption> declared, java.util.function.Predicate<String> passesThrough) {
    Map<String, SessionOption> byName = new LinkedHashMap<>();
    Set<String> secrets = new TreeSet<>(secretOptions);
    for (SessionOption option : declared) {
      byName.put(option.name(), option);
      if (option.secret()) {
        secrets.add(option.name());
      }
    }
    SessionUri masked =
        new SessionUri(
            raw,
            scheme,
            hierarchical,
            user,
            password,
            hosts,
            path,
            options,
            Set.copyOf(secrets),
            defaulted);
    Set<String> unknown = new TreeSet<>();
    for (Map.Entry<String, String> option : options.entrySet()) {
      SessionOption spec = byName.get(option.getKey());
      if (spec != null) {
        spec.check(option.getValue(), masked.toString());
      } else if (!passesThrough.test(option.getKey())) {
        unknown.add(option.getKey());
      }
    }
    if (!unknown.isEmpty()) {
      throw masked.unknownOptions(unknown, byName.keySet());
    }
    Map<String, String> filled = new LinkedHashMap<>(options);
    Set<String> added = new TreeSet<>(defaulted);
    for (SessionOption option : declared) {
      if (option.defaultValue() != null
          && filled.putIfAbsent(option.name(), option.defaultValue()) == null) {
        added.add(option.name());
      }
    }
    return new SessionUri(
        raw,
        scheme,
        hierarchical,
        user,
        password,
        hosts,
        path,
        Collections.unmodifiableMap(filled),
        Set.copyOf(secrets),
        Set.copyOf(added));
  }

  private IllegalArgumentException unknownOptions(Set<String> unknown, Collection<String> known) {
    List<String> shown = new ArrayList<>();
    for (String name : unknown) {
      shown.add(QuotedValue.cut(name));
    }
    return new IllegalArgumentException(
        "unknown option(s) "
            + shown
            + " for scheme '"
            + scheme
            + "'; valid options are "
            + new TreeSet<>(known)
            + " (in "
            + this
            + ")");
  }

  /**
   * The original text with the named options removed from the query, everything else untouched (for
   * handing a URI to a driver that parses it itself). Holds the password: never log it.
   */
  public String rawWithoutOptions(Collection<String> names) {
    int question = raw.indexOf('?');
    if (question < 0) {
      return raw;
    }
    List<String> kept = new ArrayList<>();
    for (String pair : raw.substring(question + 1).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq), raw);
      if (!names.contains(name)) {
        kept.add(pair);
      }
    }
    String base = raw.substring(0, question);
    return kept.isEmpty() ? base : base + "?" + String.join("&", kept);
  }

  /** The original text. Holds the password: never log it. */
  public String raw() {
    return raw;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SessionUri that && raw.equals(that.raw);
  }

  @Override
  public int hashCode() {
    return raw.hashCode();
  }

  /** The URI with the password and secret-like options shown as {@code ****}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(scheme).append(':');
    if (hierarchical) {
      out.append("//");
      if (user != null || password != null) {
        // A user without a password may be a password written in the user's place: mask it.
        out.append(password == null ? MASK : user == null ? "" : user);
        if (password != null) {
          out.append(':').append(MASK);
        }
        out.append('@');
      }
      for (int i = 0; i < hosts.size(); i++) {
        out.append(i == 0 ? "" : ",").append(hosts.get(i));
      }
    }
    out.append(path);
    char separator = '?';
    for (Map.Entry<String, String> option : options.entrySet()) {
      if (defaulted.contains(option.getKey())) {
        continue;
      }
      out.append(separator).append(option.getKey()).append('=');
      out.append(shown(option.getKey(), option.getValue()));
      separator = '&';
    }
    return out.toString();
  }

  private static String shownValue(String name, String value) {
    return SECRET_OPTION.matcher(name).matches() ? MASK : QuotedValue.cut(value);
  }

  private String shown(String name, String value) {
    return secretOptions.contains(name) ? MASK : shownValue(name, value);
  }

  /** Whether an option's value is masked in messages (declared secret, or named like a secret). */
  public boolean isSecretOption(String name) {
    return secretOptions.contains(name) || SECRET_OPTION.matcher(name).matches();
  }

  // The user info of an authority ends at its last '@'; mask all of it, user included, since a
  // password with '@', '/' or '?' (unencoded) would otherwise leave a piece of it in view.
  private static String maskUserInfo(String uri) {
    int slashes = uri.indexOf("//");
    if (slashes < 0) {
      return uri;
    }
    int start = slashes + 2;
    String afterSlashes = uri.substring(start);
    int at = lastUserInfoAt(afterSlashes);
    if (at < 0) {
      return uri;
    }
    int userColon = afterSlashes.indexOf(':');
    int end = firstOf(afterSlashes, "/?#");
    boolean wellFormed = end < 0 || at < end;
    String kept =
        wellFormed && userColon >= 0 && userColon < at
            ? afterSlashes.substring(0, userColon + 1)
            : "";
    return uri.substring(0, start) + kept + MASK + afterSlashes.substring(at);
  }

  // The '@' that ends the user info of "authority/path?query" (given after '//'), or -1. It is the
  // last '@' of the authority; when a password holds an unencoded '/' or '?', the authority seems
  // to end early, so an '@' after that counts too if what precedes the '/' or '?' is not a valid
  // host list.
  private static int lastUserInfoAt(String afterSlashes) {
    int end = firstOf(afterSlashes, "/?#");
    String authority = end < 0 ? afterSlashes : afterSlashes.substring(0, end);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      return at;
    }
    int later = afterSlashes.lastIndexOf('@');
    if (later < 0 || validHostList(authority)) {
      return -1;
    }
    return later;
  }

  private static boolean unencodedUserInfo(String afterSlashes) {
    int end = firstOf(afterSlashes, "/?#");
    if (end < 0) {
      return false;
    }
    String authority = afterSlashes.substring(0, end);
    return authority.indexOf('@') < 0
        && afterSlashes.indexOf('@', end) >= 0
        && !validHostList(authority);
  }

  private static boolean validHostList(String authority) {
    if (authority.isEmpty()) {
      return true;
    }
    for (String part : authority.split(",", -1)) {
      try {
        parseHost(part, "");
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return true;
  }

  private static int firstOf(String text, String characters) {
    for (int i = 0; i < text.length(); i++) {
      if (characters.indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static Map<String, String> parseQuery(String query, String uri) {
    Map<String, String> options = new LinkedHashMap<>();
    if (query.isEmpty()) {
      return Collections.unmodifiableMap(options);
    }
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq), uri);
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), uri);
      if (name.isEmpty()) {
        throw new IllegalArgumentException(
            "expected options 'name=value', found an option without a name in '"
                + redact(uri)
                + "'");
      }
      if (options.putIfAbsent(name, value) != null) {
        throw new IllegalArgumentException(
            "expected each option once, found '"
                + QuotedValue.cut(name)
                + "' twice in '"
                + redact(uri)
                + "'");
      }
    }
    return Collections.unmodifiableMap(options);
  }

  private static Host parseHost(String part, String uri) {
    String host;
    String port = null;
    if (part.startsWith("[")) {
      int close = part.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException(
            "expected an IPv6 host '[address]:port', found '"
                + QuotedValue.cut(part)
                + "' in "
                + redact(uri));
      }
      host = part.substring(1, close);
      String after = part.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw new IllegalArgumentException(
              "expected ':port' after '["
                  + QuotedValue.cut(host)
                  + "]', found '"
                  + QuotedValue.cut(after)
                  + "'");
        }
        port = after.substring(1);
      }
    } else {
      int colon = part.lastIndexOf(':');
      host = colon < 0 ? part : part.substring(0, colon);
      port = colon < 0 ? null : part.substring(colon + 1);
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException(
          "expected a host name before each port, found an empty host in '" + redact(uri) + "'");
    }
    if (!(part.startsWith("[") ? IPV6_HOST : HOST).matcher(host).matches()) {
      throw new IllegalArgumentException(
          "expected a host name or IP address (letters, digits, '.', '-', '_'), found '"
              + QuotedValue.cut(host)
              + "' in '"
              + redact(uri)
              + "'");
    }
    int portNumber = -1;
    if (port != null) {
      try {
        portNumber = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        portNumber = 0;
      }
      if (portNumber < 1 || portNumber > 65535) {
        throw new IllegalArgumentException(
            "expected a port in 1..65535 for host "
                + QuotedValue.cut(host)
                + ", found '"
                + QuotedValue.cut(port)
                + "'");
      }
    }
    return new Host(host, portNumber);
  }

  private static String decode(String text, String uri) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "expected valid %-escapes, found a malformed one in '" + redact(uri) + "'");
    }
  }
}
