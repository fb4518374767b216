package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.Sessions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 6's "done when": the same session, copied through every store, comes back unchanged. */
@DisplayName("copy sqlite -> redis -> mongodb -> sqlite")
class CopyChainTest {

  static final int PEERS = 50_000;

  @TempDir Path dir;

  @Test
  @DisplayName("of a 50,000-peer session ends identical to the start, compared through the export")
  void roundTheStores() throws IOException {
    String name = "chain-" + Long.toHexString(System.nanoTime());
    String start = Backends.uri("sqlite", dir, "start");
    String redis = Backends.uri("redis", dir, name);
    String mongo = Backends.uri("mongodb", dir, name);
    String end = Backends.uri("sqlite", dir, "end");
    try (Session session = Sessions.open(start)) {
      Samples.fill(session);
      Samples.fillMany(session, PEERS);
    }
    long total = PEERS + Samples.peers().size();
    try {
      for (List<String> hop :
          List.of(List.of(start, redis), List.of(redis, mongo), List.of(mongo, end))) {
        Cli.Result copy = Cli.run("copy", hop.get(0), hop.get(1));

        assertThat(copy.exitCode()).as("%s", copy).isZero();
        assertThat(copy.out()).startsWith("copied " + total + " peers from ");
      }
      Path before = dir.resolve("start.json");
      Path after = dir.resolve("end.json");
      assertThat(
              Cli.run("export", start, "--format", "json", "--out", before.toString()).exitCode())
          .isZero();
      assertThat(Cli.run("export", end, "--format", "json", "--out", after.toString()).exitCode())
          .isZero();

      assertThat(Files.size(after)).isEqualTo(Files.size(before));
      assertThat(Files.mismatch(before, after)).as("first differing byte").isEqualTo(-1L);
      SessionData data;
      try (InputStream in = Files.newInputStream(after)) {
        data = JsonSessionFormat.readData(in);
      }
      assertThat(data.peers()).hasSize((int) total);
      assertThat(data.updatesState()).isEqualTo(Samples.updatesState());
      assertThat(data.homeAuthKey()).contains(Samples.HOME_KEY);
    } finally {
      for (String uri : List.of(redis, mongo)) {
        try (Session session = Sessions.open(uri)) {
          session.clear();
        }
      }
    }
  }
}
