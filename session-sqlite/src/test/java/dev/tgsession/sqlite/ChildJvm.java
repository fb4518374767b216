package dev.tgsession.sqlite;

import java.util.ArrayList;
import java.util.List;

/** A main class of these tests, run in a second JVM on this JVM's java and class path. */
final class ChildJvm {

  private ChildJvm() {}

  /** A builder that runs {@code main} with {@code args}; the caller sets its redirects. */
  static ProcessBuilder of(Class<?> main, String... args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }
}
