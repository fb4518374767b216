package dev.tgsession.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs the real command in this JVM, as the shell would, with its output captured. */
final class Cli {

  /** What one run did. */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Cli() {}

  static Result run(String... args) {
    return run(new Terminal(InputStream.nullInputStream(), false), args);
  }

  static Result runWithStdin(String stdin, String... args) {
    return run(
        new Terminal(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false),
        args);
  }

  static Result runInTerminal(String... args) {
    return run(new Terminal(InputStream.nullInputStream(), true), args);
  }

  static Result run(Terminal terminal, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Tgsession.commandLine(terminal);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }
}
