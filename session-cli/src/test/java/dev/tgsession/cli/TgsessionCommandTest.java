package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.AuthKey;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.Sessions;
import dev.tgsession.UpdatesState;
import dev.tgsession.interop.GramJsStringSession;
import dev.tgsession.interop.PyrogramStringSession;
import dev.tgsession.interop.TelethonStringSession;
import dev.tgsession.spi.Capability;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("the tgsession command")
class TgsessionCommandTest {

  static final String SAMPLE = "shared-memory:sample";
  static final String EMPTY = "shared-memory:empty";
  static final Path DEMO_STRING = Path.of("../examples/demo-telethon.string");
  static final AuthKey DEMO_KEY =
      AuthKey.of(
          "tgsession demo auth key - FAKE, opens no account. "
              .repeat(6)
              .substring(0, 256)
              .getBytes(StandardCharsets.US_ASCII));

  @TempDir Path dir;

  /** Every run's output, checked for secrets after each test. */
  private final List<Cli.Result> results = new ArrayList<>();

  /** Texts no output may show (an export's own stdout excepted). */
  private final List<String> secrets = new ArrayList<>();

  @BeforeEach
  void fillSample() {
    SharedMemoryProvider.reset();
    Samples.fill(SharedMemoryProvider.named("sample"));
    for (AuthKey key : List.of(Samples.HOME_KEY, Samples.DC2_KEY, Samples.DC7_KEY, DEMO_KEY)) {
      String hex = Samples.hex(key);
      secrets.add(hex.substring(0, 32));
      secrets.add(hex.substring(hex.length() - 32));
      secrets.add(Base64.getEncoder().encodeToString(key.bytes()).substring(8, 48));
      secrets.add(Base64.getUrlEncoder().encodeToString(key.bytes()).substring(8, 48));
    }
  }

  @AfterEach
  void noSecretPrinted() {
    for (Cli.Result result : results) {
      for (String secret : secrets) {
        assertThat(result.err()).as("stderr of %s", result).doesNotContain(secret);
        if (!result.out().contains("\"format\": \"tgsession-export/1\"")
            && !exportedString(result)) {
          assertThat(result.out()).as("stdout of %s", result).doesNotContain(secret);
        }
      }
    }
    SharedMemoryProvider.reset();
  }

  private static boolean exportedString(Cli.Result result) {
    return result.err().contains("carries the home DC");
  }

  Cli.Result run(String... args) {
    return record(Cli.run(args));
  }

  Cli.Result runWithStdin(String stdin, String... args) {
    return record(Cli.runWithStdin(stdin, args));
  }

  Cli.Result runInTerminal(String... args) {
    return record(Cli.runInTerminal(args));
  }

  private Cli.Result record(Cli.Result result) {
    results.add(result);
    return result;
  }

  static Session shared(String name) {
    return SharedMemoryProvider.named(name);
  }

  static String demoString() throws IOException {
    return Files.readString(DEMO_STRING).strip();
  }

  @Nested
  @DisplayName("used wrongly")
  class Usage {

    @Test
    @DisplayName("without a command exits 2 and shows the commands")
    void noCommand() {
      Cli.Result result = run();

      assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
      assertThat(result.err()).contains("expected a command");
      assertThat(result.out()).isEmpty();
    }

    @Test
    @DisplayName("--help lists every command and exits 0")
    void help() {
      Cli.Result result = run("--help");

      assertThat(result.exitCode()).isZero();
      assertThat(result.out())
          .contains("schemes", "info", "peers", "copy", "import", "export", "clear", "rekey")
          .contains("3 the session is held by another owner");
    }

    @Test
    @DisplayName("with an unknown command, option or value exits 2 with one message")
    void unknownThings() {
      assertThat(run("frobnicate").exitCode()).isEqualTo(2);
      assertThat(run("info").exitCode()).isEqualTo(2);
      assertThat(run("info", SAMPLE, "--colour").exitCode()).isEqualTo(2);
      Cli.Result kind = run("peers", SAMPLE, "--kind", "robot");
      assertThat(kind.exitCode()).isEqualTo(2);
      assertThat(kind.err()).contains("robot");
      Cli.Result limit = run("peers", SAMPLE, "--limit", "-1");
      assertThat(limit.exitCode()).isEqualTo(2);
      assertThat(limit.err()).contains("expected --limit to be 0 or more, found -1");
      Cli.Result format = run("import", "telegram-desktop", "x", EMPTY);
      assertThat(format.exitCode()).isEqualTo(2);
      assertThat(format.err())
          .contains(
              "expected one of [telethon-string, telethon-file, pyrogram-string, pyrogram-file,"
                  + " kurigram-file, gramjs-string, json, mtcute-string, tdata, auto], found"
                  + " 'telegram-desktop'");
    }

    @Test
    @DisplayName("never echoes a string session or a password it did not understand")
    void usageErrorsHideSecrets() throws IOException {
      String stringSession = demoString();
      Cli.Result extra = run("info", SAMPLE, stringSession);
      Cli.Result uri = run("info", SAMPLE, "redis://bot:hunter22@127.0.0.1:1/0?session=x");

      assertThat(extra.exitCode()).isEqualTo(2);
      assertThat(extra.err()).doesNotContain(stringSession.substring(10, 50)).contains("****");
      assertThat(uri.exitCode()).isEqualTo(2);
      assertThat(uri.err()).doesNotContain("hunter22").contains("bot:****@");
    }
  }

  @Nested
  @DisplayName("failing")
  class Failing {

    @Test
    @DisplayName("exits 1 with one line on stderr and no stack trace")
    void oneLine() {
      Cli.Result result = run("info", "nosuchscheme:x");

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err().lines())
          .containsExactly(result.err().lines().findFirst().orElseThrow());
      assertThat(result.err())
          .startsWith("tgsession: no session provider for scheme 'nosuchscheme'")
          .doesNotContain("\tat ");
    }

    @Test
    @DisplayName("prints the stack trace with --verbose")
    void verbose() {
      Cli.Result result = run("info", "nosuchscheme:x", "--verbose");

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err()).contains("\tat ").contains("SessionException");
    }

    @Test
    @DisplayName("on a sqlite file that does not exist, rather than creating an empty session")
    void missingSqliteFile() {
      Path missing = dir.resolve("typo.session");

      Cli.Result result = run("info", "sqlite:" + missing);

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err()).contains("found no file " + missing);
      assertThat(missing).doesNotExist();
    }

    @Test
    @DisplayName("to reach a store says so in one line, without the URI's password")
    void unreachableStore() {
      org.junit.jupiter.api.Assumptions.assumeTrue(
          dev.tgsession.Sessions.schemes().contains("redis"),
          "session-redis not on the class path");
      String uri = "redis://bot:hunter22@127.0.0.1:1/0?session=x";

      Cli.Result info = run("info", uri);
      Cli.Result copy = run("copy", SAMPLE, uri, "--verbose");

      assertThat(info.exitCode()).as("%s", info).isEqualTo(1);
      assertThat(info.err().lines()).hasSize(1);
      assertThat(info.err()).startsWith("tgsession: ").doesNotContain("hunter22");
      assertThat(copy.exitCode()).as("%s", copy).isEqualTo(1);
      assertThat(copy.err()).contains("\tat ").doesNotContain("hunter22");
    }

    @Test
    @DisplayName("shows a URI's password as ****")
    void passwordMasked() {
      Cli.Result result = run("info", "nosuchscheme://me:hunter22@localhost/?session=x");

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err()).doesNotContain("hunter22");
    }
  }

  @Nested
  @DisplayName("schemes")
  class Schemes {

    @Test
    @DisplayName("lists every backend on the class path with exactly the capabilities it declares")
    void lists() {
      Cli.Result result = run("schemes");

      assertThat(result.exitCode()).isZero();
      List<String> lines = result.out().lines().toList();
      assertThat(lines).hasSize(Sessions.schemes().size());
      for (String scheme : Sessions.schemes()) {
        String declared =
            Sessions.capabilities(scheme).stream()
                .map(capability -> capability.name().toLowerCase(java.util.Locale.ROOT))
                .sorted()
                .collect(java.util.stream.Collectors.joining(", "));
        boolean durable = Sessions.capabilities(scheme).contains(Capability.DURABLE);
        assertThat(lines)
            .as("the line of %s", scheme)
            .anyMatch(
                line ->
                    line.matches(
                        java.util.regex.Pattern.quote(scheme)
                            + "\\s+"
                            + java.util.regex.Pattern.quote(declared)
                            + (durable ? "" : "\\s*\\(in-process, not durable\\)")));
      }
      assertThat(lines)
          .anyMatch(line -> line.startsWith("memory ") && line.contains("not durable"));
    }
  }

  @Nested
  @DisplayName("info")
  class Info {

    @Test
    @DisplayName("shows home DC, each DC with its key id, the self user, peer counts and state")
    void showsEverythingButKeys() {
      Cli.Result result = run("info", SAMPLE);

      assertThat(result.exitCode()).as("%s", result).isZero();
      assertThat(result.out())
          .contains("session    shared-memory:sample")
          .contains("home DC    4")
          .contains("auth key id " + JsonSessionFormat.keyIdHex(Samples.HOME_KEY) + " (home)")
          .contains("auth key id " + JsonSessionFormat.keyIdHex(Samples.DC7_KEY))
          .contains("10.0.0.7:8443")
          .contains("no auth key")
          .contains("self user  5550100001 @demo_self")
          .contains(
              "peers      9 (4 users of which 1 bot, 1 chat, 4 channels: 1 broadcast, 1"
                  + " megagroup, 1 gigagroup, 1 of unknown kind)")
          .contains("updates    pts 1234, qts 56, date 1700000000 (2023-11-14T22:13:20Z), seq 78")
          .contains("channels   2: 1234567890 pts 99, 1500000000 pts 7");
      assertThat(result.out().lines().filter(line -> line.startsWith("DC "))).hasSize(6);
    }

    @Test
    @DisplayName("of a new session shows the known DCs without keys and nothing else")
    void newSession() {
      Cli.Result result = run("info", EMPTY);

      assertThat(result.exitCode()).isZero();
      assertThat(result.out())
          .contains("home DC    2")
          .contains("self user  none")
          .contains("peers      0 (0 users, 0 chats, 0 channels)")
          .contains("channels   0");
      assertThat(result.out().lines().filter(line -> line.endsWith("no auth key"))).hasSize(4);
    }
  }

  @Nested
  @DisplayName("peers")
  class Peers {

    @Test
    @DisplayName("lists every peer, '?' for what is unknown")
    void all() {
      Cli.Result result = run("peers", SAMPLE);

      assertThat(result.exitCode()).isZero();
      assertThat(result.out().lines()).hasSize(1 + Samples.peers().size());
      assertThat(result.out().lines().findFirst().orElseThrow()).startsWith("ID").contains("KIND");
      assertThat(result.out().lines())
          .anyMatch(
              line ->
                  line.matches(
                      "5550100001\\s+user\\s+person\\s+-77\\s+no\\s+yes\\s+\\+15550100\\s+@demo_self"))
          .anyMatch(line -> line.matches("777000\\s+user\\s+\\?\\s+\\?\\s+\\?\\s+no\\s+\\?\\s+\\?"))
          .anyMatch(line -> line.matches("-123456\\s+chat(\\s+-)+"))
          .anyMatch(
              line ->
                  line.matches(
                      "-1001234567890\\s+channel\\s+broadcast\\s+9223372036854775807.*@news @news_mirror"));
      assertThat(result.err()).contains("9 peers listed");
    }

    @Test
    @DisplayName("filters by kind, by username and up to a limit")
    void filters() {
      Cli.Result channels = run("peers", SAMPLE, "--kind", "channel");
      Cli.Result byName = run("peers", SAMPLE, "--username", "@NEWS_mirror");
      Cli.Result wrongKind = run("peers", SAMPLE, "--username", "news", "--kind", "user");
      Cli.Result limited = run("peers", SAMPLE, "--kind", "USER", "--limit", "2");

      assertThat(channels.out().lines().skip(1)).hasSize(4).allMatch(l -> l.contains(" channel "));
      assertThat(byName.out().lines().skip(1))
          .singleElement()
          .satisfies(line -> assertThat(line).startsWith("-1001234567890"));
      assertThat(wrongKind.out().lines().skip(1)).isEmpty();
      assertThat(limited.out().lines().skip(1)).hasSize(2).allMatch(l -> l.contains(" user "));
      assertThat(limited.err()).contains("2 peers listed");
    }

    @Test
    @DisplayName("rejects a malformed username with exit 1")
    void badUsername() {
      Cli.Result result = run("peers", SAMPLE, "--username", "no spaces");

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err()).contains("expected a username");
    }
  }

  @Nested
  @DisplayName("copy")
  class Copy {

    @Test
    @DisplayName("copies everything and prints the count")
    void copies() {
      Cli.Result result = run("copy", SAMPLE, "shared-memory:copy");

      assertThat(result.exitCode()).as("%s", result).isZero();
      assertThat(result.out())
          .isEqualTo("copied 9 peers from shared-memory:sample to shared-memory:copy\n");
      assertThat(result.err()).isEmpty();
      assertThat(shared("copy").snapshot()).isEqualTo(shared("sample").snapshot());
    }

    @Test
    @DisplayName("draws a progress bar on stderr in a terminal")
    void progressBar() {
      Samples.fillMany(shared("many"), 2500);

      Cli.Result result = runInTerminal("copy", "shared-memory:many", "shared-memory:copy");

      assertThat(result.exitCode()).isZero();
      assertThat(result.err())
          .contains("\r[############..................]  40% 1000/2500 peers")
          .contains("\r[##############################] 100% 2500/2500 peers")
          .endsWith("\n");
      assertThat(result.out()).contains("copied 2500 peers");
      assertThat(shared("copy").peerCount()).isEqualTo(2500);
    }

    @Test
    @DisplayName("refuses to copy a session onto itself")
    void ontoItself() {
      Cli.Result result = run("copy", SAMPLE, SAMPLE);

      assertThat(result.exitCode()).isEqualTo(2);
      assertThat(result.err()).contains("expected two different sessions");
    }
  }

  @Nested
  @DisplayName("import and export of string sessions")
  class Strings {

    @Test
    @DisplayName("a Telethon string made by Telethon imports from an argument, stdin or @file")
    void telethonString() throws IOException {
      String string = demoString();

      Cli.Result literal = run("import", "telethon-string", string, "shared-memory:a");
      Cli.Result stdin =
          runWithStdin(string + "\n", "import", "telethon-string", "-", "shared-memory:b");
      Cli.Result file = run("import", "telethon-string", "@" + DEMO_STRING, "shared-memory:c");

      for (Cli.Result result : List.of(literal, stdin, file)) {
        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.out())
            .contains("imported 0 peers and the home DC's auth key from a telethon-string")
            .contains("(home DC 4)");
        assertThat(result.out() + result.err()).doesNotContain(string.substring(5, 60));
      }
      assertThat(literal.err()).contains("stays in your shell history");
      assertThat(stdin.err()).doesNotContain("shell history");
      for (String name : List.of("a", "b", "c")) {
        assertThat(shared(name).homeDcId()).isEqualTo(4);
        assertThat(shared(name).dcOption(4).orElseThrow().authKey()).isEqualTo(DEMO_KEY);
      }
      assertThat(run("info", "shared-memory:a").out())
          .contains("auth key id " + JsonSessionFormat.keyIdHex(DEMO_KEY) + " (home)");
    }

    @Test
    @DisplayName("a string import leaves the peers, state and other keys of the target alone")
    void stringImportMerges() throws IOException {
      Cli.Result result = run("import", "telethon-string", "@" + DEMO_STRING, SAMPLE);

      assertThat(result.exitCode()).isZero();
      assertThat(result.err()).contains("already held 9 peers and auth keys");
      assertThat(shared("sample").peerCount()).isEqualTo(9);
      assertThat(shared("sample").updatesState()).isEqualTo(Samples.updatesState());
      assertThat(shared("sample").dcOption(7)).contains(Samples.dc7());
      assertThat(shared("sample").dcOption(4).orElseThrow().authKey()).isEqualTo(DEMO_KEY);
    }

    @Test
    @DisplayName("a malformed string fails with the format's message, not the string")
    void malformed() {
      String bogus = "1" + "A".repeat(100);

      Cli.Result result = run("import", "gramjs-string", bogus, EMPTY);
      Cli.Result empty = runWithStdin("  \n", "import", "pyrogram-string", "-", EMPTY);
      Cli.Result noFile = run("import", "pyrogram-string", "@" + dir.resolve("none.txt"), EMPTY);

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err())
          .contains("\ntgsession: GramJS string session: expected")
          .doesNotContain("AAAAAAAAAA");
      assertThat(empty.exitCode()).isEqualTo(1);
      assertThat(empty.err())
          .contains("expected a string session in standard input, found nothing");
      assertThat(noFile.exitCode()).isEqualTo(1);
      assertThat(noFile.err()).contains("found no file");
      assertThat(shared("empty").snapshot()).isEqualTo(SessionData.empty());
    }

    @Test
    @DisplayName("each string format exports the home key, says what it drops, and imports back")
    void exportAndBack() {
      for (String format : List.of("telethon-string", "gramjs-string", "pyrogram-string")) {
        List<String> args = new ArrayList<>(List.of("export", SAMPLE, "--format", format));
        if (format.equals("pyrogram-string")) {
          args.addAll(List.of("--api-id", "12345"));
        }
        Cli.Result export = run(args.toArray(String[]::new));
        assertThat(export.exitCode()).as("%s", export).isZero();
        assertThat(export.err())
            .contains("note: " + format + " carries the home DC")
            .contains("drops")
            .contains("the updates state")
            .contains("the auth keys of 2 other DCs")
            .doesNotContain("warning");
        String string = export.out().strip();
        SessionData decoded =
            switch (format) {
              case "telethon-string" -> TelethonStringSession.decode(string);
              case "gramjs-string" -> GramJsStringSession.decode(string);
              default -> PyrogramStringSession.decode(string);
            };
        assertThat(decoded.homeDcId()).isEqualTo(Samples.HOME_DC);
        assertThat(decoded.homeAuthKey()).contains(Samples.HOME_KEY);

        Cli.Result back =
            runWithStdin(string, "import", format, "-", "shared-memory:back-" + format);
        assertThat(back.exitCode()).as("%s", back).isZero();
        assertThat(shared("back-" + format).dcOption(4).orElseThrow().authKey())
            .isEqualTo(Samples.HOME_KEY);
      }
      assertThat(results.get(0).err()).contains("drops 9 peers");
      assertThat(results.get(4).err()).contains("drops 8 other peers");
    }

    @Test
    @DisplayName("a Pyrogram string brings the self user, tells its api_id, and refuses test mode")
    void pyrogram() {
      SessionData data = shared("sample").snapshot();
      String production = PyrogramStringSession.encode(data, 4242);
      Session test = shared("test");
      test.setDcOption(
          PyrogramStringSession.read(production)
              .session()
              .dcOptions()
              .get(4)
              .withAuthKey(Samples.HOME_KEY));

      Cli.Result result = run("import", "pyrogram-string", production, "shared-memory:pyro");

      assertThat(result.exitCode()).as("%s", result).isZero();
      assertThat(result.err())
          .contains("api_id 4242 and user 5550100001")
          .contains("--api-id 4242");
      assertThat(shared("pyro").peer(PeerId.selfUser()))
          .contains(new PeerInfo.User(Samples.SELF_ID, null, false, true, null, null));
    }

    @Test
    @DisplayName(
        "pyrogram-string needs --api-id; only it takes one; telethon-file cannot be written")
    void exportUsage() {
      Cli.Result noApiId = run("export", SAMPLE, "--format", "pyrogram-string");
      Cli.Result stray = run("export", SAMPLE, "--format", "telethon-string", "--api-id", "1");
      Cli.Result file = run("export", SAMPLE, "--format", "telethon-file");
      Cli.Result none = run("export", SAMPLE);

      assertThat(noApiId.exitCode()).isEqualTo(2);
      assertThat(noApiId.err()).contains("expected --api-id N with --format pyrogram-string");
      assertThat(stray.exitCode()).isEqualTo(2);
      assertThat(file.exitCode()).isEqualTo(2);
      assertThat(file.err()).contains("expected --out FILE with --format telethon-file");
      assertThat(none.exitCode()).isEqualTo(2);
      assertThat(noApiId.out() + stray.out() + file.out() + none.out()).isEmpty();
    }

    @Test
    @DisplayName("a session without a home key has no string to export")
    void noKey() {
      Cli.Result result = run("export", EMPTY, "--format", "telethon-string");

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err()).contains("expected an auth key for the home DC 2");
      assertThat(result.out()).isEmpty();
    }

    @Test
    @DisplayName("to a terminal warns that the output is a credential")
    void terminalWarning() {
      Cli.Result result = runInTerminal("export", SAMPLE, "--format", "telethon-string");

      assertThat(result.exitCode()).isZero();
      assertThat(result.err()).contains("warning: the output is a credential");
    }

    @Test
    @DisplayName("to --out writes a file only its owner can read")
    void outFile() throws IOException {
      Path out = dir.resolve("bot.string");

      Cli.Result result =
          runInTerminal("export", SAMPLE, "--format", "gramjs-string", "--out", out.toString());

      assertThat(result.exitCode()).isZero();
      assertThat(result.out()).isEmpty();
      assertThat(result.err()).doesNotContain("warning").contains("wrote the gramjs-string to");
      assertThat(GramJsStringSession.decode(Files.readString(out)).homeAuthKey())
          .contains(Samples.HOME_KEY);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
          .isEqualTo("rw-------");
      assertThat(Files.list(dir)).containsExactly(out);
    }
  }

  @Nested
  @DisplayName("import and export of JSON")
  class Json {

    @Test
    @DisplayName("export then import gives the same session, and the same export")
    void roundTrip() throws IOException {
      Path file = dir.resolve("sample.json");

      Cli.Result export = run("export", SAMPLE, "--format", "json", "--out", file.toString());
      Cli.Result imported = run("import", "json", file.toString(), "shared-memory:back");
      Cli.Result again = run("export", "shared-memory:back", "--format", "json");

      assertThat(export.exitCode()).as("%s", export).isZero();
      assertThat(export.err())
          .contains("note: json carries everything: 3 auth keys, 9 peers and the updates state")
          .contains("wrote 9 peers to " + file);
      assertThat(imported.exitCode()).as("%s", imported).isZero();
      assertThat(imported.out())
          .isEqualTo("imported 9 peers from json " + file + " into shared-memory:back\n");
      assertThat(shared("back").snapshot()).isEqualTo(shared("sample").snapshot());
      assertThat(again.out()).isEqualTo(Files.readString(file));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
    }

    @Test
    @DisplayName("imports from stdin")
    void stdin() throws IOException {
      String json = run("export", SAMPLE, "--format", "json").out();

      Cli.Result result = runWithStdin(json, "import", "json", "-", "shared-memory:back");

      assertThat(result.exitCode()).as("%s", result).isZero();
      assertThat(result.out()).contains("imported 9 peers from json standard input");
      assertThat(shared("back").snapshot()).isEqualTo(shared("sample").snapshot());
    }

    @Test
    @DisplayName("a damaged file fails with exit 1 and leaves the target untouched")
    void damaged() throws IOException {
      String json = run("export", SAMPLE, "--format", "json").out();
      Path file = dir.resolve("damaged.json");
      Files.writeString(file, json.replace("\"type\": \"chat\"", "\"type\": \"group\""));

      Cli.Result result = run("import", "json", file.toString(), EMPTY);
      Cli.Result version =
          runWithStdin(json.replace("export/1", "export/9"), "import", "json", "-", EMPTY);

      int line = 1 + json.lines().toList().indexOf("    {\"type\": \"chat\", \"id\": 123456},");
      assertThat(line).isPositive();
      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err())
          .isEqualTo(
              "tgsession: expected a peer type user, chat or channel, found 'group' at line "
                  + line
                  + ", column 5\n");
      assertThat(version.exitCode()).isEqualTo(1);
      assertThat(version.err()).contains("found 'tgsession-export/9'");
      assertThat(shared("empty").snapshot()).isEqualTo(SessionData.empty());
    }

    @Test
    @DisplayName("a string session given to json is not quoted back")
    void stringGivenAsJson() throws IOException {
      Cli.Result result = run("import", "json", DEMO_STRING.toString(), EMPTY);

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err()).contains("malformed JSON").contains("telethon-string");
    }
  }

  @Nested
  @DisplayName("clear")
  class Clear {

    @Test
    @DisplayName("forgets keys, peers and state, and says how much")
    void clears() {
      Cli.Result result = run("clear", SAMPLE);

      assertThat(result.exitCode()).isZero();
      assertThat(result.out())
          .isEqualTo("cleared shared-memory:sample: removed 3 auth keys and 9 peers\n");
      Session session = shared("sample");
      assertThat(session.peerCount()).isZero();
      assertThat(session.updatesState()).isEqualTo(UpdatesState.empty());
      assertThat(session.dcOptions()).isEqualTo(KnownDcs.all());
    }
  }

  static Map<Integer, AuthKey> keys(Session session) {
    Map<Integer, AuthKey> keys = new TreeMap<>();
    session
        .dcOptions()
        .forEach(
            (id, option) -> {
              if (option.authKey() != null) {
                keys.put(id, option.authKey());
              }
            });
    return keys;
  }
}
