package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Real session files for the command's tests, and the checks that a file was left alone. */
final class SessionFiles {

  private SessionFiles() {}

  static void requireSqlite() {
    Assumptions.assumeTrue(
        Sessions.schemes().contains("sqlite"),
        "the sqlite: backend is not on the test class path (session-sqlite was not installed in"
            + " ~/.m2 when session-cli was built)");
  }

  /** A grammers-format file holding every sample, closed (no side files). */
  static Path sample(Path dir, String name) {
    Path file = dir.resolve(name);
    try (Session session = Sessions.open("sqlite:" + file)) {
      Samples.fill(session);
    }
    assertNoSideFiles(file);
    return file;
  }

  /** Runs SQL on a closed session file, the way a damaged or foreign writer would. */
  static void sql(Path file, String... statements) {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new AssertionError("could not damage " + file + ": " + e.getMessage(), e);
    }
    for (String suffix : List.of("-wal", "-shm", "-journal")) {
      try {
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static void assertNoSideFiles(Path file) {
    for (String suffix : List.of("-wal", "-shm", "-journal")) {
      assertThat(file.resolveSibling(file.getFileName() + suffix))
          .as("side file of %s", file)
          .doesNotExist();
    }
  }

  /** The file is byte for byte what it was, with no -wal, -shm or -journal beside it. */
  static void assertUnchanged(Path file, byte[] before) {
    assertThat(bytes(file)).as("the bytes of %s", file).isEqualTo(before);
    assertNoSideFiles(file);
  }
}
