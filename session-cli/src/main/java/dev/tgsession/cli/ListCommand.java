package dev.tgsession.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tgsession.SessionStore;
import dev.tgsession.SessionSummary;
import dev.tgsession.Sessions;
import dev.tgsession.support.QuotedValue;
import java.io.IOException;
import java.util.Iterator;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    header = "List the sessions a store holds.",
    name = "list",
    description = {
      "%nList the sessions a store holds, in name order: one line each (name, home DC, self user,"
          + " peers, last write, lease, encryption), the total on stderr.",
      "The URI names the store without session= (for sqlite:, a directory of *.session files)."
    })
final class ListCommand extends SessionCommand {

  /** Sessions between two progress lines on stderr once listing takes longer than a second. */
  private static final int PROGRESS_EVERY = 1000;

  @Parameters(index = "0", paramLabel = "URI", description = "The store (no session= option).")
  String uri;

  @Option(
      names = "--prefix",
      paramLabel = "P",
      description = "Only sessions whose names start with P (case-sensitive).")
  String prefix = "";

  @Option(names = "--limit", paramLabel = "N", description = "At most N sessions (default: all).")
  long limit = Long.MAX_VALUE;

  @Option(names = "--json", description = "One JSON array of summaries instead of lines.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (limit < 1) {
      throw new IllegalArgumentException("expected --limit of at least 1, found " + limit);
    }
    show(uri); // registers the URI's secrets with the output filter
    long listed = 0;
    long started = System.nanoTime();
    boolean progress = false;
    try (SessionStore store = Sessions.store(uri);
        Stream<SessionSummary> all = store.list(prefix)) {
      Iterator<SessionSummary> summaries = all.limit(limit).iterator();
      JsonGenerator generator = json ? new JsonFactory().createGenerator(out()) : null;
      if (generator != null) {
        generator.useDefaultPrettyPrinter();
        generator.writeStartArray();
      }
      while (summaries.hasNext()) {
        SessionSummary summary = summaries.next();
        if (generator != null) {
          write(summary, generator);
        } else {
          out().println(line(summary));
        }
        listed++;
        if (listed % PROGRESS_EVERY == 0 && System.nanoTime() - started > 1_000_000_000L) {
          err().printf("\rlisted %d sessions ...", listed);
          err().flush();
          progress = true;
        }
      }
      if (generator != null) {
        generator.writeEndArray();
        generator.flush();
        out().println();
      }
    }
    out().flush();
    if (progress) {
      err().print("\r");
    }
    err()
        .printf(
            "%s in %s%s%n",
            InfoCommand.plural(listed, "session"),
            quote(uri),
            prefix.isEmpty() ? "" : " with prefix '" + QuotedValue.cut(prefix) + "'");
    return 0;
  }

  static String line(SessionSummary summary) {
    StringBuilder line = new StringBuilder(summary.name());
    line.append("  dc=").append(summary.homeDcId());
    line.append("  self=").append(summary.selfUserId() == null ? "-" : summary.selfUserId());
    line.append("  peers=").append(summary.peerCount());
    line.append("  updated=").append(summary.updatedAt() == null ? "-" : summary.updatedAt());
    line.append("  lease=")
        .append(
            summary
                .lease()
                .map(l -> "'" + QuotedValue.cut(l.owner()) + "' until " + l.expiresAt())
                .orElse("-"));
    line.append("  encryption=")
        .append(summary.encryptionFingerprint() == null ? "-" : summary.encryptionFingerprint());
    return line.toString();
  }

  private static void write(SessionSummary summary, JsonGenerator out) throws IOException {
    out.writeStartObject();
    out.writeStringField("name", summary.name());
    out.writeNumberField("homeDcId", summary.homeDcId());
    if (summary.selfUserId() == null) {
      out.writeNullField("selfUserId");
    } else {
      out.writeNumberField("selfUserId", summary.selfUserId());
    }
    out.writeNumberField("peerCount", summary.peerCount());
    if (summary.updatedAt() == null) {
      out.writeNullField("updatedAt");
    } else {
      out.writeStringField("updatedAt", summary.updatedAt().toString());
    }
    if (summary.lease().isPresent()) {
      out.writeObjectFieldStart("lease");
      out.writeStringField("owner", summary.lease().get().owner());
      out.writeStringField("expiresAt", summary.lease().get().expiresAt().toString());
      out.writeEndObject();
    } else {
      out.writeNullField("lease");
    }
    if (summary.encryptionFingerprint() == null) {
      out.writeNullField("encryptionFingerprint");
    } else {
      out.writeStringField("encryptionFingerprint", summary.encryptionFingerprint());
    }
    out.writeEndObject();
  }
}
