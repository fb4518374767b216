package dev.tgsession.cli;

import dev.tgsession.Sessions;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.SessionProvider;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;

@Command(
    header = "List the URI schemes (backends) this tgsession can open.",
    name = "schemes",
    description = "List the session URI schemes this tgsession can open, with their capabilities.")
final class SchemesCommand extends SessionCommand {

  @Override
  public Integer call() {
    for (String scheme : Sessions.schemes()) {
      SessionProvider provider = Sessions.provider(scheme);
      Set<String> capabilities = new TreeSet<>();
      for (Capability capability : provider.capabilities()) {
        capabilities.add(capability.name().toLowerCase(Locale.ROOT));
      }
      String durability =
          provider.capabilities().contains(Capability.DURABLE) ? "" : "(in-process, not durable)";
      out()
          .printf(
              Locale.ROOT,
              "%-16s %s%n",
              scheme,
              (String.join(", ", capabilities) + " " + durability).strip());
    }
    return 0;
  }
}
