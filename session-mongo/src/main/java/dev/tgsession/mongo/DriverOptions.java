package dev.tgsession.mongo;

import com.mongodb.ConnectionString;
import java.lang.reflect.Field;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The connection-string options of the MongoDB driver on the class path, read from the driver's own
 * list ({@code ConnectionString.ALL_KEYS}, lower-case; the driver compares names
 * case-insensitively), so a driver upgrade brings its new options without a change here.
 *
 * <p>The driver keeps those lists private. Should they ever be unreadable (a driver that renamed
 * them, or a module path that does not open the package), every option passes through and the
 * driver itself warns about the ones it does not know; {@link #fromDriver()} tells which.
 */
final class DriverOptions {

  private static final @Nullable Set<String> ALL = read("ALL_KEYS");

  /**
   * The driver options that carry a credential besides the URI's password, masked in every message:
   * {@code authMechanismProperties} may hold {@code AWS_SESSION_TOKEN:...}, and the proxy password.
   */
  private static final Set<String> CREDENTIALS = Set.of("authmechanismproperties", "proxypassword");

  private DriverOptions() {}

  /** Whether the driver takes an option of this name (any case). */
  static boolean isDriverOption(String name) {
    Set<String> all = ALL;
    return all == null || all.contains(name.toLowerCase(Locale.ROOT));
  }

  /** Whether the option carries a credential and must never be shown. */
  static boolean isCredential(String name) {
    return CREDENTIALS.contains(name.toLowerCase(Locale.ROOT));
  }

  /** Whether the list came from the driver (false: every option passes through). */
  static boolean fromDriver() {
    return ALL != null;
  }

  /** The driver's option names, lower-case; empty when they could not be read. */
  static Set<String> names() {
    Set<String> all = ALL;
    return all == null ? Set.of() : all;
  }

  private static @Nullable Set<String> read(String field) {
    try {
      Field keys = ConnectionString.class.getDeclaredField(field);
      keys.setAccessible(true);
      Set<?> value = (Set<?>) keys.get(null);
      return value.stream()
          .map(name -> ((String) name).toLowerCase(Locale.ROOT))
          .collect(Collectors.toUnmodifiableSet());
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
