package dev.tgsession.tck.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A {@code redis-server} process a test owns: on a free loopback port, in a temporary directory of
 * its own, ready to answer when {@link #start} returns. Fault tests {@link #kill()} and {@link
 * #restart()} it.
 */
public final class RedisServerProcess implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final int port;
  private final Path dir;
  private final List<String> command;
  private @Nullable Process process;

  private RedisServerProcess(int port, Path dir, List<String> command) {
    this.port = port;
    this.dir = dir;
    this.command = command;
  }

  /**
   * Starts {@code redis-server} from the {@code PATH}. The defaults ({@code --save "" --appendonly
   * no}, bound to 127.0.0.1) come first, so {@code extraArgs} override them.
   *
   * @throws IllegalStateException if there is no {@code redis-server} or it does not get ready
   */
  public static RedisServerProcess start(String... extraArgs) {
    Path binary =
        Binaries.find("redis-server")
            .orElseThrow(() -> new IllegalStateException("no redis-server on the PATH"));
    try {
      Path dir = Files.createTempDirectory("tgsession-redis-");
      int port = Binaries.freePort();
      List<String> command = new ArrayList<>();
      command.addAll(
          List.of(
              binary.toString(),
              "--port",
              Integer.toString(port),
              "--bind",
              "127.0.0.1",
              "--dir",
              dir.toString(),
              "--logfile",
              dir.resolve("redis.log").toString(),
              "--daemonize",
              "no",
              "--save",
              "",
              "--appendonly",
              "no"));
      command.addAll(List.of(extraArgs));
      RedisServerProcess server = new RedisServerProcess(port, dir, List.copyOf(command));
      server.launch();
      Binaries.stopAtExit(server);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start redis-server", e);
    }
  }

  /** The loopback port the server listens on. */
  public int port() {
    return port;
  }

  /** The server's directory (its log, its append-only file). */
  public Path dir() {
    return dir;
  }

  /** {@code redis://127.0.0.1:PORT/0}. */
  public String uri() {
    return "redis://127.0.0.1:" + port + "/0";
  }

  /** Whether the process is running (not killed, closed or exited). */
  public synchronized boolean isRunning() {
    Process running = process;
    return running != null && running.isAlive();
  }

  /** Kills the server with SIGKILL, as a crash would, and waits for it to be gone. */
  public synchronized void kill() {
    Process running = process;
    if (running != null) {
      running.destroyForcibly();
      waitFor(running);
      process = null;
    }
  }

  /** Starts the server again with the same port, directory and arguments; waits until ready. */
  public synchronized void restart() {
    kill();
    launch();
  }

  /** Stops the server and deletes its directory. */
  @Override
  public synchronized void close() {
    Process running = process;
    if (running != null) {
      running.destroy();
      waitFor(running);
      process = null;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is not worth failing a test for
    }
  }

  private synchronized void launch() {
    try {
      Process started =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("stdout.log").toFile())
              .start();
      process = started;
      long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
      while (true) {
        if (!started.isAlive()) {
          throw new IllegalStateException(
              "redis-server exited with " + started.exitValue() + "; log: " + tail());
        }
        try {
          String reply = Resp.command(port, "PING");
          if (reply.equals("+PONG") || reply.startsWith("-NOAUTH")) {
            return;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "redis-server on port "
                  + port
                  + " not ready after "
                  + READY_TIMEOUT
                  + "; log: "
                  + tail());
        }
        Thread.sleep(20);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting redis-server", e);
    }
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("redis.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static void waitFor(Process process) {
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
