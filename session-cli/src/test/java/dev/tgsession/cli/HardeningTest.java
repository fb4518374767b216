package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11 for the command: no secret shown, nothing half-done, nothing echoed whole. */
@DisplayName("the tgsession command, given bad input")
class HardeningTest {

  @TempDir Path dir;

  String demo;

  @BeforeEach
  void setUp() throws IOException {
    SessionFiles.requireSqlite();
    demo = TgsessionCommandTest.demoString();
    Cli.secret(demo);
  }

  static void assertSilentAbout(Cli.Result result, String secret) {
    String fragment = secret.substring(10, Math.min(secret.length(), 40));
    assertThat(result.out() + result.err()).as("%s", result).doesNotContain(fragment);
  }

  @Nested
  @DisplayName("never shows a secret")
  class Secrets {

    @Test
    @DisplayName("@FILE is never expanded by picocli: a file's content is never echoed")
    void atFilesNotExpanded() throws IOException {
      Path file = dir.resolve("string.txt");
      Files.writeString(file, "session = " + demo + "\n");
      Path binary = dir.resolve("binary");
      byte[] garbage = new byte[600];
      new Random(11).nextBytes(garbage);
      Files.write(binary, garbage);
      String target = "sqlite:" + dir.resolve("t.session");

      List<Cli.Result> results =
          List.of(
              Cli.run("import", "telethon-string", "@" + file, target, "extra"),
              Cli.run("import", "telethon-string", "@" + file, target),
              Cli.run("info", "@" + file),
              Cli.run("info", "@" + binary),
              Cli.run("import", "gramjs-string", "@" + binary, target));

      for (Cli.Result result : results) {
        assertThat(result.exitCode()).as("%s", result).isIn(1, 2);
        assertSilentAbout(result, demo);
        assertThat(result.err())
            .as("%s", result)
            .doesNotContain("Unmatched arguments from index 4");
        assertThat(result.err().chars().filter(c -> c < 32 && c != '\n' && c != '\t'))
            .as("control characters in %s", result)
            .isEmpty();
      }
      assertThat(results.get(3).err().lines().filter(l -> l.startsWith("tgsession:"))).hasSize(1);
      assertThat(dir.resolve("t.session")).doesNotExist();
    }

    @Test
    @DisplayName(
        "a string session given where a URI belongs is not shown, with or without --verbose")
    void stringSessionAsUri() {
      for (List<String> args :
          List.of(
              List.of("info", demo),
              List.of("info", demo, "--verbose"),
              List.of("peers", demo, "--verbose"),
              List.of("export", demo, "--format", "json", "--verbose"),
              List.of("copy", demo, "memory:", "--verbose"),
              List.of("copy", "memory:", demo),
              List.of("clear", demo, "--verbose"),
              List.of("rekey", demo, "--to-plain", "--verbose"))) {
        Cli.Result result = Cli.run(args.toArray(String[]::new));

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.out()).as("%s", result).isEmpty();
        assertThat(result.err()).as("%s", result).contains("expected a session URI");
        assertSilentAbout(result, demo);
      }
    }

    @Test
    @DisplayName("a password with an unencoded '/' or '@' is never shown")
    void unencodedPasswords() {
      for (String uri :
          List.of(
              "redis://u:Hh4Jj/Kk5Ll@127.0.0.1:1/0?session=x",
              "redis://bob:hunter22@x@127.0.0.1:1/0?session=x",
              "redis://bob:s3cr3t-pa55word?@127.0.0.1:1")) {
        Cli.Result result = Cli.run("info", uri, "--verbose");

        assertThat(result.exitCode()).as("%s", result).isIn(1, 2);
        for (String password : Cli.PASSWORDS) {
          assertThat(result.out() + result.err()).as("%s", result).doesNotContain(password);
        }
      }
    }
  }

  @Nested
  @DisplayName("copy and import are all-or-nothing")
  class AllOrNothing {

    @Test
    @DisplayName("copy from a file whose updates state is damaged creates no target")
    void damagedStateCreatesNothing() {
      Path from = SessionFiles.sample(dir, "from.session");
      SessionFiles.sql(from, "UPDATE update_state SET pts = -1");
      byte[] fromBytes = SessionFiles.bytes(from);
      Path to = dir.resolve("to.session");

      Cli.Result result = Cli.run("copy", "sqlite:" + from, "sqlite:" + to);

      assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
      assertThat(result.out()).isEmpty();
      assertThat(to).doesNotExist();
      SessionFiles.assertNoSideFiles(to);
      SessionFiles.assertUnchanged(from, fromBytes);
    }

    @Test
    @DisplayName(
        "copy from a file with a damaged peer row leaves an existing target byte-identical")
    void damagedPeerLeavesTargetAlone() {
      Path from = SessionFiles.sample(dir, "from.session");
      SessionFiles.sql(from, "UPDATE peer_info SET hash = 'abc' WHERE peer_id = -123456");
      Path to = SessionFiles.sample(dir, "to.session");
      SessionFiles.sql(to, "DELETE FROM peer_info", "PRAGMA journal_mode=DELETE");
      byte[] toBytes = SessionFiles.bytes(to);

      Cli.Result result = Cli.run("copy", "sqlite:" + from, "sqlite:" + to);

      assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
      SessionFiles.assertUnchanged(to, toBytes);
    }

    @Test
    @DisplayName("copy from a store that fails half-way creates no target, changes no existing one")
    void sourceFailingHalfWay() {
      SharedMemoryProvider.reset();
      Samples.fillMany(SharedMemoryProvider.named("big"), 2500);
      Path created = dir.resolve("created.session");
      Path existing = SessionFiles.sample(dir, "existing.session");
      byte[] existingBytes = SessionFiles.bytes(existing);

      Cli.Result fresh = Cli.run("copy", "failing-memory:big", "sqlite:" + created);
      Cli.Result merged = Cli.run("copy", "failing-memory:big", "sqlite:" + existing);
      Cli.Result memory = Cli.run("copy", "failing-memory:big", "shared-memory:target");

      for (Cli.Result result : List.of(fresh, merged, memory)) {
        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.err()).as("%s", result).contains("found a damaged one (test store)");
        assertThat(result.out()).isEmpty();
      }
      assertThat(created).doesNotExist();
      SessionFiles.assertNoSideFiles(created);
      SessionFiles.assertUnchanged(existing, existingBytes);
      assertThat(SharedMemoryProvider.named("target").peerCount()).isZero();
      SharedMemoryProvider.reset();
    }

    @Test
    @DisplayName("import of a truncated JSON export from stdin creates or changes nothing")
    void truncatedJsonFromStdin() throws IOException {
      Path sample = SessionFiles.sample(dir, "sample.session");
      String json = Cli.run("export", "sqlite:" + sample, "--format", "json").out();
      String truncated = json.substring(0, json.lastIndexOf("{\"type\": \"channel\""));
      Path existing = SessionFiles.sample(dir, "existing.session");
      byte[] existingBytes = SessionFiles.bytes(existing);
      Path created = dir.resolve("created.session");

      Cli.Result fresh = Cli.runWithStdin(truncated, "import", "json", "-", "sqlite:" + created);
      Cli.Result merged = Cli.runWithStdin(truncated, "import", "json", "-", "sqlite:" + existing);

      assertThat(fresh.exitCode()).as("%s", fresh).isEqualTo(1);
      assertThat(created).doesNotExist();
      SessionFiles.assertNoSideFiles(created);
      assertThat(merged.exitCode()).as("%s", merged).isEqualTo(1);
      assertThat(merged.err()).as("%s", merged).doesNotContain("merged into it");
      SessionFiles.assertUnchanged(existing, existingBytes);
    }

    @Test
    @DisplayName("the 'merged into it' note comes only after a successful import")
    void mergeNoteAfterSuccess() throws IOException {
      Path existing = SessionFiles.sample(dir, "existing.session");
      Path json = dir.resolve("x.json");
      assertThat(
              Cli.run("export", "sqlite:" + existing, "--format", "json", "--out", json.toString())
                  .exitCode())
          .isZero();

      Cli.Result result = Cli.run("import", "json", json.toString(), "sqlite:" + existing);

      assertThat(result.exitCode()).as("%s", result).isZero();
      assertThat(result.err()).contains("already held 9 peers and auth keys; the import is merged");
    }

    @Test
    @DisplayName("a staged copy larger than memory staging goes through a temporary file and back")
    void stagedInAFile() {
      long limit = StagedSession.memoryLimit;
      StagedSession.memoryLimit = 5;
      try {
        Path from = SessionFiles.sample(dir, "from.session");
        Path to = dir.resolve("to.session");

        Cli.Result result = Cli.run("copy", "sqlite:" + from, "sqlite:" + to);

        assertThat(result.exitCode()).as("%s", result).isZero();
        try (Session a = Sessions.open("sqlite:" + from + "?mode=read-only");
            Session b = Sessions.open("sqlite:" + to + "?mode=read-only")) {
          assertThat(b.snapshot()).isEqualTo(a.snapshot());
        }
      } finally {
        StagedSession.memoryLimit = limit;
      }
    }
  }

  @Nested
  @DisplayName("read-only commands")
  class ReadOnly {

    @Test
    @DisplayName("refuse a missing file in every sqlite URI form and create nothing")
    void missingFile() {
      Path missing = dir.resolve("sub").resolve("m.session");
      for (String uri :
          List.of(
              "sqlite:" + missing, "sqlite://" + missing, "sqlite:" + dir.relativize(missing))) {
        for (List<String> args :
            List.of(
                List.of("info", uri),
                List.of("peers", uri),
                List.of("export", uri, "--format", "json"),
                List.of("copy", uri, "memory:"),
                List.of("clear", uri))) {
          Cli.Result result = Cli.run(args.toArray(String[]::new));

          assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
          assertThat(result.err()).as("%s", result).contains("found no file");
          assertThat(result.out()).isEmpty();
        }
      }
      assertThat(dir.resolve("sub")).doesNotExist();
    }

    @Test
    @DisplayName("never modify a file, never convert it to WAL, leave no side file")
    void neverModify() throws IOException {
      Path file = SessionFiles.sample(dir, "rollback.session");
      SessionFiles.sql(file, "PRAGMA journal_mode=DELETE");
      byte[] before = SessionFiles.bytes(file);
      String uri = "sqlite://" + file;

      for (List<String> args :
          List.of(
              List.of("info", uri),
              List.of("peers", uri),
              List.of("export", uri, "--format", "json"),
              List.of("export", uri, "--format", "telethon-string"),
              List.of("copy", uri, "memory:"))) {
        Cli.Result result = Cli.run(args.toArray(String[]::new));

        assertThat(result.exitCode()).as("%s", result).isZero();
        SessionFiles.assertUnchanged(file, before);
      }
    }

    @Test
    @DisplayName("print nothing on stdout when the store fails half-way through")
    void nothingPartialFromAFailingStore() {
      SharedMemoryProvider.reset();
      Samples.fill(SharedMemoryProvider.named("sample"));

      for (List<String> args :
          List.of(
              List.of("info", "failing-memory:sample"),
              List.of("peers", "failing-memory:sample"),
              List.of("export", "failing-memory:sample", "--format", "json"))) {
        Cli.Result result = Cli.run(args.toArray(String[]::new));

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.out()).as("%s", result).isEmpty();
        assertThat(result.err().lines()).as("%s", result).hasSize(1);
      }
      SharedMemoryProvider.reset();
    }

    @Test
    @DisplayName("print nothing on stdout before failing on a damaged row")
    void nothingPartial() {
      Path file = SessionFiles.sample(dir, "damaged.session");
      SessionFiles.sql(file, "UPDATE peer_info SET hash = 'abc' WHERE peer_id = -123456");
      byte[] before = SessionFiles.bytes(file);
      String uri = "sqlite:" + file;

      for (List<String> args :
          List.of(
              List.of("info", uri),
              List.of("peers", uri),
              List.of("export", uri, "--format", "json"))) {
        Cli.Result result = Cli.run(args.toArray(String[]::new));

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.out()).as("%s", result).isEmpty();
        assertThat(result.err().lines()).as("%s", result).hasSize(1);
        SessionFiles.assertUnchanged(file, before);
      }
    }
  }

  @Nested
  @DisplayName("messages")
  class Messages {

    @Test
    @DisplayName("export --out in a missing directory names the path given, not a temporary file")
    void outInMissingDirectory() {
      Path file = SessionFiles.sample(dir, "s.session");
      Path out = dir.resolve("no-dir").resolve("x.json");

      Cli.Result result =
          Cli.run("export", "sqlite:" + file, "--format", "json", "--out", out.toString());

      assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
      assertThat(result.err()).contains(out.toString()).doesNotContain(".tgsession-");
      assertThat(dir.resolve("no-dir")).doesNotExist();
    }

    @Test
    @DisplayName("a huge input is quoted cut, on one line, never whole")
    void hugeInputsCut() {
      String huge = "x".repeat(200_000);
      Path sample = SessionFiles.sample(dir, "s.session");
      String uri = "sqlite:" + sample;

      for (List<String> args :
          List.of(
              List.of("info", "sqlite:" + huge),
              List.of("info", "sqlite:/" + huge),
              List.of("info", "redis://127.0.0.1:1/0?session=" + huge),
              List.of("info", uri + "?" + huge + "=1"),
              List.of("peers", uri, "--username", huge),
              List.of("peers", uri, "--kind", huge),
              List.of("import", huge, "x", "memory:"),
              List.of("import", "json", huge, "memory:"),
              List.of("import", "telethon-file", huge, "memory:"),
              List.of("import", "telethon-string", "@" + huge, "memory:"),
              List.of("import", "tdata", huge, "memory:"),
              List.of("export", uri, "--format", huge),
              List.of("export", uri, "--format", "json", "--out", huge),
              List.of("export", uri, "--format", "json", "--out", "/" + huge + "/x"),
              List.of("info", uri, "--" + huge),
              List.of("info", uri, huge),
              List.of("rekey", uri, "--to-key", huge),
              List.of(huge))) {
        Cli.Result result = Cli.run(args.toArray(String[]::new));

        assertThat(result.exitCode()).as("%s", result).isIn(1, 2);
        assertThat(result.out().length() + result.err().length())
            .as("output of %s", result)
            .isLessThan(2000);
        assertThat(result.err().lines().filter(line -> line.startsWith("tgsession:")))
            .as("%s", result)
            .hasSize(1);
      }
      assertThat(
              Cli.recorded().stream()
                  .mapToInt(r -> r.out().length() + r.err().length())
                  .max()
                  .orElseThrow())
          .as("the longest output, --verbose stack traces included")
          .isLessThan(30_000);
    }

    @Test
    @DisplayName("a long message keeps its fix whole; only a cause's text quoted back is cut")
    void fixNeverCut() {
      String fix = "; import it with 'tgsession import telethon-file F sqlite:NEW.session'";
      String line =
          Failures.describe(
              new IllegalArgumentException(
                  "expected X, found " + "y".repeat(400) + fix,
                  new java.io.IOException("z".repeat(5000))));

      assertThat(line).startsWith("expected X, found ").contains(fix);
      assertThat(line).contains("z".repeat(Failures.CAUSE_LIMIT) + "...(5000 characters)");
      assertThat(line).doesNotContain("z".repeat(Failures.CAUSE_LIMIT + 1));
      assertThat(Failures.valuesCut("expected X, found " + "q".repeat(5000) + " at F" + fix))
          .isEqualTo("expected X, found " + "q".repeat(64) + "...(5000 characters) at F" + fix);
    }

    @Test
    @DisplayName("a hint names the format the command takes, not the API's class")
    void hintsInCommandTerms() {
      assertThat(
              Failures.inCliTerms(
                  "found a Telethon .session file at f; import it into a new file with 'tgsession"
                      + " import telethon-file f sqlite:NEW.session' (or"
                      + " TelethonSessionFile.read(path) and Sessions.copy)."))
          .endsWith("'tgsession import telethon-file f sqlite:NEW.session'.");
      assertThat(
              Failures.inCliTerms(
                  "(a string starting with '1' is a Telethon or GramJS string session: use"
                      + " TelethonStringSession or GramJsStringSession)"))
          .endsWith("use telethon-string or gramjs-string)");
      assertThat(Failures.inCliTerms("use PyrogramStringSession.read(String), whose"))
          .isEqualTo("use pyrogram-string, whose");
    }

    @Test
    @DisplayName("a string session given to a string import that is not one is not quoted back")
    void notAStringSession() {
      String bytes = new String(new byte[] {1, 2, 3, 'a', '\n', 'b'}, StandardCharsets.ISO_8859_1);

      Cli.Result result = Cli.runWithStdin(bytes, "import", "telethon-string", "-", "memory:");

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err().lines()).hasSize(1);
    }
  }
}
