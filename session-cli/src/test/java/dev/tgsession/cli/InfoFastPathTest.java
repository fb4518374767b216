package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tgsession info URI} without picocli prints what the command prints through picocli. */
@DisplayName("info on its fast path (no picocli)")
class InfoFastPathTest {

  @TempDir Path dir;

  @Test
  @DisplayName("prints the same output, messages and exit code as through picocli")
  void sameAsThroughPicocli() throws Exception {
    SessionFiles.requireSqlite();
    String session = "sqlite:" + SessionFiles.sample(dir, "s.session");
    Files.writeString(dir.resolve("empty.session"), "");
    for (String uri :
        List.of(
            session,
            "memory:",
            "sqlite:" + dir.resolve("missing.session"),
            "sqlite:" + dir.resolve("empty.session"),
            session + "?busy-timeout=abc",
            "nosuch:x",
            "postgresql://u:p@ss/w?rd@127.0.0.1/db",
            "not a uri")) {
      Cli.Result picocli = Cli.run("info", uri);
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();

      int code =
          Tgsession.infoWithoutPicocli(
              uri,
              new Terminal(new ByteArrayInputStream(new byte[0]), false),
              new PrintWriter(out),
              new PrintWriter(err));

      assertThat(code).as("%s", picocli).isEqualTo(picocli.exitCode());
      assertThat(out.toString()).as("%s", picocli).isEqualTo(picocli.out());
      assertThat(err.toString()).as("%s", picocli).isEqualTo(picocli.err());
    }
  }
}
