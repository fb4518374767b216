package dev.tgsession.cli;

import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.spi.SessionUri;
import dev.tgsession.spi.SharedOptions;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    header = "Forget everything a session holds (sign-out).",
    name = "clear",
    description = {
      "%nForget everything a session holds (sign-out): keys, peers and updates state.",
      "The session is held under a short lease where its backend has leases; one someone else holds is refused (exit 3) unless --force.",
      "A session whose auth keys are encrypted is cleared without its key too (a lost key is no dead end): the sealed keys are removed unread."
    })
final class ClearCommand extends SessionCommand {

  @Parameters(index = "0", paramLabel = "URI", description = "The session to clear.")
  String uri;

  @Option(
      names = "--force",
      description = "Clear even when another owner holds the session's lease (take no lease).")
  boolean force;

  @Override
  public Integer call() throws IOException {
    requireExistingFile(uri);
    if (SessionUri.parse(uri).option(SharedOptions.ENCRYPTION_KEY.name()).isEmpty()) {
      try (Session probe = openReadOnly(uri)) {
        probe.peerCount();
      } catch (IncompatibleSessionException encrypted) {
        // Encrypted, and no key given (it may be lost): clear without reading it.
        Sessions.clear(targetUri(uri, force));
        out()
            .printf(
                "cleared %s: its auth keys were encrypted with a key not given; they were removed"
                    + " unread with everything else, and the session is plain and new%n",
                show(uri));
        return 0;
      }
    }
    long[] counts =
        writeTarget(
            uri,
            force,
            session -> {
              long peers = session.peerCount();
              long keys =
                  session.dcOptions().values().stream().filter(ClearCommand::hasKey).count();
              session.clear();
              return new long[] {keys, peers};
            });
    out()
        .printf(
            "cleared %s: removed %s and %s%n",
            show(uri),
            InfoCommand.plural(counts[0], "auth key"),
            InfoCommand.plural(counts[1], "peer"));
    return 0;
  }

  private static boolean hasKey(DcOption option) {
    return option.authKey() != null;
  }
}
