package dev.tgsession.sqlite;

import dev.tgsession.tck.SessionTck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("sqlite: passes the TCK")
class SqliteTckTest extends SessionTck {

  @TempDir static Path dir;

  @Override
  protected String uri(String sessionName) {
    return "sqlite:" + file(sessionName);
  }

  /**
   * The kit's sessions are NAME.session files of one directory: the store of the directory group.
   */
  @Override
  protected Optional<String> storeUri() {
    return Optional.of("sqlite:" + dir + "/");
  }

  private static Path file(String sessionName) {
    return dir.resolve(sessionName + ".session");
  }

  /** The session file's bytes and those of its -wal, -shm and -journal where they exist. */
  @Override
  protected @Nullable List<byte[]> rawStore(String sessionName) {
    return rawFiles(file(sessionName));
  }

  static List<byte[]> rawFiles(Path file) {
    List<byte[]> raw = new ArrayList<>();
    for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
      Path path = file.resolveSibling(file.getFileName() + suffix);
      try {
        if (Files.exists(path)) {
          raw.add(Files.readAllBytes(path));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (raw.isEmpty()) {
      throw new AssertionError("expected a session file at " + file + ", found none");
    }
    return raw;
  }
}
