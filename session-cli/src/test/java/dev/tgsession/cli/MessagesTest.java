package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 26, items 2 and 3: what the command says, in the user's terms, and --version. */
@DisplayName("tgsession's messages speak the user's language")
class MessagesTest {

  @TempDir Path dir;

  @Test
  @DisplayName("a Telethon file opened as sqlite: gets the whole import command, never cut")
  void telethonFileFix() {
    SessionFiles.requireSqlite();
    Path telethon = Path.of("../examples/demo-telethon.session").toAbsolutePath().normalize();

    Cli.Result result = Cli.run("info", "sqlite:" + telethon);

    assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
    assertThat(result.err())
        .contains("'tgsession import telethon-file " + telethon + " sqlite:NEW.session'")
        .doesNotContain("TelethonSessionFile")
        .doesNotContain("characters cut");
  }

  @Test
  @DisplayName("a hint names the CLI format (pyrogram-string), not the Java class")
  void formatNamesNotClasses() {
    // A Pyrogram string's length given to the Telethon importer: the hint names the format.
    String pyrogramLength = "A".repeat(362);

    Cli.Result result = Cli.run("import", "telethon-string", pyrogramLength, "memory:");

    assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
    assertThat(result.err()).contains("pyrogram-string").doesNotContain("StringSession");
  }

  @Test
  @DisplayName("a URI in a message is the URI given: no mode=read-only, lease= or owner= added")
  void urisAsGiven() {
    SessionFiles.requireSqlite();
    String uri = "sqlite:" + SessionFiles.sample(dir, "s.session") + "?busy-timeout=abc";

    for (List<String> args :
        List.of(
            List.of("info", uri),
            List.of("peers", uri),
            List.of("clear", uri),
            List.of("copy", "memory:", uri),
            List.of("--verbose", "info", uri),
            List.of("--verbose", "clear", uri))) {
      Cli.Result result = Cli.run(args.toArray(String[]::new));

      assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
      assertThat(result.err())
          .as("%s", result)
          .contains("in " + uri)
          .doesNotContain("mode=")
          .doesNotContain("lease=")
          .doesNotContain("owner=");
    }
  }

  @Test
  @DisplayName("a user without a password is shown as given, not masked")
  void userAsGiven() {
    Cli.Result result = Cli.run("info", "postgresql://tguser@127.0.0.1:1/db?bogus=1");

    assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
    assertThat(result.err()).contains("postgresql://tguser@127.0.0.1:1/db").doesNotContain("****");
  }

  @Test
  @DisplayName("a password with '@' before '/' or '?' is never shown; the fix is to percent-encode")
  void atInPassword() {
    Cli.secret("ss/w?rd");
    Cli.secret("ncuser:p");
    for (String uri :
        List.of(
            "postgresql://ncuser:p@ss/w?rd@127.0.0.1/db",
            "redis://ncuser:p@ss/w?rd@127.0.0.1:6379/0",
            "redis://ncuser:p@ss?w@rd@127.0.0.1:6379/0")) {
      for (String command : List.of("info", "clear")) {
        Cli.Result result = Cli.run(command, uri);

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.err())
            .as("%s", result)
            .contains("percent-encode '@'")
            .doesNotContain("ncuser")
            .doesNotContain("unknown option");
      }
    }
  }

  @Test
  @DisplayName("--version names the version, the commit, the Java runtime and each backend module")
  void version() {
    Cli.Result result = Cli.run("--version");

    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(result.out())
        .containsPattern(
            "tgsession \\d+\\.\\d+\\.\\d+\\S* \\(git commit ([0-9a-f]{7,}\\S*|unknown)\\)")
        .contains("Java " + System.getProperty("java.version"))
        .containsPattern("session-sqlite +sqlite\n")
        .containsPattern("session-redis +redis, redis-cluster, rediss, rediss-cluster\n")
        .containsPattern("session-postgres +postgres, postgresql\n")
        .containsPattern("session-mongo +mongodb, mongodb\\+srv\n")
        .containsPattern("session-api +memory\n");
  }
}
