package dev.tgsession.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer connection's settings: WAL with synchronous=NORMAL, whether the file was new (switched
 * to WAL with synchronous=OFF, since it held nothing) or held a session already.
 */
@DisplayName("a read-write connection to a session file")
class OpenReadWriteTest {

  @TempDir Path dir;

  @Test
  @DisplayName("is in WAL mode with synchronous=NORMAL for a new file and for a stored session")
  void walAndNormal() throws SQLException {
    Path file = dir.resolve("new.session");
    SessionFile.createOwnerOnly(file);
    try (Connection created = SessionFile.openReadWrite(file, 5000)) {
      assertSettings(created, "a new file");
    }
    try (Session session = Sessions.open("sqlite:" + file)) {
      session.cachePeer(PeerInfo.User.of(5, 50));
    }
    try (Connection reopened = SessionFile.openReadWrite(file, 5000)) {
      assertSettings(reopened, "a stored session");
      try (Statement statement = reopened.createStatement();
          ResultSet rows = statement.executeQuery("SELECT count(*) FROM peer_info")) {
        assertThat(rows.next() && rows.getLong(1) == 1).as("the stored peer").isTrue();
      }
    }
  }

  private static void assertSettings(Connection connection, String what) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      try (ResultSet rows = statement.executeQuery("PRAGMA journal_mode")) {
        assertThat(rows.next() ? rows.getString(1) : null)
            .as("journal mode of %s", what)
            .isEqualToIgnoringCase("wal");
      }
      try (ResultSet rows = statement.executeQuery("PRAGMA synchronous")) {
        assertThat(rows.next() ? rows.getInt(1) : -1)
            .as("synchronous of %s (1 = NORMAL)", what)
            .isEqualTo(1);
      }
    }
  }
}
