package dev.tgsession.micrometer;

import java.util.Locale;

/** OpenTelemetry's {@code db.system.name} of a backend's URI scheme. */
final class DbSystem {

  private DbSystem() {}

  /**
   * The well-known value of OpenTelemetry's registry for the schemes tgsession ships; the scheme
   * itself for any other backend (OpenTelemetry asks for a custom value when none applies).
   */
  static String name(String scheme) {
    return switch (scheme.toLowerCase(Locale.ROOT)) {
      case "sqlite" -> "sqlite";
      case "redis", "rediss", "redis-cluster", "rediss-cluster" -> "redis";
      case "mongodb", "mongodb+srv" -> "mongodb";
      case "postgresql", "postgres" -> "postgresql";
      default -> scheme;
    };
  }
}
