package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.Sessions;
import dev.tgsession.spi.SessionOption;
import dev.tgsession.spi.SessionProvider;
import dev.tgsession.spi.SharedOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 20 item 1: the option tables of the docs match the declarations. Every option a backend
 * declares is named on its page, with its default where it has one; the shared options are named in
 * the README.
 */
@DisplayName("the docs' option tables match what each provider declares")
class OptionTablesTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private static final Map<String, String> PAGES =
      Map.of(
          "sqlite", "docs/sqlite.md",
          "redis", "docs/redis.md",
          "mongodb", "docs/mongodb.md",
          "postgresql", "docs/postgres.md");

  @Test
  @DisplayName("every declared option is on its backend's page, with its default")
  void backendPages() throws Exception {
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, String> page : PAGES.entrySet()) {
      SessionProvider provider = Sessions.provider(page.getKey());
      String text = Files.readString(ROOT.resolve(page.getValue()));
      for (SessionOption<?> option : provider.options()) {
        if (!text.contains("`" + option.name())) {
          missing.add(page.getValue() + " does not name option `" + option.name() + "`");
        } else if (option.defaultValue() != null
            && !option.secret()
            && !SharedOptions.SESSION.name().equals(option.name())
            && !text.contains(option.defaultValue())) {
          missing.add(
              page.getValue()
                  + " does not give the default '"
                  + option.defaultValue()
                  + "' of option `"
                  + option.name()
                  + "`");
        }
      }
    }
    assertThat(missing).isEmpty();
  }

  @Test
  @DisplayName("the README names every shared option")
  void readme() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    for (SessionOption<?> option :
        List.of(
            SharedOptions.PEER_CACHE,
            SharedOptions.PEER_CACHE_TTL,
            SharedOptions.LEASE,
            SharedOptions.OWNER,
            SharedOptions.ENCRYPTION_KEY)) {
      assertThat(readme).as(option.name()).contains("`" + option.name() + "`");
    }
  }
}
