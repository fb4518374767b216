package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.KnownDcs;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.interop.MtcuteStringSession;
import dev.tgsession.interop.TelegramDesktopData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import mtcute-string}, {@code import tdata}, {@code export --format mtcute-string}, on the
 * fixtures real writers made (session-interop/src/test/resources/interop, see fixtures/interop).
 */
@DisplayName("tgsession import/export of mtcute strings and Telegram Desktop tdata")
class InteropCommandTest {

  static final Path INTEROP = Path.of("../session-interop/src/test/resources/interop");
  static final Path TDATA = INTEROP.resolve("tdata");
  static final String PASSCODE = "correct horse battery staple";

  @TempDir Path dir;

  private final List<Cli.Result> results = new ArrayList<>();
  private final List<String> secrets = new ArrayList<>();
  private String mtcute;

  @BeforeEach
  void readFixtures() throws IOException {
    SharedMemoryProvider.reset();
    // session-cli has Jackson's streaming API only: the manifests' few fields are read by pattern.
    mtcute = Files.readString(INTEROP.resolve("mtcute-strings.json"));
    String tdata = Files.readString(INTEROP.resolve("tdata.json"));
    Matcher keys = Pattern.compile("\"keyHex\": \"([0-9a-f]{512})\"").matcher(mtcute + tdata);
    while (keys.find()) {
      String hex = keys.group(1);
      byte[] key = HexFormat.of().parseHex(hex);
      Cli.secretKey(key);
      secrets.add(hex.substring(0, 32));
      secrets.add(hex.substring(hex.length() - 32));
      secrets.add(Base64.getEncoder().encodeToString(key).substring(8, 48));
      secrets.add(Base64.getUrlEncoder().encodeToString(key).substring(8, 48));
    }
    assertThat(secrets).hasSizeGreaterThan(4 * 20);
    secrets.add(PASSCODE);
    Cli.secret(PASSCODE);
  }

  @AfterEach
  void noSecretPrinted() {
    for (Cli.Result result : results) {
      for (String secret : secrets) {
        assertThat(result.err()).as("stderr of %s", result).doesNotContain(secret);
        if (!result.err().contains("carries the home DC")) {
          assertThat(result.out()).as("stdout of %s", result).doesNotContain(secret);
        }
      }
    }
    SharedMemoryProvider.reset();
  }

  private Cli.Result run(String... args) {
    Cli.Result result = Cli.run(args);
    results.add(result);
    return result;
  }

  private Cli.Result runWithStdin(String stdin, String... args) {
    Cli.Result result = Cli.runWithStdin(stdin, args);
    results.add(result);
    return result;
  }

  private String mtcuteString(String name) {
    Matcher matcher =
        Pattern.compile("\"name\": \"" + Pattern.quote(name) + "\",\\s*\"string\": \"([^\"]+)\"")
            .matcher(mtcute);
    if (!matcher.find()) {
      throw new AssertionError("no fixture " + name);
    }
    return matcher.group(1);
  }

  @Nested
  @DisplayName("mtcute strings")
  class Mtcute {
    @Test
    @DisplayName("import brings the home key and the self user and names the media DC it drops")
    void importString() {
      String text = mtcuteString("pyrogram-user-dc4-separate-media");

      Cli.Result result = runWithStdin(text, "import", "mtcute-string", "-", "shared-memory:m");

      assertThat(result.exitCode()).as("%s", result).isZero();
      assertThat(result.out()).contains("into shared-memory:m (home DC 4)");
      assertThat(result.err())
          .contains("note: the mtcute string names a separate media DC (DC 4 at 149.154.167.255");
      Session session = SharedMemoryProvider.named("m");
      SessionData expected = MtcuteStringSession.decode(text);
      assertThat(session.homeDcId()).isEqualTo(4);
      assertThat(session.dcOption(4)).contains(expected.dcOptions().get(4));
      assertThat(session.peer(PeerId.selfUser()))
          .contains(new PeerInfo.User(5550100001L, null, false, true, null, null));
    }

    @Test
    @DisplayName("a test-server string points to the test DCs on both families, and says so")
    void testServers() {
      Cli.Result result =
          runWithStdin(
              mtcuteString("test-dc2-ipv6"), "import", "mtcute-string", "-", "shared-memory:t");

      assertThat(result.exitCode()).as("%s", result).isZero();
      assertThat(result.err()).contains("note: the string is of Telegram's test servers (DC 2)");
      var home = SharedMemoryProvider.named("t").dcOption(2).orElseThrow();
      assertThat(home.ipv4().getAddress()).isEqualTo(KnownDcs.test().get(2).ipv4().getAddress());
      assertThat(home.ipv6().getAddress()).isEqualTo(KnownDcs.test().get(2).ipv6().getAddress());
    }

    @Test
    @DisplayName("export gives back mtcute's own string, and says what it drops")
    void exportIdentical() throws IOException {
      String text = mtcuteString("telethon-ipv4-dc2");
      Path file = dir.resolve("mtcute.string");
      Files.writeString(file, text + "\n");
      assertThat(run("import", "mtcute-string", "@" + file, "shared-memory:e").exitCode()).isZero();

      Cli.Result export = run("export", "shared-memory:e", "--format", "mtcute-string");

      assertThat(export.exitCode()).as("%s", export).isZero();
      assertThat(export.out().strip()).isEqualTo(text);
      assertThat(export.err())
          .contains("note: mtcute-string carries the home DC's address (its IPv4 address")
          .contains("and auth key, its media DC's address, test mode,")
          .contains("nothing is lost");
    }

    @Test
    @DisplayName("export of a session with a self user carries it: mtcute reads what we wrote")
    void exportSelf() {
      String text = mtcuteString("test-dc3-ipv4-bot");
      assertThat(runWithStdin(text, "import", "mtcute-string", "-", "shared-memory:b").exitCode())
          .isZero();

      Cli.Result export = run("export", "shared-memory:b", "--format", "mtcute-string");

      assertThat(export.exitCode()).as("%s", export).isZero();
      MtcuteStringSession.Contents back = MtcuteStringSession.read(export.out().strip());
      assertThat(back.self()).isEqualTo(new PeerInfo.User(42, null, true, true, null, null));
      assertThat(back.testMode()).isTrue();
      assertThat(back.session()).isEqualTo(MtcuteStringSession.decode(text));
    }
  }

  @Nested
  @DisplayName("tdata folders")
  class Tdata {
    @Test
    @DisplayName("a folder of one account imports without --account")
    void oneAccount() {
      Cli.Result result =
          run("import", "tdata", TDATA.resolve("one-account").toString(), "shared-memory:one");

      assertThat(result.exitCode()).as("%s", result).isZero();
      assertThat(result.out())
          .contains("imported account 1 (user 5550100021, home DC 2, auth keys for DCs [2])");
      SessionData expected = TelegramDesktopData.read(TDATA.resolve("one-account"), null).get(0);
      assertThat(SharedMemoryProvider.named("one").snapshot()).isEqualTo(expected);
    }

    @Test
    @DisplayName("several accounts need --account N or --all; nothing is written before")
    void chooseAccount() {
      String folder = TDATA.resolve("two-accounts").toString();

      Cli.Result neither = run("import", "tdata", folder, "shared-memory:x");
      Cli.Result both =
          run("import", "tdata", folder, "shared-memory:x", "--all", "--account", "1");
      Cli.Result noTemplate = run("import", "tdata", folder, "shared-memory:x", "--all");
      Cli.Result tooHigh = run("import", "tdata", folder, "shared-memory:x", "--account", "3");
      Cli.Result notTdata = run("import", "json", "-", "shared-memory:x", "--account", "1");

      assertThat(neither.exitCode()).isEqualTo(1);
      assertThat(neither.err())
          .contains("expected --account N or --all for a folder of 2 accounts, found neither")
          .contains("1: user 5550100001, home DC 2 (active); 2: user 1099511627775, home DC 4");
      assertThat(both.exitCode()).isEqualTo(2);
      assertThat(noTemplate.exitCode()).isEqualTo(2);
      assertThat(noTemplate.err()).contains("expected TO to hold {n} with --all");
      assertThat(tooHigh.exitCode()).isEqualTo(1);
      assertThat(tooHigh.err()).contains("expected --account 1..2, found 3");
      assertThat(notTdata.exitCode()).isEqualTo(2);
      assertThat(notTdata.err()).contains("only with the tdata format");
      assertThat(SharedMemoryProvider.named("x").snapshot()).isEqualTo(SessionData.empty());
    }

    @Test
    @DisplayName("--account 2 imports the second account only, with every DC key it holds")
    void secondAccount() {
      Cli.Result result =
          run(
              "import",
              "tdata",
              TDATA.resolve("two-accounts").toString(),
              "shared-memory:second",
              "--account",
              "2");

      assertThat(result.exitCode()).as("%s", result).isZero();
      assertThat(result.out())
          .contains(
              "imported account 2 (user 1099511627775, home DC 4, auth keys for DCs [1, 4, 5])");
      Session session = SharedMemoryProvider.named("second");
      assertThat(session.homeDcId()).isEqualTo(4);
      assertThat(session.dcOption(3).orElseThrow().authKey()).isNull(); // "to destroy": not read
      assertThat(session.dcOption(5).orElseThrow().authKey()).isNotNull();
    }

    @Test
    @DisplayName("--all with a URI template and --passcode-file imports every account")
    void allWithPasscode() throws IOException {
      Path passcode = dir.resolve("passcode.txt");
      Files.writeString(passcode, PASSCODE + "\n", StandardCharsets.UTF_8);
      String folder = TDATA.resolve("passcode-three-accounts").toString();

      Cli.Result result =
          run(
              "import",
              "tdata",
              folder,
              "shared-memory:acct-{n}",
              "--all",
              "--passcode-file",
              passcode.toString());

      assertThat(result.exitCode()).as("%s", result).isZero();
      List<SessionData> expected =
          TelegramDesktopData.read(Path.of(folder), PASSCODE.toCharArray());
      for (int n = 1; n <= 3; n++) {
        assertThat(result.out()).contains("imported account " + n + " (");
        assertThat(SharedMemoryProvider.named("acct-" + n).snapshot())
            .isEqualTo(expected.get(n - 1));
      }
    }

    @Test
    @DisplayName("a wrong or missing passcode fails saying so, and writes nothing")
    void wrongPasscode() throws IOException {
      String folder = TDATA.resolve("passcode-three-accounts").toString();

      Cli.Result wrong =
          runWithStdin(
              "correct horse battery stable\n",
              "import",
              "tdata",
              folder,
              "shared-memory:w-{n}",
              "--all",
              "--passcode-file",
              "-");
      Cli.Result missing = run("import", "tdata", folder, "shared-memory:w-{n}", "--all");

      assertThat(wrong.exitCode()).isEqualTo(1);
      assertThat(wrong.err())
          .contains("tgsession: Telegram Desktop tdata: the local passcode given is wrong")
          .doesNotContain("stable");
      assertThat(missing.exitCode()).isEqualTo(1);
      assertThat(missing.err()).contains("found a folder locked with one");
      assertThat(SharedMemoryProvider.named("w-1").snapshot()).isEqualTo(SessionData.empty());
    }

    @Test
    @DisplayName("a damaged folder fails naming the file, and writes nothing")
    void damaged() throws IOException {
      Path copy = dir.resolve("tdata");
      Files.createDirectories(copy);
      Path source = TDATA.resolve("two-accounts");
      try (var files = Files.list(source)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          Files.copy(file, copy.resolve(file.getFileName().toString()));
        }
      }
      // the second account's file: account 1 is intact, yet nothing may be written
      Path second = copy.resolve("A7FDF864FBC10B77s");
      byte[] bytes = Files.readAllBytes(second);
      bytes[bytes.length / 2] ^= 1;
      Files.write(second, bytes);

      Cli.Result result = run("import", "tdata", copy.toString(), "shared-memory:d-{n}", "--all");

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err()).contains("A7FDF864FBC10B77s is damaged: expected an MD5");
      assertThat(SharedMemoryProvider.named("d-1").snapshot()).isEqualTo(SessionData.empty());
    }

    @Test
    @DisplayName("export --format tdata writes a folder Telegram Desktop's layout, read back equal")
    void exportTdata() throws IOException {
      Path folder = TDATA.resolve("two-accounts");
      assertThat(
              run("import", "tdata", folder.toString(), "shared-memory:src", "--account", "2")
                  .exitCode())
          .isZero();
      Path passcode = dir.resolve("passcode.txt");
      Files.writeString(passcode, PASSCODE + "\r\n", StandardCharsets.UTF_8);

      Cli.Result plain =
          run(
              "export",
              "shared-memory:src",
              "--format",
              "tdata",
              "--out",
              dir.resolve("p").toString());
      Cli.Result locked =
          run(
              "export",
              "shared-memory:src",
              "--format",
              "tdata",
              "--out",
              dir.resolve("l").toString(),
              "--passcode-file",
              passcode.toString());
      Cli.Result again =
          run(
              "export",
              "shared-memory:src",
              "--format",
              "tdata",
              "--out",
              dir.resolve("p").toString());

      SessionData expected = TelegramDesktopData.read(folder, null).get(1);
      assertThat(plain.exitCode()).as("%s", plain).isZero();
      assertThat(plain.err())
          .contains("note: tdata carries the home DC, the auth keys (here of DCs [1, 4, 5])")
          .contains("wrote a Telegram Desktop tdata folder to");
      assertThat(plain.out()).isEmpty();
      assertThat(TelegramDesktopData.read(dir.resolve("p"), null)).containsExactly(expected);
      assertThat(locked.exitCode()).as("%s", locked).isZero();
      assertThat(locked.err()).contains("locked with the local passcode");
      assertThat(TelegramDesktopData.read(dir.resolve("l"), PASSCODE.toCharArray()))
          .containsExactly(expected);
      assertThat(again.exitCode()).isEqualTo(1);
      assertThat(again.err()).contains("tgsession never overwrites a tdata folder");
    }

    @Test
    @DisplayName("export --format tdata needs --out; --passcode-file goes with tdata only")
    void exportUsage() {
      Cli.Result noOut = run("export", "shared-memory:x", "--format", "tdata");
      Cli.Result stray =
          run("export", "shared-memory:x", "--format", "json", "--passcode-file", "p.txt");

      assertThat(noOut.exitCode()).isEqualTo(2);
      assertThat(noOut.err()).contains("expected --out DIR with --format tdata");
      assertThat(stray.exitCode()).isEqualTo(2);
      assertThat(stray.err()).contains("expected --passcode-file only with --format tdata");
    }
  }
}
