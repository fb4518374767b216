package dev.tgsession.tck.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A class's {@code main} run in a JVM of its own with this JVM's class path, for the crash tests:
 * its standard output is read line by line ({@link #await}), and {@link #kill()} ends it with
 * SIGKILL (kill -9), so nothing of it runs after.
 */
public final class JavaProcess implements AutoCloseable {

  private static final int MAX_LINES = 100_000;

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>(MAX_LINES);

  private JavaProcess(Process process) {
    this.process = process;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  lines.offer(line.length() > 10_000 ? line.substring(0, 10_000) : line);
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "java-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code main} with {@code args}; its standard error goes to this JVM's. */
  public static JavaProcess start(Class<?> main, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    try {
      return new JavaProcess(
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + main.getName(), e);
    }
  }

  /**
   * Waits for the next line of output that matches, skipping the others.
   *
   * @throws IllegalStateException when none came within {@code timeout} or the process ended
   */
  public String await(Predicate<String> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new IllegalStateException(
            "expected a line of output within "
                + timeout
                + ", found none (process "
                + (process.isAlive() ? "running" : "exited with " + process.exitValue())
                + ")");
      }
      if (wanted.test(line)) {
        return line;
      }
    }
  }

  /** Ends the process with SIGKILL and waits until it is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** The process id (for SIGSTOP tests). */
  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  /** How long to wait at most for a line, by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
}
