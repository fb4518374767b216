package dev.tgsession.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.Sessions;
import dev.tgsession.TempAuthKey;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.SessionImport;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("peer ages, extras and schema 3 in the file")
class FreshnessAndExtrasTest {

  @TempDir Path dir;

  private static List<String> rows(Path file, String query) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(query)) {
      while (result.next()) {
        rows.add(result.getString(1));
      }
    }
    return rows;
  }

  @Test
  @DisplayName(
      "ages, extras and temporary keys go in tgsession_ tables; grammers' tables hold"
          + " what grammers writes")
  void grammersTablesStayGrammers() throws Exception {
    Path file = dir.resolve("extras.session");
    AuthKey key = TestData.key(3);
    try (Session session = Sessions.open("sqlite:" + file)) {
      session.setDcOption(KnownDcs.get(2).orElseThrow().withAuthKey(key));
      session.setMediaDcOption(KnownDcs.get(2).orElseThrow());
      session.setTempAuthKey(
          2, true, new TempAuthKey(TestData.key(4), Instant.now().plus(Duration.ofHours(1))));
      session.cachePeer(PeerInfo.User.of(5, 55));
    }
    assertThat(rows(file, "SELECT peer_id || '|' || hash FROM peer_info")).containsExactly("5|55");
    assertThat(rows(file, "SELECT count(*) FROM dc_option WHERE dc_id = 2"))
        .as("one row per DC: the media address is not grammers' to hold")
        .containsExactly("1");
    assertThat(rows(file, "SELECT count(*) FROM tgsession_extra"))
        .as("the media DC and the temporary key")
        .containsExactly("2");
    assertThat(rows(file, "SELECT count(*) FROM tgsession_peer_cached")).containsExactly("1");
    assertThat(rows(file, "SELECT version FROM tgsession_schema"))
        .containsExactly(String.valueOf(Schema.CURRENT_VERSION));
    try (Session again = Sessions.open("sqlite:" + file)) {
      assertThat(again.tempAuthKey(2, true)).map(TempAuthKey::key).contains(TestData.key(4));
      assertThat(again.tempAuthKey(2, false)).isEmpty();
      assertThat(again.mediaDcOption(2)).map(DcOption::authKey).contains(key);
      again.clear();
    }
    assertThat(rows(file, "SELECT count(*) FROM tgsession_extra")).containsExactly("0");
    assertThat(rows(file, "SELECT count(*) FROM tgsession_peer_cached")).containsExactly("0");
  }

  @Test
  @DisplayName("an oversized extra (a file changed by something else) is refused, not read whole")
  void oversizedExtra() throws Exception {
    Path file = dir.resolve("big.session");
    try (Session session = Sessions.open("sqlite:" + file)) {
      session.setMediaDcOption(KnownDcs.get(2).orElseThrow());
    }
    IncompatibleFileTest.sql(
        file, "INSERT INTO tgsession_extra (name, value) VALUES ('x', zeroblob(100000))");
    try (Session session = Sessions.open("sqlite:" + file)) {
      assertThatThrownBy(session::snapshot)
          .isInstanceOf(IncompatibleSessionException.class)
          .hasMessageContaining("tgsession_extra")
          .hasMessageContaining("100000 bytes");
    }
  }

  @Test
  @DisplayName("a schema 2 file opens, upgrades, and its peers count as cached at the upgrade")
  void upgradesSchema2() throws Exception {
    Path file = dir.resolve("old.session");
    try (Session session = Sessions.open("sqlite:" + file)) {
      session.cachePeer(new PeerInfo.User(9, null, null, null, List.of("nine"), null));
      session.setUpdateState(new UpdateState.Secondary(4));
    }
    // back to what version 2 wrote
    IncompatibleFileTest.sql(
        file,
        "DROP TABLE tgsession_peer_cached",
        "DROP TABLE tgsession_extra",
        "UPDATE tgsession_schema SET version = 2");
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    try (Session readOnly = Sessions.open("sqlite:" + file + "?mode=read-only")) {
      assertThat(readOnly.peerByUsername("nine")).isPresent();
      assertThat(readOnly.peerCachedAt(PeerId.user(9))).as("no time yet").contains(Instant.EPOCH);
      assertThat(readOnly.tempAuthKey(2, false)).isEmpty();
    }
    assertThat(rows(file, "SELECT version FROM tgsession_schema"))
        .as("read-only never migrates")
        .containsExactly("2");

    try (Session session = Sessions.open("sqlite:" + file)) {
      assertThat(session.peerCachedAt(PeerId.user(9))).get().matches(at -> !at.isBefore(before));
      assertThat(session.updatesState().qts()).isEqualTo(4);
    }
    assertThat(rows(file, "SELECT version FROM tgsession_schema")).containsExactly("3");
  }

  @Test
  @DisplayName("a prune deletes peers older than the cut-off, never the self user, and frees names")
  void prune() throws Exception {
    Path file = dir.resolve("prune.session");
    try (Session session = Sessions.open("sqlite:" + file)) {
      session.cachePeer(new PeerInfo.User(1, null, false, true, List.of("me"), "1555001"));
      session.cachePeer(new PeerInfo.User(2, null, false, null, List.of("old"), "1555002"));
      session.cachePeer(new PeerInfo.Chat(3));
      Thread.sleep(5);
      Instant cutOff = Instant.now();
      Thread.sleep(5);
      session.cachePeer(new PeerInfo.User(4, null, false, null, List.of("new"), null));

      assertThat(session.prunePeers(cutOff)).isEqualTo(2);

      assertThat(session.peer(PeerId.selfUser())).isPresent();
      assertThat(session.peer(PeerId.user(2))).isEmpty();
      assertThat(session.peer(PeerId.chat(3))).isEmpty();
      assertThat(session.peer(PeerId.user(4))).isPresent();
      assertThat(session.peerByUsername("old")).isEmpty();
      assertThat(session.peerByPhone("1555002")).isEmpty();
      assertThat(session.peerCount()).isEqualTo(2);
      // the released phone and name can be claimed again
      session.cachePeer(new PeerInfo.User(5, null, false, null, List.of("old"), "1555002"));
      assertThat(session.peerByPhone("1555002")).map(PeerInfo::peerId).contains(PeerId.user(5));
    }
    assertThat(rows(file, "SELECT count(*) FROM tgsession_peer_cached")).containsExactly("3");
    assertThat(rows(file, "SELECT count(*) FROM tgsession_username")).containsExactly("3");
  }

  @Test
  @DisplayName("an import replaces all of a session in one transaction: readers see old or new")
  void importReplacesEverything() throws Exception {
    Path to = dir.resolve("to.session");
    List<PeerInfo> peers = new ArrayList<>();
    for (int i = 1; i <= 2500; i++) {
      peers.add(PeerInfo.User.of(i, i));
    }
    SessionData data =
        new SessionData(
            4,
            Map.of(1, KnownDcs.get(1).orElseThrow().withAuthKey(TestData.key(1))),
            peers.stream().collect(Collectors.toMap(PeerInfo::peerId, peer -> peer)),
            new UpdatesState(7, 0, 0, 0, List.of()));
    try (Session target = Sessions.open("sqlite:" + to);
        Session reader = Sessions.open("sqlite:" + to)) {
      target.cachePeer(PeerInfo.User.of(999_999, 1));
      target.setHomeDcId(3);
      AtomicBoolean mixed = new AtomicBoolean();
      AtomicBoolean done = new AtomicBoolean();
      Thread watcher =
          new Thread(
              () -> {
                while (!done.get()) {
                  long count = reader.peerCount();
                  if (count != 1 && count != 2500) {
                    mixed.set(true);
                  }
                }
              });
      watcher.start();
      SessionImport.replace(target, data);
      done.set(true);
      watcher.join();

      assertThat(mixed).as("a reader saw a half-written session").isFalse();
      SessionData copied = target.snapshot();
      assertThat(copied.peers()).hasSize(2500);
      assertThat(copied.homeDcId()).isEqualTo(4);
      assertThat(copied.dcOptions().get(1).authKey()).isEqualTo(TestData.key(1));
      assertThat(target.peer(PeerId.user(999_999))).isEmpty();
      assertThat(reader.updatesState().pts()).isEqualTo(7);
    }
  }
}
