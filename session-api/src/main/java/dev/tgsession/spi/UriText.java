package dev.tgsession.spi;

import dev.tgsession.support.QuotedValue;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The text side of {@link SessionUri}: splitting, decoding and masking, without any state. */
final class UriText {

  static final Pattern HOST = Pattern.compile("[A-Za-z0-9._\\-%]+");
  static final Pattern IPV6_HOST = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9._\\-]+)?");
  static final String MASK = "****";

  private UriText() {}

  // The user info of an authority ends at its last '@'; mask all of it, user included, since a
  // password with '@', '/' or '?' (unencoded) would otherwise leave a piece of it in view.
  static String maskUserInfo(String uri) {
    int slashes = uri.indexOf("//");
    if (slashes < 0) {
      return uri;
    }
    int start = slashes + 2;
    String afterSlashes = uri.substring(start);
    if (afterSlashes.indexOf('@') != afterSlashes.lastIndexOf('@')) {
      // More than one '@': which one ends the user info is a guess; mask up to the last.
      return uri.substring(0, start) + MASK + afterSlashes.substring(afterSlashes.lastIndexOf('@'));
    }
    int at = lastUserInfoAt(afterSlashes);
    if (at < 0) {
      return uri;
    }
    int userColon = afterSlashes.indexOf(':');
    int end = firstOf(afterSlashes, "/?#");
    boolean wellFormed = end < 0 || at < end;
    if (wellFormed && (userColon < 0 || userColon > at)) {
      return uri; // a user without a password, shown as given
    }
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
  static int lastUserInfoAt(String afterSlashes) {
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

  static boolean unencodedUserInfo(String afterSlashes) {
    int end = firstOf(afterSlashes, "/?#");
    if (end < 0) {
      return false;
    }
    String authority = afterSlashes.substring(0, end);
    return authority.indexOf('@') < 0
        && afterSlashes.indexOf('@', end) >= 0
        && !validHostList(authority);
  }

  static boolean validHostList(String authority) {
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

  static int firstOf(String text, String characters) {
    for (int i = 0; i < text.length(); i++) {
      if (characters.indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  static Map<String, String> parseQuery(String query, String uri) {
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
                + SessionUri.redact(uri)
                + "'");
      }
      if (options.putIfAbsent(name, value) != null) {
        throw new IllegalArgumentException(
            "expected each option once, found '"
                + QuotedValue.cut(name)
                + "' twice in '"
                + SessionUri.redact(uri)
                + "'");
      }
    }
    return Collections.unmodifiableMap(options);
  }

  static SessionUri.Host parseHost(String part, String uri) {
    String host;
    String port = null;
    if (part.startsWith("[")) {
      int close = part.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException(
            "expected an IPv6 host '[address]:port', found '"
                + QuotedValue.cut(part)
                + "' in "
                + SessionUri.redact(uri));
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
          "expected a host name before each port, found an empty host in '"
              + SessionUri.redact(uri)
              + "'");
    }
    if (!(part.startsWith("[") ? IPV6_HOST : HOST).matcher(host).matches()) {
      throw new IllegalArgumentException(
          "expected a host name or IP address (letters, digits, '.', '-', '_'), found '"
              + QuotedValue.cut(host)
              + "' in '"
              + SessionUri.redact(uri)
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
    return new SessionUri.Host(host, portNumber);
  }

  static String decode(String text, String uri) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "expected valid %-escapes, found a malformed one in '" + SessionUri.redact(uri) + "'");
    }
  }
}
