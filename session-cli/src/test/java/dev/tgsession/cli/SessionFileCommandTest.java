package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.Sessions;
import dev.tgsession.interop.PyrogramSessionFile;
import dev.tgsession.interop.TelethonSessionFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code import} and {@code export} of other libraries' session files, {@code import auto}, and
 * what {@code export --out} writes. The files are the real libraries' (fixtures/interop).
 */
@DisplayName("session files, import auto and export --out")
class SessionFileCommandTest {

  static final Path FILES = Path.of("../fixtures/interop/session-files");
  static final Path STRINGS = Path.of("../session-interop/src/test/resources/interop");

  @TempDir Path dir;

  static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private Path copy(String name) throws IOException {
    Path copy = dir.resolve(name);
    Files.copy(FILES.resolve(name), copy);
    return copy;
  }

  @Nested
  @DisplayName("import of a session file")
  class Import {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
      "telethon-file, telethon-v7-ipv4.session, 10",
      "telethon-file, telethon-v4.session, 0",
      "pyrogram-file, pyrogram-v3.session, 9",
      "kurigram-file, kurigram-v6.session, 9",
    })
    @DisplayName("imports every peer and lists on stderr what the session does not keep")
    void imports(String format, String name, int peers) throws IOException {
      Path file = copy(name);
      String before = sha256(file);
      String target = "sqlite:" + dir.resolve("t.session");

      Cli.Result result = Cli.run("import", format, file.toString(), target);

      assertThat(result.exitCode()).as("%s", result).isZero();
      assertThat(result.out()).contains("imported " + peers + " peer");
      if (name.equals("telethon-v4.session")) {
        assertThat(result.err()).contains("dropped: 10 entities: Telethon's upgrade");
      } else if (format.equals("telethon-file")) {
        assertThat(result.err()).contains("dropped: takeout_id").contains("sent_files");
      } else {
        assertThat(result.err()).contains("dropped: api_id 611335");
      }
      try (Session session = Sessions.open(target)) {
        assertThat(session.peerCount()).isEqualTo(peers);
        assertThat(session.dcOption(2).orElseThrow().authKey()).isNotNull();
      }
      assertThat(sha256(file)).as("the file is only read").isEqualTo(before);
    }

    @Test
    @DisplayName("Telethon 8's tmp_auth_key becomes the home DC's temporary key, said on stderr")
    void temporaryKey() throws IOException {
      SharedMemoryProvider.reset();
      Path file = copy("telethon-v8-tmp-key.session");

      Cli.Result result = Cli.run("import", "telethon-file", file.toString(), "shared-memory:t8");

      assertThat(result.exitCode()).as("%s", result).isZero();
      assertThat(result.err()).contains("tmp_auth_key").contains("assumed valid for 24 hours");
      try (Session session = Sessions.open("shared-memory:t8")) {
        assertThat(session.tempAuthKey(2, false)).isPresent();
        assertThat(session.tempAuthKey(2, true)).isEmpty();
      }
    }

    @Test
    @DisplayName("an IPv6 Telethon file on port 5222 is exported as IPv6 on port 5222")
    void ipv6Kept() throws IOException {
      SharedMemoryProvider.reset();
      Path out = dir.resolve("out.session");
      Cli.run(
          "import",
          "telethon-file",
          copy("telethon-v7-ipv6.session").toString(),
          "shared-memory:t6");

      Cli.Result export =
          Cli.run(
              "export", "shared-memory:t6", "--format", "telethon-file", "--out", out.toString());

      assertThat(export.exitCode()).as("%s", export).isZero();
      SessionData back = TelethonSessionFile.read(out);
      assertThat(back.homeDcFamily()).isEqualTo(dev.tgsession.AddressFamily.IPV6);
      assertThat(back.dcOptions().get(2).ipv6().getPort()).isEqualTo(5222);
    }

    @Test
    @DisplayName("a damaged Pyrogram file is refused naming table, row and value; nothing written")
    void damaged() throws Exception {
      Path file = copy("pyrogram-v3.session");
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement s = c.createStatement()) {
        s.execute("UPDATE peers SET type = 'group' WHERE id = 1234567");
      }
      String before = sha256(file);
      Path target = dir.resolve("t.session");

      Cli.Result result = Cli.run("import", "pyrogram-file", file.toString(), "sqlite:" + target);

      assertThat(result.exitCode()).isNotZero();
      assertThat(result.err())
          .contains("table peers")
          .contains("row id = 1234567")
          .contains("type group with a user id");
      assertThat(sha256(file)).isEqualTo(before);
      assertThat(target).doesNotExist();
    }
  }

  @Nested
  @DisplayName("export to a session file")
  class Export {

    private String imported(String format, String name) throws IOException {
      String target = "sqlite:" + dir.resolve("src.session");
      assertThat(Cli.run("import", format, FILES.resolve(name).toString(), target).exitCode())
          .isZero();
      return target;
    }

    @Test
    @DisplayName("telethon-file is version 7 by default, 8 with --telethon-version 8")
    void telethonVersions() throws IOException {
      String source = imported("telethon-file", "telethon-v7-ipv4.session");
      Path v7 = dir.resolve("v7.session");
      Path v8 = dir.resolve("v8.session");

      Cli.Result seven =
          Cli.run("export", source, "--format", "telethon-file", "--out", v7.toString());
      Cli.Result eight =
          Cli.run(
              "export",
              source,
              "--format",
              "telethon-file",
              "--telethon-version",
              "8",
              "--out",
              v8.toString());

      assertThat(seven.exitCode()).as("%s", seven).isZero();
      assertThat(eight.exitCode()).as("%s", eight).isZero();
      assertThat(TelethonSessionFile.readContents(v7).version()).isEqualTo(7);
      assertThat(TelethonSessionFile.readContents(v8).version()).isEqualTo(8);
      SessionData original = TelethonSessionFile.read(FILES.resolve("telethon-v7-ipv4.session"));
      assertThat(TelethonSessionFile.read(v7).peers().keySet())
          .isEqualTo(original.peers().keySet());
      assertThat(seven.err()).contains("this export drops");
    }

    @Test
    @DisplayName("kurigram-file keeps every username, the self user and the updates state")
    void kurigram() throws IOException {
      String source = imported("kurigram-file", "kurigram-v6.session");
      Path out = dir.resolve("k.session");

      Cli.Result result =
          Cli.run(
              "export",
              source,
              "--format",
              "kurigram-file",
              "--api-id",
              "611335",
              "--out",
              out.toString());

      assertThat(result.exitCode()).as("%s", result).isZero();
      PyrogramSessionFile.Contents back = PyrogramSessionFile.read(out);
      assertThat(back.apiId()).isEqualTo(611335);
      assertThat(back.session().peers().get(PeerId.channel(1987654321L)).usernames())
          .containsExactly("talkers", "talkers_alt");
      assertThat(((PeerInfo.User) back.session().peers().get(PeerId.user(777000111))).isSelf())
          .isTrue();
      assertThat(back.session().updatesState().channels()).hasSize(2);
    }

    @Test
    @DisplayName("a session file needs --out; --telethon-version only with telethon-file")
    void usage() throws IOException {
      String source = imported("telethon-file", "telethon-v7-ipv4.session");

      Cli.Result noOut = Cli.run("export", source, "--format", "pyrogram-file");
      Cli.Result stray =
          Cli.run(
              "export",
              source,
              "--format",
              "kurigram-file",
              "--telethon-version",
              "8",
              "--out",
              dir.resolve("x").toString());
      Cli.Result nine =
          Cli.run(
              "export",
              source,
              "--format",
              "telethon-file",
              "--telethon-version",
              "9",
              "--out",
              dir.resolve("y").toString());

      assertThat(noOut.exitCode()).isEqualTo(2);
      assertThat(noOut.err()).contains("expected --out FILE with --format pyrogram-file");
      assertThat(stray.exitCode()).isEqualTo(2);
      assertThat(nine.exitCode()).isEqualTo(2);
      assertThat(nine.err()).contains("expected --telethon-version 7 or 8, found 9");
      assertThat(dir.resolve("x")).doesNotExist();
      assertThat(dir.resolve("y")).doesNotExist();
    }
  }

  @Nested
  @DisplayName("export --out")
  class Out {

    private String withKey() throws IOException {
      String target = "sqlite:" + dir.resolve("src.session");
      Cli.run(
          "import", "telethon-file", FILES.resolve("telethon-v7-ipv4.session").toString(), target);
      return target;
    }

    @Test
    @DisplayName("writes exactly the string, without a line break; standard output ends with one")
    void noNewline() throws IOException {
      String source = withKey();
      Path out = dir.resolve("s.txt");

      Cli.Result toFile =
          Cli.run("export", source, "--format", "telethon-string", "--out", out.toString());
      Cli.Result toStdout = Cli.run("export", source, "--format", "telethon-string");

      assertThat(toFile.exitCode()).isZero();
      String written = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(written).doesNotEndWith("\n").startsWith("1").hasSize(353);
      assertThat(toStdout.out()).isEqualTo(written + "\n");
    }

    @Test
    @DisplayName("an existing target is refused and left as it was, unless --force")
    void existing() throws IOException {
      String source = withKey();
      Path out = Files.writeString(dir.resolve("s.txt"), "keep me");

      Cli.Result refused =
          Cli.run("export", source, "--format", "telethon-string", "--out", out.toString());
      assertThat(refused.exitCode()).isNotZero();
      assertThat(refused.err()).contains("found an existing").contains("--force");
      assertThat(Files.readString(out)).isEqualTo("keep me");

      Cli.Result forced =
          Cli.run(
              "export", source, "--format", "telethon-string", "--out", out.toString(), "--force");
      assertThat(forced.exitCode()).isZero();
      assertThat(Files.readString(out)).startsWith("1").hasSize(353);
    }

    @Test
    @DisplayName("an existing session-file target is refused too, and replaced with --force")
    void existingSessionFile() throws IOException {
      String source = withKey();
      Path out = Files.writeString(dir.resolve("t.session"), "keep me");

      Cli.Result refused =
          Cli.run("export", source, "--format", "telethon-file", "--out", out.toString());
      Cli.Result forced =
          Cli.run(
              "export", source, "--format", "telethon-file", "--out", out.toString(), "--force");

      assertThat(refused.exitCode()).isNotZero();
      assertThat(forced.exitCode()).as("%s", forced).isZero();
      assertThat(TelethonSessionFile.read(out).peers()).hasSize(10);
    }
  }

  @Nested
  @DisplayName("import auto")
  class Auto {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
      "telethon-v6.session, a Telethon .session file",
      "pyrogram-v3.session, a Pyrogram .session file",
      "kurigram-v6.session, a Kurigram/Pyrofork .session file",
    })
    @DisplayName("detects a session file by its tables and says what it found")
    void files(String name, String said) throws IOException {
      Cli.Result result =
          Cli.run("import", "auto", copy(name).toString(), "sqlite:" + dir.resolve("t.session"));

      assertThat(result.exitCode()).as("%s", result).isZero();
      assertThat(result.err()).startsWith("found " + said);
    }

    @Test
    @DisplayName("detects a grammers/tgsession file, a tdata folder and a JSON export")
    void others() throws IOException {
      String source = "sqlite:" + dir.resolve("ours.session");
      Cli.run("import", "kurigram-file", FILES.resolve("kurigram-v6.session").toString(), source);
      Path json = dir.resolve("e.json");
      Cli.run("export", source, "--format", "json", "--out", json.toString());

      Cli.Result grammers =
          Cli.run("import", "auto", dir.resolve("ours.session").toString(), "memory:");
      Cli.Result tdata =
          Cli.run("import", "auto", STRINGS.resolve("tdata/one-account").toString(), "memory:");
      Cli.Result document = Cli.run("import", "auto", json.toString(), "memory:");

      assertThat(grammers.err()).as("%s", grammers).startsWith("found a grammers/tgsession");
      assertThat(grammers.out()).contains("imported 9 peers");
      assertThat(tdata.err()).as("%s", tdata).startsWith("found a Telegram Desktop tdata folder");
      assertThat(tdata.exitCode()).isZero();
      assertThat(document.err()).as("%s", document).startsWith("found a JSON document");
      assertThat(document.exitCode()).isZero();
    }

    @Test
    @DisplayName("detects each kind of string session, from a file, standard input or itself")
    void strings() throws IOException {
      String source = "sqlite:" + dir.resolve("s.session");
      Cli.run("import", "kurigram-file", FILES.resolve("kurigram-v6.session").toString(), source);
      for (String format :
          new String[] {"telethon-string", "gramjs-string", "mtcute-string", "pyrogram-string"}) {
        Path out = dir.resolve(format + ".txt");
        Cli.Result export =
            "pyrogram-string".equals(format)
                ? Cli.run(
                    "export", source, "--format", format, "--api-id", "5", "--out", out.toString())
                : Cli.run("export", source, "--format", format, "--out", out.toString());
        assertThat(export.exitCode()).as("%s", export).isZero();
        String text = Files.readString(out);

        Cli.Result fromFile = Cli.run("import", "auto", "@" + out, "memory:");
        Cli.Result fromStdin = Cli.runWithStdin(text, "import", "auto", "-", "memory:");
        Cli.Result itself = Cli.run("import", "auto", text, "memory:");

        for (Cli.Result result : new Cli.Result[] {fromFile, fromStdin, itself}) {
          assertThat(result.exitCode()).as("%s", result).isZero();
          assertThat(result.err()).startsWith("found a " + format);
        }
      }
    }

    @Test
    @DisplayName("a file with the tables of two kinds is refused, naming both; nothing written")
    void ambiguous() throws Exception {
      Path file = copy("telethon-v7-ipv4.session");
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE peers (id INTEGER PRIMARY KEY, username TEXT)");
      } catch (SQLException e) {
        throw new AssertionError(e);
      }
      Path target = dir.resolve("t.session");

      Cli.Result result = Cli.run("import", "auto", file.toString(), "sqlite:" + target);

      assertThat(result.exitCode()).isNotZero();
      assertThat(result.err()).contains("several: [telethon, pyrogram]");
      assertThat(target).doesNotExist();
    }

    @Test
    @DisplayName("something that is no kind of session is refused without quoting it")
    void nothing() {
      Cli.Result result = Cli.run("import", "auto", "not-a-session-at-all", "memory:");

      assertThat(result.exitCode()).isNotZero();
      assertThat(result.err()).contains("none of them").doesNotContain("not-a-session-at-all");
    }
  }
}
