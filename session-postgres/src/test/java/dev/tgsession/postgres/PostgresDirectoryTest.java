package dev.tgsession.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.SessionStore;
import dev.tgsession.SessionSummary;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.spi.EncryptionKey;
import dev.tgsession.tck.TckData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("PostgreSQL: the directory of a database (Sessions.store)")
class PostgresDirectoryTest {

  private final List<AutoCloseable> opened = new ArrayList<>();
  private SessionStore store;
  private String prefix;

  @BeforeEach
  void openStore(org.junit.jupiter.api.TestInfo test) {
    store = Sessions.store(PostgresTestServer.uri());
    opened.add(store);
    prefix = PostgresTestServer.RUN + "-dir-" + test.getTestMethod().orElseThrow().getName() + "-";
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : opened) {
      closeable.close();
    }
  }

  private Session open(String name) {
    Session session = store.open(prefix + name);
    opened.add(session);
    return session;
  }

  private List<String> names(String under) {
    try (Stream<SessionSummary> all = store.list(under)) {
      return all.map(SessionSummary::name).toList();
    }
  }

  private static long rows(String session) throws SQLException {
    long rows = 0;
    try (Connection connection = PostgresTestServer.connect()) {
      for (String table : PostgresTestServer.TABLES) {
        String extra = table.equals("tgsession_lease") ? " AND owner IS NOT NULL" : "";
        try (PreparedStatement statement =
            connection.prepareStatement(
                "SELECT count(*) FROM " + table + " WHERE session = ?" + extra)) {
          statement.setString(1, session);
          try (ResultSet result = statement.executeQuery()) {
            result.next();
            rows += result.getLong(1);
          }
        }
      }
    }
    return rows;
  }

  @Test
  @DisplayName(
      "a session is listed from its first write, in byte order, case-sensitive, until deleted;"
          + " clear() keeps it")
  void listedFromFirstWrite() {
    Session bot = open("Bot");
    assertThat(names(prefix)).as("opened, nothing written").isEmpty();
    bot.cachePeer(PeerInfo.User.of(1, 1));
    open("bot").setUpdateState(new UpdateState.Primary(1, 1, 1));
    open("a").setHomeDcId(4);
    open("b\u00e9").setDcOption(TckData.dc(2, 2));
    assertThat(names(prefix))
        .containsExactly(prefix + "Bot", prefix + "a", prefix + "bot", prefix + "b\u00e9");
    assertThat(names(prefix + "b")).containsExactly(prefix + "bot", prefix + "b\u00e9");
    assertThat(names(prefix + "B")).containsExactly(prefix + "Bot");

    bot.clear();
    assertThat(names(prefix)).contains(prefix + "Bot");
    assertThat(store.delete(prefix + "Bot")).isTrue();
    assertThat(names(prefix)).doesNotContain(prefix + "Bot");
    assertThat(store.delete(prefix + "Bot")).as("deleted twice").isFalse();
    assertThat(store.summary(prefix + "Bot")).isEmpty();
  }

  @Test
  @DisplayName("listing pages through more sessions than a page, each once, in order")
  void paging() throws SQLException {
    int count = PostgresDirectory.PAGE * 2 + 17;
    List<String> expected = new ArrayList<>();
    try (Connection connection = PostgresTestServer.connect();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO tgsession_session (session, home_dc) VALUES (?, 3)")) {
      for (int i = 0; i < count; i++) {
        String name = prefix + String.format("%04d", i);
        expected.add(name);
        insert.setString(1, name);
        insert.addBatch();
      }
      insert.executeBatch();
    }
    assertThat(names(prefix)).containsExactlyElementsOf(expected);
    assertThat(names(prefix + "01")).hasSize(100);
    assertThat(names(prefix + "9")).isEmpty();
  }

  @Test
  @DisplayName("a summary says home DC, self user, peer count, last write, lease and fingerprint")
  void summaries(@TempDir Path keys) throws Exception {
    Instant before = Instant.now().minusSeconds(5);
    byte[] key = new byte[EncryptionKey.LENGTH];
    key[0] = 7;
    Path file = keys.resolve("key");
    Files.writeString(file, HexFormat.of().formatHex(key));
    Session session =
        Sessions.open(
            PostgresTestServer.uri()
                + "&session="
                + prefix
                + "full&lease=30&owner=summary-owner&encryption-key=file:"
                + file);
    opened.add(session);
    session.setHomeDcId(5);
    session.setDcOption(TckData.dc(5, 5));
    session.cachePeers(List.of(TckData.self(77, 1), TckData.user(78, 2), TckData.user(79, 3)));

    SessionSummary summary = store.summary(prefix + "full").orElseThrow();
    assertThat(summary.homeDcId()).isEqualTo(5);
    assertThat(summary.selfUserId()).isEqualTo(77L);
    assertThat(summary.peerCount()).isEqualTo(3);
    assertThat(summary.updatedAt()).isAfter(before).isBefore(Instant.now().plusSeconds(5));
    assertThat(summary.lease().orElseThrow().owner()).isEqualTo("summary-owner");
    assertThat(summary.lease().orElseThrow().token())
        .isEqualTo(session.lease().orElseThrow().token());
    assertThat(summary.encryptionFingerprint()).isEqualTo(EncryptionKey.of(key).fingerprint());
    try (Stream<SessionSummary> listed = store.list(prefix + "full")) {
      assertThat(listed.toList()).containsExactly(summary);
    }

    Session plain = open("plain");
    plain.cachePeer(PeerInfo.User.of(1, 1));
    SessionSummary other = store.summary(prefix + "plain").orElseThrow();
    assertThat(other.homeDcId()).isEqualTo(2);
    assertThat(other.selfUserId()).isNull();
    assertThat(other.lease()).isEmpty();
    assertThat(other.encryptionFingerprint()).isNull();
  }

  @Test
  @DisplayName(
      "delete removes every row of that session and nothing else; refused while another owner"
          + " holds the lease; forceDelete takes it from the holder")
  void delete() throws Exception {
    Session kept = open("x-kept");
    kept.cachePeer(TckData.named(5, "kept_name"));
    Session doomed = open("x");
    doomed.setDcOption(TckData.dc(2, 1));
    doomed.cachePeer(TckData.named(5, "doomed_name"));
    doomed.setUpdateState(new UpdateState.Channel(9, 9));
    doomed.setMediaDcOption(TckData.dc(2, 1).withAuthKey(null));
    assertThat(rows(prefix + "x")).isGreaterThan(4);

    assertThat(store.delete(prefix + "x")).isTrue();
    assertThat(rows(prefix + "x")).as("rows of the deleted session").isZero();
    assertThat(kept.peerByUsername("kept_name")).isPresent();
    assertThat(store.summary(prefix + "x-kept").orElseThrow().peerCount()).isEqualTo(1);

    Session holder =
        Sessions.open(
            PostgresTestServer.uri() + "&session=" + prefix + "leased&lease=30&owner=holder");
    opened.add(holder);
    holder.cachePeer(PeerInfo.User.of(1, 1));
    assertThatThrownBy(() -> store.delete(prefix + "leased"))
        .isInstanceOf(SessionLeasedException.class)
        .hasMessageContaining("holder");
    assertThat(holder.peer(PeerId.user(1))).as("refused: nothing deleted").isPresent();
    assertThat(store.forceDelete(prefix + "leased")).isTrue();
    assertThatThrownBy(() -> holder.cachePeer(PeerInfo.User.of(2, 2)))
        .isInstanceOf(SessionLeaseLostException.class);
    assertThat(names(prefix + "leased")).isEmpty();
  }

  @Test
  @DisplayName(
      "a session whose only writes are update states is listed; a stored channel's pts is updated"
          + " in place; after a delete the next state write lists the session again")
  void stateWritesList() {
    Session channels = open("channels");
    channels.setUpdateState(new UpdateState.Channel(9, 1));
    assertThat(store.summary(prefix + "channels")).isPresent();
    channels.setUpdateState(new UpdateState.Channel(9, 2));
    channels.setUpdateState(new UpdateState.Channel(10, 3));
    assertThat(channels.updatesState().channels())
        .extracting(c -> c.id() + ":" + c.pts())
        .containsExactly("9:2", "10:3");

    Session primary = open("primary");
    primary.setUpdateState(new UpdateState.Primary(5, 6, 7));
    primary.setUpdateState(new UpdateState.Secondary(8));
    assertThat(store.summary(prefix + "primary")).isPresent();
    assertThat(primary.updatesState().pts()).isEqualTo(5);
    assertThat(primary.updatesState().qts()).isEqualTo(8);

    assertThat(store.delete(prefix + "channels")).isTrue();
    assertThat(store.summary(prefix + "channels")).isEmpty();
    channels.setUpdateState(new UpdateState.Channel(9, 4));
    assertThat(store.summary(prefix + "channels")).isPresent();
    assertThat(channels.updatesState().channels())
        .extracting(c -> c.id() + ":" + c.pts())
        .containsExactly("9:4");
    assertThat(store.delete(prefix + "primary")).isTrue();
    primary.setUpdateState(new UpdateState.Primary(11, 12, 13));
    assertThat(store.summary(prefix + "primary")).isPresent();
    assertThat(primary.updatesState().seq()).isEqualTo(13);
  }

  @Test
  @DisplayName("bad names and store URIs with session= are refused, nothing created")
  void badInput() {
    assertThatThrownBy(() -> store.summary(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("session name");
    assertThatThrownBy(() -> store.open(prefix + "bad\nname"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.delete("x".repeat(201)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Sessions.store(PostgresTestServer.uri(prefix + "s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("session=");
    assertThat(names(prefix)).isEmpty();
  }

  @Test
  @DisplayName("a store closed refuses calls; sessions opened from it stay usable")
  void closing() {
    Session session = open("survivor");
    store.close();
    session.cachePeer(PeerInfo.User.of(1, 1));
    assertThat(session.peer(PeerId.user(1))).isPresent();
    assertThatThrownBy(() -> store.list("")).isInstanceOf(IllegalStateException.class);
  }
}
