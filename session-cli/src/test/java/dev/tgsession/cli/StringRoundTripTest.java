package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every string a real library made (the fixtures of session-interop) imported into a {@code
 * shared-memory:} and an {@code sqlite:} session, then exported in the same format, is the same
 * string: the home DC's address family and port, and mtcute's media DC, survive the store.
 */
@DisplayName("strings through a store")
class StringRoundTripTest {

  static final Path STRINGS = Path.of("../session-interop/src/test/resources/interop");

  /**
   * The strings that cannot come back identical, with the reason: what the string spells that a
   * session has no place for (the text of an address, mtcute's per-DC flags, an older layout).
   */
  static final Map<String, String> INEXACT =
      Map.of(
          "pyrogram:pyrogram-old-351-user-dc1",
              "old Pyrogram's 351-character layout: written back in the current 362 one",
          "pyrogram:pyrogram-old-356-bot-dc5",
              "old Pyrogram's 356-character layout: written back in the current 362 one",
          "gramjs:convertToGramjsSession-gramjs-prod-dc2-ipv6-long-form",
              "the IPv6 address spelled in its long form: written back in RFC 5952's short form",
          "gramjs:gramjs-hostname-dc2-browser",
              "a host name instead of an address (GramJS in a browser): written back as the IP",
          "gramjs:convertToGramjsSession-gramjs-unknown-dc7-port44300",
              "port 44300, which GramJS reads as negative: export refuses it",
          "mtcute:writeStringSession-ipv6-dc2-media-only-max-user",
              "long-form IPv6 text and mtcute's media-only flag: written short, flag unset");

  @TempDir Path dir;

  record Fixture(String format, String name, String string, int apiId) {}

  static List<Fixture> fixtures() throws IOException {
    List<Fixture> all = new ArrayList<>();
    for (String file : List.of("telethon", "gramjs", "pyrogram", "mtcute", "converted")) {
      JsonParser parser =
          new JsonFactory().createParser(STRINGS.resolve(file + "-strings.json").toFile());
      Map<String, String> fields = new HashMap<>();
      int depth = 0;
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token == JsonToken.START_OBJECT) {
          depth++;
          if (depth == 2) {
            fields.clear();
          }
        } else if (token == JsonToken.END_OBJECT) {
          if (depth == 2 && fields.containsKey("string")) {
            all.add(
                new Fixture(
                    fields.getOrDefault("format", file).replace("gramJs", "gramjs"),
                    fields.getOrDefault("madeBy", file) + "-" + fields.get("name"),
                    fields.get("string"),
                    Integer.parseInt(fields.getOrDefault("apiId", "0"))));
          }
          depth--;
        } else if (token.isScalarValue() && depth == 2 && parser.currentName() != null) {
          fields.putIfAbsent(parser.currentName(), parser.getText());
        }
      }
    }
    return all;
  }

  @Test
  @DisplayName("every real-library string comes back identical from a memory session")
  void throughMemory() throws IOException {
    SharedMemoryProvider.reset();
    identical("shared-memory:rt");
  }

  @Test
  @DisplayName("every real-library string comes back identical from an sqlite: session")
  void throughSqlite() throws IOException {
    Path probe = dir.resolve("probe.session");
    try (dev.tgsession.Session session = dev.tgsession.Sessions.open("sqlite:" + probe)) {
      session.setHomeDc(2, dev.tgsession.AddressFamily.IPV6);
    } catch (dev.tgsession.SessionException | UnsupportedOperationException e) {
      org.junit.jupiter.api.Assumptions.abort(
          "the sqlite: backend of this build keeps no per-session extras yet: " + e.getMessage());
    }
    identical("sqlite:" + dir.resolve("rt"));
  }

  private void identical(String prefix) throws IOException {
    List<Fixture> fixtures = fixtures();
    Map<String, String> inexact = new TreeMap<>();
    int checked = 0;
    for (Fixture fixture : fixtures) {
      String format = fixture.format() + "-string";
      Path in = Files.writeString(dir.resolve("in-" + checked + ".txt"), fixture.string());
      for (String target :
          List.of(prefix + checked + (prefix.startsWith("sqlite:") ? ".session" : ""))) {
        Cli.Result imported = Cli.run("import", format, "@" + in, target);
        if (imported.exitCode() != 0) {
          // test-server Pyrogram strings are refused by design (no test DCs for Pyrogram)
          assertThat(imported.err()).as("%s %s", fixture, imported).contains("test");
          continue;
        }
        Path out = dir.resolve("out-" + checked + "-" + target.charAt(0) + ".txt");
        List<String> args =
            new ArrayList<>(List.of("export", target, "--format", format, "--out", out.toString()));
        if (format.equals("pyrogram-string")) {
          args.addAll(List.of("--api-id", Integer.toString(fixture.apiId())));
        }
        Cli.Result exported = Cli.run(args.toArray(String[]::new));
        if (exported.exitCode() != 0) {
          inexact.put(fixture.format() + ":" + fixture.name(), exported.err().strip());
          continue;
        }
        if (!Files.readString(out).equals(fixture.string())) {
          inexact.put(fixture.format() + ":" + fixture.name(), target);
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(30);
    assertThat(inexact.keySet()).as("inexact of %s checked", checked).isEqualTo(INEXACT.keySet());
  }
}
