package dev.tgsession.cli;

import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.spi.SessionUri;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every subcommand shares: its output streams, and opening sessions by URI. */
abstract class SessionCommand implements Callable<Integer> {

  @ParentCommand Tgsession root;

  @Spec CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /**
   * Opens a session the command only reads: a {@code sqlite:} file must exist, so that a typo does
   * not create an empty session and report on it.
   */
  Session openExisting(String uri) {
    SessionUri parsed = parse(uri);
    if (parsed.scheme().equals("sqlite") && !parsed.hierarchical()) {
      Path file = Path.of(parsed.path());
      if (!Files.exists(file)) {
        throw new IllegalArgumentException(
            "expected an existing session file for " + parsed + ", found no file " + file);
      }
    }
    return Sessions.open(uri);
  }

  /** Opens a session the command writes; it is created if the store has no such session. */
  Session openForWriting(String uri) {
    parse(uri);
    return Sessions.open(uri);
  }

  /** The URI as the command shows it: password and secret options masked. */
  String show(String uri) {
    return parse(uri).toString();
  }

  private SessionUri parse(String uri) {
    SessionUri parsed = SessionUri.parse(uri);
    parsed.password().ifPresent(root::secret);
    for (Map.Entry<String, String> option : parsed.options().entrySet()) {
      String name = option.getKey().toLowerCase(Locale.ROOT);
      if (name.contains("password")
          || name.contains("key")
          || name.contains("secret")
          || name.contains("token")) {
        root.secret(option.getValue());
      }
    }
    return parsed;
  }
}
