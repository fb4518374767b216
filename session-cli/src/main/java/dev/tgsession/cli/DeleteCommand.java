package dev.tgsession.cli;

import dev.tgsession.SessionStore;
import dev.tgsession.SessionSummary;
import dev.tgsession.Sessions;
import dev.tgsession.support.QuotedValue;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    header = "Delete one session from a store.",
    name = "delete",
    description = {
      "%nDelete one session of a store: every key, row, document or file of it, and nothing else."
          + " Asks nothing.",
      "A session whose lease another owner holds is refused (exit 3) unless --force."
          + " Works without the session's encryption key."
    })
final class DeleteCommand extends SessionCommand {

  @Parameters(index = "0", paramLabel = "URI", description = "The store (no session= option).")
  String uri;

  @Parameters(index = "1", paramLabel = "NAME", description = "The session to delete.")
  String name;

  @Option(
      names = "--force",
      description = "Delete even while another owner holds the session's lease.")
  boolean force;

  @Override
  public Integer call() {
    show(uri);
    try (SessionStore store = Sessions.store(uri)) {
      Optional<SessionSummary> summary = store.summary(name);
      boolean deleted = force ? store.forceDelete(name) : store.delete(name);
      if (!deleted) {
        err().printf("no session '%s' in %s: nothing deleted%n", QuotedValue.cut(name), quote(uri));
        return 1;
      }
      out()
          .printf(
              "deleted session '%s' from %s%s%n",
              QuotedValue.cut(name),
              quote(uri),
              summary
                  .map(
                      s ->
                          ": "
                              + InfoCommand.plural(s.peerCount(), "peer")
                              + (s.encryptionFingerprint() == null
                                  ? ""
                                  : ", auth keys encrypted with " + s.encryptionFingerprint()))
                  .orElse(""));
      return 0;
    }
  }
}
