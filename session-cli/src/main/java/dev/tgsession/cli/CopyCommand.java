package dev.tgsession.cli;

import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.spi.SessionUri;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(
    header = "Copy everything one session holds into another.",
    name = "copy",
    description = {
      "%nCopies everything FROM holds into TO: home DC, DC options with their keys, every peer and the updates state. What TO held and FROM does not have is kept.",
      "Draws a progress bar on stderr in a terminal; prints the count copied."
    })
final class CopyCommand extends SessionCommand {

  @Parameters(index = "0", paramLabel = "FROM", description = "The session to read.")
  String from;

  @Parameters(index = "1", paramLabel = "TO", description = "The session to write.")
  String to;

  @Override
  public Integer call() {
    if (SessionUri.parse(from).equals(SessionUri.parse(to)) && !from.equals("memory:")) {
      throw new ParameterException(
          spec.commandLine(), "expected two different sessions, found " + show(from) + " twice");
    }
    try (Session source = openExisting(from);
        Session target = openForWriting(to)) {
      long copied;
      if (root.terminal().interactive()) {
        CopyProgressBar bar = new CopyProgressBar(err());
        try {
          copied = Sessions.copy(source, target, bar);
        } finally {
          bar.finish();
        }
      } else {
        copied = Sessions.copy(source, target);
      }
      out()
          .printf(
              "copied %s from %s to %s%n",
              InfoCommand.plural(copied, "peer"), show(from), show(to));
    }
    return 0;
  }
}
