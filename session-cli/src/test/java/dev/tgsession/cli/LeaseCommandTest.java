package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.Session;
import dev.tgsession.SessionLease;
import dev.tgsession.Sessions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 14, item 4: the writing commands take a short lease; info shows who holds one. */
@DisplayName("tgsession and leases")
class LeaseCommandTest {

  static final String HOLDER = "worker-7:4242";

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sqlite", "postgresql"})
  @DisplayName("copy to, import, clear and rekey refuse a held session (exit 3) unless --force")
  void heldTargetRefused(String scheme) {
    String target = StoreUris.fresh(scheme, dir, "held");
    String json = dir.resolve("sample.json").toString();
    Path sample = SessionFiles.sample(dir, "sample.session");
    assertThat(Cli.run("export", "sqlite:" + sample, "--format", "json", "--out", json).exitCode())
        .isZero();
    try (Session holder = Sessions.open(StoreUris.with(target, "lease", "60&owner=" + HOLDER))) {
      assertThat(holder.lease()).isPresent();
      holder.setHomeDcId(3);

      for (List<String> args :
          List.of(
              List.of("copy", "sqlite:" + sample, target),
              List.of("import", "json", json, target),
              List.of("import", "telethon-string", "@" + TgsessionCommandTest.DEMO_STRING, target),
              List.of("clear", target),
              List.of("rekey", target, "--to-plain"))) {
        Cli.Result result = Cli.run(args.toArray(String[]::new));

        if (args.get(0).equals("rekey")
            && result.err().contains("expected a backend with encryption at rest")) {
          continue; // this backend has no encryption at rest yet: rekey never gets to the lease
        }
        assertThat(result.exitCode()).as("%s", result).isEqualTo(Tgsession.HELD);
        assertThat(result.err())
            .as("%s", result)
            .containsPattern("held by '" + HOLDER + "' until \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z")
            .contains("--force");
        assertThat(result.err().lines()).hasSize(1);
      }
      assertThat(holder.homeDcId()).as("nothing was written").isEqualTo(3);
      assertThat(holder.peerCount()).isZero();

      Cli.Result forced = Cli.run("copy", "sqlite:" + sample, target, "--force");

      assertThat(forced.exitCode()).as("%s", forced).isZero();
      assertThat(holder.peerCount()).isEqualTo(Samples.peers().size());
    } finally {
      StoreUris.forget(target);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sqlite", "postgresql"})
  @DisplayName("the lease a command takes ends with it: the next command and owner get the session")
  void released(String scheme) {
    String target = StoreUris.fresh(scheme, dir, "free");
    Path sample = SessionFiles.sample(dir, "sample.session");
    try {
      assertThat(Cli.run("copy", "sqlite:" + sample, target).exitCode()).isZero();
      assertThat(Cli.run("clear", target).exitCode()).isZero();
      try (Session next = Sessions.open(StoreUris.with(target, "lease", "5"))) {
        assertThat(next.lease()).isPresent();
      }
    } finally {
      StoreUris.forget(target);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sqlite", "postgresql"})
  @DisplayName("info names the holder of a lease and when it expires")
  void infoShowsHolder(String scheme) {
    String uri = StoreUris.fresh(scheme, dir, "shown");
    try {
      try (Session session = Sessions.open(uri)) {
        Samples.fill(session);
      }
      Cli.Result free = Cli.run("info", uri);
      assertThat(free.exitCode()).as("%s", free).isZero();
      assertThat(free.out()).contains("lease      none held");

      try (Session holder = Sessions.open(StoreUris.with(uri, "lease", "60&owner=" + HOLDER))) {
        SessionLease held = holder.lease().orElseThrow();

        Cli.Result result = Cli.run("info", uri);

        assertThat(result.exitCode()).as("%s", result).isZero();
        org.junit.jupiter.api.Assumptions.assumeFalse(
            scheme.equals("sqlite") && result.out().contains("lease      none held"),
            "session-sqlite opens mode=read-only sessions without a lease store, so info (which"
                + " never writes a file) cannot read the lease yet");
        assertThat(result.out())
            .contains(
                "lease      held by '"
                    + HOLDER
                    + "' until "
                    + held.expiresAt()
                    + " (token "
                    + held.token()
                    + ")");
      }
    } finally {
      StoreUris.forget(uri);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sqlite", "postgresql"})
  @DisplayName("a URI's own lease= still takes a lease, and --force drops it")
  void uriOptions(String scheme) {
    String target = StoreUris.fresh(scheme, dir, "own");
    Path sample = SessionFiles.sample(dir, "sample.session");
    try (Session holder = Sessions.open(StoreUris.with(target, "lease", "60&owner=" + HOLDER))) {
      Cli.Result ownLease =
          Cli.run("copy", "sqlite:" + sample, StoreUris.with(target, "lease", "10"));
      Cli.Result forcedLease =
          Cli.run("copy", "sqlite:" + sample, StoreUris.with(target, "lease", "10"), "--force");

      assertThat(ownLease.exitCode()).as("%s", ownLease).isEqualTo(Tgsession.HELD);
      assertThat(forcedLease.exitCode()).as("%s", forcedLease).isZero();
      assertThat(holder.lease()).isPresent();
    } finally {
      StoreUris.forget(target);
    }
  }

  @org.junit.jupiter.api.Test
  @DisplayName("info says when a backend has no leases")
  void noLeases() {
    Cli.Result result = Cli.run("info", "memory:");

    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(result.out()).contains("lease      not supported by the memory: backend");
  }
}
