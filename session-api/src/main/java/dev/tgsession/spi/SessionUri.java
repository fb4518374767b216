package dev.tgsession.spi;

import dev.tgsession.support.QuotedValue;
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
 * password (a user given without one is shown as given), for everything before the last {@code @}
 * of a URI that holds more than one (such a URI is refused: which {@code @} ends the user info is a
 * guess), and for any option whose name contains {@code password}, {@code key}, {@code secret},
 * {@code token} or {@code credential}, MongoDB's {@code authMechanismProperties} (it carries AWS
 * session tokens), and any option a provider declares secret. Only {@link #raw()} holds the
 * original text; never log it.
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
  private static final String MASK = UriText.MASK;

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
  // The options the provider declared (empty before withDeclaredOptions): what get/find read.
  private final Map<String, SessionOption<?>> declared;

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
      Set<String> defaulted,
      Map<String, SessionOption<?>> declared) {
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
    this.declared = declared;
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
    long ats = rest.chars().filter(c -> c == '@').count();
    if (rest.startsWith("//") && ats > 1) {
      // Which '@' ends the user info is a guess; a wrong guess would show part of a password.
      throw new IllegalArgumentException(
          "expected at most one '@' in a URI (the one ending user:password@), found "
              + ats
              + " in '"
              + redact(uri)
              + "'; percent-encode '@' in a user, password or option value as %40 ('/' as %2F,"
              + " '?' as %3F, ':' in a user as %3A)");
    }
    if (rest.startsWith("//") && UriText.unencodedUserInfo(rest.substring(2))) {
      throw new IllegalArgumentException(
          "expected the user and password percent-encoded ('/' as %2F, '?' as %3F, '@' as %40,"
              + " ':' in a user as %3A), found characters that end the user info early in '"
              + redact(uri)
              + "'");
    }
    int question = rest.indexOf('?');
    String query = question < 0 ? "" : rest.substring(question + 1);
    rest = question < 0 ? rest : rest.substring(0, question);
    Map<String, String> options = UriText.parseQuery(query, uri);

    if (!rest.startsWith("//")) {
      return new SessionUri(
          uri,
          scheme,
          false,
          null,
          null,
          List.of(),
          UriText.decode(rest, uri),
          options,
          Set.of(),
          Set.of(),
          Map.of());
    }
    String afterSlashes = rest.substring(2);
    int slash = afterSlashes.indexOf('/');
    String authority = slash < 0 ? afterSlashes : afterSlashes.substring(0, slash);
    String path = slash < 0 ? "" : UriText.decode(afterSlashes.substring(slash), uri);
    String user = null;
    String password = null;
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      authority = authority.substring(at + 1);
      int userColon = userInfo.indexOf(':');
      try {
        if (userColon >= 0) {
          user = UriText.decode(userInfo.substring(0, userColon), uri);
          password = UriText.decode(userInfo.substring(userColon + 1), uri);
        } else {
          user = UriText.decode(userInfo, uri);
        }
      } catch (IllegalArgumentException e) {
        // Not the usual message: it would show the user, and the user may hold the password.
        throw new IllegalArgumentException(
            "expected the user and password percent-encoded ('%' and two hex digits), found a"
                + " malformed %-escape in the user info of '"
                + scheme
                + "://"
                + MASK
                + "@"
                + QuotedValue.cut(authority)
                + "...'");
      }
      if (user.isEmpty()) {
        user = null;
      }
    }
    List<Host> hosts = new ArrayList<>();
    if (!authority.isEmpty()) {
      for (String part : authority.split(",", -1)) {
        hosts.add(UriText.parseHost(part, uri));
      }
    }
    return new SessionUri(
        uri,
        scheme,
        true,
        user,
        password,
        List.copyOf(hosts),
        path,
        options,
        Set.of(),
        Set.of(),
        Map.of());
  }

  /**
   * Masks the password and the secret-like options of a URI string without parsing it fully, for
   * messages about strings that did not parse.
   */
  public static String redact(String uri) {
    Objects.requireNonNull(uri, "uri");
    String redacted = UriText.maskUserInfo(uri);
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

  /**
   * The typed value of a declared option: as the URI gives it, or its declared default. Read once
   * by the provider; nothing re-reads the URI text.
   *
   * @throws IllegalStateException when the option was not declared by the provider that opened this
   *     URI, or has no default and is absent (read it with {@link #find})
   * @since 0.3.0
   */
  public <T> T get(SessionOption<T> option) {
    return find(option)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "option '"
                        + option.name()
                        + "' has no default and is absent from "
                        + this
                        + "; read it with find()"));
  }

  /**
   * The typed value of a declared option, empty when it is absent and has no default.
   *
   * @throws IllegalStateException when the option was not declared by the provider that opened this
   *     URI
   * @since 0.3.0
   */
  public <T> Optional<T> find(SessionOption<T> option) {
    SessionOption<?> known = declared.get(option.name());
    if (known == null || known.kind() != option.kind()) {
      throw new IllegalStateException(
          "option '"
              + option.name()
              + "' is not declared by the provider of scheme '"
              + scheme
              + "' (declared: "
              + new TreeSet<>(declared.keySet())
              + "); add it to SessionProvider.options()");
    }
    String value = options.get(option.name());
    return value == null ? Optional.empty() : Optional.of(option.parse(value));
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
   * @param declaredOptions the options the provider accepts
   * @param passesThrough driver options handed to the driver untouched (not checked here)
   * @return this URI with the declared defaults added and the declared secrets masked
   * @throws IllegalArgumentException naming an unknown option (listing the valid ones) or a value
   *     out of kind or range
   */
  public SessionUri withDeclaredOptions(
      List<SessionOption<?>> declaredOptions, java.util.function.Predicate<String> passesThrough) {
    Map<String, SessionOption<?>> byName = new LinkedHashMap<>();
    Set<String> secrets = new TreeSet<>(secretOptions);
    for (SessionOption<?> option : declaredOptions) {
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
            defaulted,
            declared);
    Set<String> unknown = new TreeSet<>();
    for (Map.Entry<String, String> option : options.entrySet()) {
      SessionOption<?> spec = byName.get(option.getKey());
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
    for (SessionOption<?> option : declaredOptions) {
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
        Set.copyOf(added),
        Collections.unmodifiableMap(byName));
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
   * {@code raw} with one more query option, its value percent-encoded: how a store's directory
   * names one of its sessions ({@code session=NAME}) without parsing the URI again. Holds what
   * {@code raw} holds (a password): never log it.
   *
   * @since 0.3.0
   */
  public static String withOption(String raw, String name, String value) {
    String encoded =
        java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8)
            .replace("+", "%20");
    return raw + (raw.indexOf('?') >= 0 ? "&" : "?") + name + "=" + encoded;
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
      String name = UriText.decode(eq < 0 ? pair : pair.substring(0, eq), raw);
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
        // A user without a password is shown as given (a database role, an ACL user).
        out.append(user == null ? "" : user);
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
}
