package dev.tgsession.cli;

import dev.tgsession.Session;
import dev.tgsession.spi.SessionUri;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(
    header = "Copy everything one session holds into another.",
    name = "copy",
    description = {
      "%nCopies everything FROM holds into TO: home DC, DC options with their keys, every peer and the updates state. What TO held and FROM does not have is kept.",
      "FROM is read whole (and so checked) before TO is opened: a damaged FROM leaves TO unchanged, or not created. FROM is only read.",
      "TO is held under a short lease where its backend has leases; a TO someone else holds is refused (exit 3) unless --force.",
      "Draws a progress bar on stderr in a terminal; prints the count copied."
    })
final class CopyCommand extends SessionCommand {

  @Parameters(index = "0", paramLabel = "FROM", description = "The session to read.")
  String from;

  @Parameters(index = "1", paramLabel = "TO", description = "The session to write.")
  String to;

  @Option(
      names = "--force",
      description = "Write TO even when another owner holds its lease (take no lease).")
  boolean force;

  @Override
  public Integer call() throws IOException {
    if (SessionUri.parse(from).equals(SessionUri.parse(to)) && !from.equals("memory:")) {
      throw new ParameterException(
          spec.commandLine(), "expected two different sessions, found " + quote(from) + " twice");
    }
    try (StagedSession staged = stage()) {
      long copied =
          writeTarget(
              to,
              force,
              target -> {
                if (!root.terminal().interactive()) {
                  return staged.writeTo(target, (done, total) -> {});
                }
                CopyProgressBar bar = new CopyProgressBar(err());
                try {
                  return staged.writeTo(target, bar);
                } finally {
                  bar.finish();
                }
              });
      out()
          .printf(
              "copied %s from %s to %s%n",
              InfoCommand.plural(copied, "peer"), show(from), show(to));
    }
    return 0;
  }

  private StagedSession stage() throws IOException {
    try (Session source = openReadOnly(from)) {
      return StagedSession.of(source);
    }
  }
}
