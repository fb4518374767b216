package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command on real files: the README's first run, and a whole round of commands on SQLite. */
@DisplayName("the tgsession command on SQLite files")
class SqliteCommandTest {

  static final Path DEMO_FILE = Path.of("../examples/demo-telethon.session");

  @TempDir Path dir;

  @BeforeEach
  void needsSqlite() {
    Assumptions.assumeTrue(
        Sessions.schemes().contains("sqlite"),
        "the sqlite: backend is not on the test class path (session-sqlite was not installed in"
            + " ~/.m2 when session-cli was built)");
  }

  @Test
  @DisplayName("the README's first command imports Telethon's demo file and shows it")
  void readmeFirstRun() throws IOException {
    String demo = "sqlite:" + dir.resolve("demo.session");
    byte[] before = Files.readAllBytes(DEMO_FILE);

    Cli.Result imported = Cli.run("import", "telethon-file", DEMO_FILE.toString(), demo);
    Cli.Result info = Cli.run("info", demo);

    assertThat(imported.exitCode()).as("%s", imported).isZero();
    assertThat(imported.out())
        .isEqualTo(
            "imported 7 peers from Telethon file "
                + DEMO_FILE
                + " into "
                + demo
                + " (home DC 4)\n");
    assertThat(info.exitCode()).as("%s", info).isZero();
    assertThat(info.out())
        .contains("home DC    4")
        .contains(
            "auth key id " + JsonSessionFormat.keyIdHex(TgsessionCommandTest.DEMO_KEY) + " (home)")
        .containsPattern(
            "encryption (not supported by the sqlite: backend \\(auth keys stored plain\\)"
                + "|none: auth keys stored plain)")
        .contains("lease      none held")
        .contains("peers      7 (4 users, 1 chat, 2 channels: 2 of unknown kind)")
        .contains("updates    pts 4321, qts 12, date 1700000000 (2023-11-14T22:13:20Z), seq 87")
        .contains("channels   2: 1700000001 pts 555, 1700000002 pts 777");
    assertThat(info.out() + info.err() + imported.err())
        .doesNotContain(Samples.hex(TgsessionCommandTest.DEMO_KEY).substring(0, 32));
    assertThat(Files.readAllBytes(DEMO_FILE))
        .as("the Telethon file is only read")
        .isEqualTo(before);
  }

  @Test
  @DisplayName("Telethon's file, imported and exported as a string, gives Telethon's own string")
  void telethonFileToString() throws IOException {
    String demo = "sqlite:" + dir.resolve("demo.session");
    assertThat(Cli.run("import", "telethon-file", DEMO_FILE.toString(), demo).exitCode()).isZero();

    Cli.Result export = Cli.run("export", demo, "--format", "telethon-string");

    assertThat(export.exitCode()).as("%s", export).isZero();
    assertThat(export.out()).isEqualTo(Files.readString(TgsessionCommandTest.DEMO_STRING));
    assertThat(export.err())
        .contains("this export drops 7 peers, the updates state")
        .doesNotContain("warning");
  }

  @Test
  @DisplayName("peers, export, import, copy and clear work on files and keep everything")
  void wholeRound() throws IOException {
    String demo = "sqlite:" + dir.resolve("demo.session");
    String restored = "sqlite:" + dir.resolve("restored.session");
    String copied = "sqlite:" + dir.resolve("copied.session");
    Path json = dir.resolve("demo.json");
    assertThat(Cli.run("import", "telethon-file", DEMO_FILE.toString(), demo).exitCode()).isZero();

    Cli.Result byName = Cli.run("peers", demo, "--username", "TGSESSION_NEWS");
    Cli.Result export = Cli.run("export", demo, "--format", "json", "--out", json.toString());
    Cli.Result restore = Cli.run("import", "json", json.toString(), restored);
    Cli.Result again = Cli.run("export", restored, "--format", "json");
    Cli.Result copy = Cli.run("copy", demo, copied);
    Cli.Result copiedJson = Cli.run("export", copied, "--format", "json");
    Cli.Result clear = Cli.run("clear", demo);
    Cli.Result cleared = Cli.run("info", demo);

    assertThat(byName.out()).contains("-1001700000001 ").contains("@tgsession_news");
    assertThat(export.exitCode()).as("%s", export).isZero();
    assertThat(restore.exitCode()).as("%s", restore).isZero();
    assertThat(again.out()).isEqualTo(Files.readString(json));
    assertThat(copy.out()).startsWith("copied 7 peers from ");
    assertThat(copiedJson.out()).isEqualTo(Files.readString(json));
    assertThat(clear.out()).contains("removed 1 auth key and 7 peers");
    assertThat(cleared.out()).contains("home DC    2").contains("peers      0 ");
  }

  @Test
  @DisplayName("a file that is not a Telethon session fails with one line")
  void notTelethon() throws IOException {
    Path bogus = dir.resolve("bogus.session");
    Files.writeString(bogus, "not sqlite");

    Cli.Result result = Cli.run("import", "telethon-file", bogus.toString(), "memory:");
    Cli.Result missing =
        Cli.run("import", "telethon-file", dir.resolve("none.session").toString(), "memory:");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err().lines()).hasSize(1);
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("found no file");
  }
}
