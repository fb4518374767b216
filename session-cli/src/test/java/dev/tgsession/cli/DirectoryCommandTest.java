package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 21 item 3 and issue 22 item 3: tgsession list, delete and prune on a sqlite directory. */
@DisplayName("tgsession list, delete and prune")
class DirectoryCommandTest {

  @TempDir Path dir;

  private String store() {
    return "sqlite:" + dir + "/";
  }

  private void session(String name, int peers) {
    try (Session session = Sessions.open("sqlite:" + dir.resolve(name + ".session"))) {
      session.setHomeDcId(4);
      for (int i = 1; i <= peers; i++) {
        session.cachePeer(new PeerInfo.User(i, new PeerAuth(i * 10L), false, false, null, null));
      }
    }
  }

  @Test
  @DisplayName("list prints one line per session in name order and the total on stderr")
  void list() {
    session("bot-2", 2);
    session("bot-1", 1);
    session("other", 0);

    Cli.Result all = Cli.run("list", store());
    assertThat(all.exitCode()).as("%s", all).isZero();
    assertThat(all.out().lines().map(line -> line.split(" ")[0]).toList())
        .containsExactly("bot-1", "bot-2", "other");
    assertThat(all.out()).contains("bot-2  dc=4  self=-  peers=2");
    assertThat(all.err()).contains("3 sessions");

    Cli.Result prefixed = Cli.run("list", store(), "--prefix", "bot-", "--limit", "1");
    assertThat(prefixed.out().lines().toList()).hasSize(1);
    assertThat(prefixed.out()).startsWith("bot-1 ");

    Cli.Result json = Cli.run("list", store(), "--json", "--prefix", "bot-2");
    assertThat(json.exitCode()).as("%s", json).isZero();
    assertThat(json.out())
        .contains("\"name\" : \"bot-2\"")
        .contains("\"peerCount\" : 2")
        .contains("\"homeDcId\" : 4");
  }

  @Test
  @DisplayName("list of a URI with session= or of a file is refused, naming what was expected")
  void listBadStore() throws Exception {
    Cli.Result named = Cli.run("list", "postgresql://u:pw@127.0.0.1:1/db?session=x");
    assertThat(named.exitCode()).isNotZero();
    assertThat(named.err()).contains("session=");

    Path file = Files.writeString(dir.resolve("plain.txt"), "not a directory");
    Cli.Result onFile = Cli.run("list", "sqlite:" + file + "/");
    assertThat(onFile.exitCode()).isNotZero();
    assertThat(Files.readString(file)).isEqualTo("not a directory");
  }

  @Test
  @DisplayName("delete removes that session and nothing else, and says so; a missing one exits 1")
  void delete() {
    session("keep", 1);
    session("gone", 3);

    Cli.Result deleted = Cli.run("delete", store(), "gone");
    assertThat(deleted.exitCode()).as("%s", deleted).isZero();
    assertThat(deleted.out()).contains("deleted session 'gone'").contains("3 peers");
    assertThat(Files.exists(dir.resolve("gone.session"))).isFalse();
    assertThat(Files.exists(dir.resolve("keep.session"))).isTrue();

    Cli.Result again = Cli.run("delete", store(), "gone");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("no session 'gone'");
  }

  @Test
  @DisplayName("delete refuses a session leased by another owner (exit 3) unless --force")
  void deleteLeased() {
    session("held", 1);
    try (Session holder =
        Sessions.open("sqlite:" + dir.resolve("held.session") + "?lease=60&owner=worker-9")) {
      Cli.Result refused = Cli.run("delete", store(), "held");
      assertThat(refused.exitCode()).as("%s", refused).isEqualTo(Tgsession.HELD);
      assertThat(refused.err()).contains("worker-9");
      assertThat(holder.peerCount()).isEqualTo(1);
    }
    session("held2", 1);
    try (Session holder =
        Sessions.open("sqlite:" + dir.resolve("held2.session") + "?lease=60&owner=worker-9")) {
      Cli.Result forced = Cli.run("delete", store(), "held2", "--force");
      assertThat(forced.exitCode()).as("%s", forced).isZero();
    }
    assertThat(Files.exists(dir.resolve("held2.session"))).isFalse();
  }

  @Test
  @DisplayName("prune removes peers cached before --older-than and prints the count")
  void prune() throws Exception {
    Path file = dir.resolve("aging.session");
    try (Session session = Sessions.open("sqlite:" + file)) {
      session.cachePeers(
          List.of(
              new PeerInfo.User(1, new PeerAuth(1), false, true, null, null),
              new PeerInfo.User(2, new PeerAuth(2), false, false, List.of("old_name"), null)));
    }
    Thread.sleep(1_100);
    try (Session session = Sessions.open("sqlite:" + file)) {
      session.cachePeer(new PeerInfo.User(3, new PeerAuth(3), false, false, null, null));
    }

    Cli.Result pruned = Cli.run("prune", "sqlite:" + file, "--older-than", "1s");
    assertThat(pruned.exitCode()).as("%s", pruned).isZero();
    assertThat(pruned.out()).contains("removed 1 peer ");
    try (Session session = Sessions.open("sqlite:" + file)) {
      assertThat(session.peer(PeerId.user(2))).as("old, not self").isEmpty();
      assertThat(session.peer(PeerId.user(1))).as("the self user is never pruned").isPresent();
      assertThat(session.peer(PeerId.user(3))).as("recent").isPresent();
      assertThat(session.peerByUsername("old_name")).as("its username released").isEmpty();
    }

    Cli.Result bad = Cli.run("prune", "sqlite:" + file, "--older-than", "soon");
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.err()).contains("--older-than").contains("soon");
  }
}
