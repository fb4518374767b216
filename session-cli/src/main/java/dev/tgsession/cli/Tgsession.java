package dev.tgsession.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
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
 * too with {@code --verbose}). Keys and passwords are never printed, except by {@code export},
 * whose output is the credential.
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
      ClearCommand.class
    },
    footer = {
      "",
      "Session URIs (see 'tgsession schemes'):",
      "  memory:  sqlite:FILE  redis://[user:pass@]host:6379/0?session=NAME",
      "  mongodb://[user:pass@]host/db?session=NAME",
      "Exit codes: 0 ok, 1 failure, 2 usage error."
    })
public final class Tgsession implements Runnable {

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
    err.println("tgsession: " + redact(Failures.describe(e)));
    if (isVerbose(parseResult)) {
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      err.print(redact(trace.toString()));
    }
    err.flush();
    return 1;
  }

  private int misused(ParameterException e, String[] args) {
    CommandLine commandLine = e.getCommandLine();
    PrintWriter err = commandLine.getErr();
    for (String arg : args) {
      if (Failures.looksSecret(arg)) {
        secret(arg);
      }
    }
    err.println("tgsession: " + redact(Failures.redactUris(e.getMessage(), args)));
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
