package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.Sessions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("tgsession-export/1 in every backend")
class BackendRoundTripTest {

  @TempDir Path dir;

  static String export(Session session) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonSessionFormat.write(session, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"memory", "sqlite", "redis", "mongodb"})
  @DisplayName("the export carries exactly what the backend holds, and import(export(x)) is x")
  void importOfExportIsIdentical(String scheme) throws IOException {
    String suffix = Long.toHexString(System.nanoTime());
    try (Session source = Sessions.open(Backends.uri(scheme, dir, "rt-a-" + suffix));
        Session target = Sessions.open(Backends.uri(scheme, dir, "rt-b-" + suffix))) {
      try {
        Samples.fill(source);
        Samples.fillMany(source, 3000);
        Samples.fill(source);
        SessionData held = source.snapshot();
        String json = export(source);

        assertThat(JsonSessionFormat.readData(utf8(json))).isEqualTo(held);

        long read = JsonSessionFormat.read(utf8(json), target);

        assertThat(read).isEqualTo(held.peers().size());
        assertThat(target.snapshot()).isEqualTo(held);
        String again = export(target);
        assertThat(unordered(again)).isEqualTo(unordered(json));
        if (scheme.equals("sqlite")) {
          assertThat(again).isEqualTo(json);
        }
      } finally {
        source.clear();
        target.clear();
      }
    }
  }

  /** The lines of an export, sorted, without the commas that depend on what came last. */
  static java.util.List<String> unordered(String json) {
    return json.lines()
        .map(line -> line.endsWith(",") ? line.substring(0, line.length() - 1) : line)
        .sorted()
        .toList();
  }

  private static ByteArrayInputStream utf8(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
