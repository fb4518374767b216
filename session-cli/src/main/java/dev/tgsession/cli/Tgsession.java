package dev.tgsession.cli;

import dev.tgsession.SessionLeasedException;
import dev.tgsession.support.QuotedValue;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code tgsession} command: inspects, copies, imports, exports and clears sessions of any
 * backend on the class path.
 *
 * <p>Exit codes: 0 success, 2 usage error, 1 failure (one line on standard error; the stack trace
 * too with {@code --verbose}), 3 the session is held by another owner (its lease). Keys and
 * passwords are never printed, except by {@code export}, whose output is the credential.
 */
@Command(
    name = "tgsession",
    description = "Inspect, copy, import and export Telegram client sessions.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
      SchemesCommand.class,
      InfoCommand.class,
      PeersCommand.class,
      CopyCommand.class,
      ImportCommand.class,
      ExportCommand.class,
      ClearCommand.class,
      RekeyCommand.class,
      ListCommand.class,
      DeleteCommand.class,
      PruneCommand.class
    },
    footer = {
      "",
      "Session URIs (see 'tgsession schemes'):",
      "  memory:  sqlite:FILE  redis://[user:pass@]host:6379/0?session=NAME",
      "  mongodb://[user:pass@]host/db?session=NAME",
      "  postgresql://[user:pass@]host/db?session=NAME",
      "Exit codes: 0 ok, 1 failure, 2 usage error,",
      "  3 the session is held by another owner (its lease; --force overrides)."
    })
public final class Tgsession implements Runnable {

  /** The exit code of a failure. */
  static final int FAILED = 1;

  /** The exit code of a write refused because another owner holds the session's lease. */
  static final int HELD = 3;

  /** The most characters of one message line: values in it are cut already; this is the bound. */
  static final int MESSAGE_LIMIT = 300;

  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      scope = ScopeType.INHERIT,
      description = "Show this help and exit.")
  boolean help;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "On failure, print the stack trace too.")
  boolean verbose;

  private final Terminal terminal;
  private final List<String> secrets = new ArrayList<>();

  Tgsession(Terminal terminal) {
    this.terminal = terminal;
  }

  /** Runs the command and exits with its code. */
  public static void main(String[] args) {
    System.exit(commandLine(Terminal.system()).execute(args));
  }

  /** The command, wired to {@code terminal}; output goes to the command line's out and err. */
  static CommandLine commandLine(Terminal terminal) {
    Tgsession root = new Tgsession(terminal);
    CommandLine commandLine = new CommandLine(root);
    // picocli would read @FILE arguments itself and echo their content (a string session) in its
    // messages; @FILE is tgsession's own, secret, input for a string session (SecretInput).
    commandLine.setExpandAtFiles(false);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setExecutionExceptionHandler(root::failed);
    commandLine.setParameterExceptionHandler(root::misused);
    return commandLine;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "expected a command");
  }

  Terminal terminal() {
    return terminal;
  }

  /** Remembers a value that must not appear in any message this run prints. */
  void secret(String value) {
    if (value.length() >= 4) {
      secrets.add(value);
    }
  }

  String redact(String message) {
    String redacted = message;
    for (String secret : secrets) {
      redacted = redacted.replace(secret, "****");
    }
    return redacted;
  }

  private int failed(Exception e, CommandLine commandLine, ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    SessionLeasedException held = leased(e);
    String line =
        held == null
            ? redact(Failures.describe(e))
            : "the session is held by '"
                + QuotedValue.cut(redact(held.holder()))
                + "' until "
                + held.expiresAt()
                + " (its lease, renewed while the holder runs): stop that process, or wait until"
                + " the lease expires if it died, or pass --force to write without a lease";
    err.println("tgsession: " + Failures.bounded(line));
    if (isVerbose(parseResult)) {
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      redact(trace.toString()).lines().forEach(traced -> err.println(Failures.bounded(traced)));
    }
    err.flush();
    return held != null ? HELD : FAILED;
  }

  private static @Nullable SessionLeasedException leased(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof SessionLeasedException leased) {
        return leased;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return null;
  }

  private int misused(ParameterException e, String[] args) {
    CommandLine commandLine = e.getCommandLine();
    PrintWriter err = commandLine.getErr();
    for (String arg : args) {
      if (Failures.looksSecret(arg)) {
        secret(arg);
      }
    }
    String message = Failures.quoteArguments(redact(String.valueOf(e.getMessage())), args);
    err.println("tgsession: " + Failures.bounded(Failures.oneLine(message)));
    if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
      err.println(
          "Try '"
              + commandLine.getCommandSpec().qualifiedName()
              + " --help' for more information.");
    }
    err.flush();
    return commandLine.getCommandSpec().exitCodeOnInvalidInput();
  }

  private static boolean isVerbose(ParseResult parseResult) {
    for (ParseResult result = parseResult; result != null; result = result.subcommand()) {
      if (result.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
