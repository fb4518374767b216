package dev.tgsession.cli;

import dev.tgsession.DcOption;
import dev.tgsession.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    header = "Forget everything a session holds (sign-out).",
    name = "clear",
    description = "Forget everything a session holds (sign-out): keys, peers and updates state.")
final class ClearCommand extends SessionCommand {

  @Parameters(index = "0", paramLabel = "URI", description = "The session to clear.")
  String uri;

  @Override
  public Integer call() {
    try (Session session = openExisting(uri)) {
      long peers = session.peerCount();
      long keys = session.dcOptions().values().stream().filter(option -> hasKey(option)).count();
      session.clear();
      out()
          .printf(
              "cleared %s: removed %d auth key%s and %d peer%s%n",
              show(uri), keys, keys == 1 ? "" : "s", peers, peers == 1 ? "" : "s");
    }
    return 0;
  }

  private static boolean hasKey(DcOption option) {
    return option.authKey() != null;
  }
}
