package dev.tgsession.interop;

import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.UpdateState;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;

/** Files for the tests: resources, raw SQL on a copy, checksums, loading a session. */
final class TestFiles {
  private TestFiles() {}

  static Path resource(String name) {
    try {
      return Path.of(TestFiles.class.getResource(name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new AssertionError("no test resource " + name, e);
    }
  }

  static void sql(Path file, String... statements) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  static String checksum(Path file) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (java.io.IOException | NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static void load(Session session, SessionData data) {
    session.cachePeers(new ArrayList<>(data.peers().values()));
    data.dcOptions().values().forEach(session::setDcOption);
    session.setHomeDcId(data.homeDcId());
    session.setUpdateState(new UpdateState.All(data.updatesState()));
  }
}
