package dev.tgsession.cli;

import dev.tgsession.SessionLeasedException;
import dev.tgsession.support.QuotedValue;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
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

  @Option(
      names = {"-V", "--version"},
      versionHelp = true,
      description = "Show the version, git commit, Java version and backends, and exit.")
  boolean version;

  private final Terminal terminal;
  private final List<String> secrets = new ArrayList<>();
  private final List<String> internalOptions = new ArrayList<>();

  Tgsession(Terminal terminal) {
    this.terminal = terminal;
  }

  /**
   * The subcommands, in the order help lists them. Each is made only when needed: picocli reads a
   * command's annotations when it is added, which is most of the start-up time of a short run.
   */
  private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("schemes", SchemesCommand::new);
    COMMANDS.put("info", InfoCommand::new);
    COMMANDS.put("peers", PeersCommand::new);
    COMMANDS.put("copy", CopyCommand::new);
    COMMANDS.put("import", ImportCommand::new);
    COMMANDS.put("export", ExportCommand::new);
    COMMANDS.put("clear", ClearCommand::new);
    COMMANDS.put("rekey", RekeyCommand::new);
    COMMANDS.put("list", ListCommand::new);
    COMMANDS.put("delete", DeleteCommand::new);
    COMMANDS.put("prune", PruneCommand::new);
  }

  /** Runs the command and exits with its code. */
  public static void main(String[] args) {
    if (args.length == 2 && args[0].equals("info") && !args[1].startsWith("-")) {
      System.exit(
          infoWithoutPicocli(
              args[1],
              Terminal.system(),
              new PrintWriter(System.out, false, Charset.defaultCharset()),
              new PrintWriter(System.err, false, Charset.defaultCharset())));
    }
    System.exit(commandLine(Terminal.system(), args).execute(args));
  }

  /**
   * {@code tgsession info URI}, the most common run, without loading picocli (a third of a short
   * run's start-up: its classes are too old for a class-data sharing archive). A failure is
   * reported as through picocli: one line on standard error, exit 1 (3 for a held lease).
   */
  static int infoWithoutPicocli(String uri, Terminal terminal, PrintWriter out, PrintWriter err) {
    InfoCommand info = new InfoCommand();
    info.root = new Tgsession(terminal);
    info.uri = uri;
    info.directOut = out;
    info.directErr = err;
    try {
      return info.call();
    } catch (Exception e) {
      return info.root.failed(e, err, false);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The command with every subcommand, wired to {@code terminal}. */
  static CommandLine commandLine(Terminal terminal) {
    return commandLine(terminal, new String[0]);
  }

  /**
   * The command, wired to {@code terminal}; output goes to the command line's out and err. When
   * {@code args} name a subcommand, only that one is added (the others are not needed to run it);
   * otherwise, for help, usage errors and suggestions, all are.
   */
  static CommandLine commandLine(Terminal terminal, String[] args) {
    // picocli's trace (-Dpicocli.trace) prints every argument as given: string sessions, and keys
    // typed in a URI. --verbose is the command's own trace, redacted.
    CommandLine.tracer().setLevel(CommandLine.TraceLevel.OFF);
    Tgsession root = new Tgsession(terminal);
    CommandLine commandLine = new CommandLine(root);
    String named = null;
    for (String arg : args) {
      if (!arg.startsWith("-")) {
        named = arg;
        break;
      }
    }
    if (named != null && COMMANDS.containsKey(named)) {
      commandLine.addSubcommand(named, COMMANDS.get(named).get());
    } else {
      COMMANDS.forEach((name, command) -> commandLine.addSubcommand(name, command.get()));
    }
    // picocli would read @FILE arguments itself and echo their content (a string session) in its
    // messages; @FILE is tgsession's own, secret, input for a string session (SecretInput).
    commandLine.setExpandAtFiles(false);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setExecutionExceptionHandler(root::failed);
    commandLine.setParameterExceptionHandler(root::misused);
    commandLine.getCommandSpec().versionProvider(new VersionInfo());
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

  /**
   * Remembers an option ({@code name=value} as a URI shows it) the command added to a URI the user
   * gave, such as {@code mode=read-only} or its lease: messages show the URI as the user gave it.
   */
  void internalOption(String name, String value) {
    internalOptions.add(name + "=" + value);
    internalOptions.add(name + "=" + QuotedValue.cut(value));
    internalOptions.add(
        name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
  }

  /** The message without the secrets of this run, and with URIs as the user gave them. */
  String redact(String message) {
    String redacted = message;
    for (String secret : secrets) {
      redacted = redacted.replace(secret, "****");
    }
    for (String option : internalOptions) {
      redacted = redacted.replace("&" + option, "");
      redacted = redacted.replace("?" + option + "&", "?");
      redacted = redacted.replace("?" + option, "");
    }
    return redacted;
  }

  private int failed(Exception e, CommandLine commandLine, ParseResult parseResult) {
    return failed(e, commandLine.getErr(), isVerbose(parseResult));
  }

  /** Prints the failure of a command as one line (and its stack trace when verbose). */
  int failed(Exception e, PrintWriter err, boolean verbose) {
    SessionLeasedException held = leased(e);
    String line =
        held == null
            ? redact(Failures.inCliTerms(Failures.describe(e)))
            : "the session is held by '"
                + QuotedValue.cut(redact(held.holder()))
                + "' until "
                + held.expiresAt()
                + " (its lease, renewed while the holder runs): stop that process, or wait until"
                + " the lease expires if it died, or pass --force to write without a lease";
    err.println("tgsession: " + Failures.valuesCut(line));
    if (verbose) {
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      redact(trace.toString()).lines().map(Failures::valuesCut).forEach(err::println);
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
    err.println("tgsession: " + Failures.valuesCut(Failures.oneLine(message)));
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
