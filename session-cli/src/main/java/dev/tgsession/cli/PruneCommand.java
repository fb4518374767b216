package dev.tgsession.cli;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    header = "Remove peers not cached for a while.",
    name = "prune",
    description = {
      "%nRemove the peers last cached longer ago than --older-than (never the self user),"
          + " releasing their usernames and phones; DC options and the updates state stay.",
      "The session is held under a short lease where its backend has leases; one someone else"
          + " holds is refused (exit 3) unless --force."
    })
final class PruneCommand extends SessionCommand {

  private static final Pattern AGE = Pattern.compile("([0-9]{1,9})([smhdw])");

  @Parameters(index = "0", paramLabel = "URI", description = "The session to prune.")
  String uri;

  @Option(
      names = "--older-than",
      required = true,
      paramLabel = "AGE",
      description = "How long ago a peer was last cached to be removed: 90d, 12h, 30m, 2w, 45s.")
  String olderThan;

  @Option(
      names = "--force",
      description = "Prune even when another owner holds the session's lease (take no lease).")
  boolean force;

  @Override
  public Integer call() throws IOException {
    Duration age = age(olderThan);
    requireExistingFile(uri);
    Instant before = Instant.now().minus(age);
    long removed = writeTarget(uri, force, session -> session.prunePeers(before));
    out()
        .printf(
            "pruned %s: removed %s last cached before %s%n",
            show(uri), InfoCommand.plural(removed, "peer"), before);
    return 0;
  }

  static Duration age(String text) {
    Matcher m = AGE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected --older-than as a number and a unit (s, m, h, d or w), e.g. 90d, found '"
              + dev.tgsession.support.QuotedValue.cut(text)
              + "'");
    }
    long n = Long.parseLong(m.group(1));
    Duration age =
        switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          case "d" -> Duration.ofDays(n);
          default -> Duration.ofDays(7 * n);
        };
    if (age.isZero()) {
      throw new IllegalArgumentException(
          "expected --older-than greater than zero, found '" + text.trim() + "'");
    }
    return age;
  }
}
