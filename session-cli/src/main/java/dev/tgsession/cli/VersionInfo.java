package dev.tgsession.cli;

import dev.tgsession.Sessions;
import dev.tgsession.spi.SessionProvider;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine.IVersionProvider;

/**
 * What {@code tgsession --version} prints: the library version and the git commit it was built from
 * (written by the build into {@code version.properties}), the Java runtime, and the backends on the
 * class path with their modules.
 */
final class VersionInfo implements IVersionProvider {

  @Override
  public String[] getVersion() {
    Properties build = new Properties();
    try (InputStream in = VersionInfo.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        build.load(in);
      }
    } catch (IOException e) {
      // Unknown values are printed as such.
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        "tgsession "
            + build.getProperty("version", "(version unknown)")
            + " (git commit "
            + build.getProperty("commit", "unknown").strip()
            + ")");
    lines.add(
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ", "
            + System.getProperty("java.home")
            + ")");
    lines.add("backends on the class path:");
    for (Map.Entry<String, TreeSet<String>> backend : backends().entrySet()) {
      lines.add(
          String.format("  %-17s %s", backend.getKey(), String.join(", ", backend.getValue())));
    }
    return lines.toArray(String[]::new);
  }

  /** Each backend's module (or provider class, for a third party's), and its schemes. */
  static Map<String, TreeSet<String>> backends() {
    Map<String, TreeSet<String>> modules = new TreeMap<>();
    for (String scheme : Sessions.schemes()) {
      SessionProvider provider = Sessions.provider(scheme);
      modules.computeIfAbsent(module(provider.getClass()), m -> new TreeSet<>()).add(scheme);
    }
    return modules;
  }

  /**
   * {@code dev.tgsession.redis.RedisProvider} is in session-redis; {@code dev.tgsession} in api.
   */
  static String module(Class<?> provider) {
    String pkg = provider.getPackageName();
    if (pkg.equals("dev.tgsession")) {
      return "session-api";
    }
    if (pkg.startsWith("dev.tgsession.") && pkg.indexOf('.', "dev.tgsession.".length()) < 0) {
      return "session-" + pkg.substring("dev.tgsession.".length());
    }
    return provider.getName();
  }
}
