package dev.tgsession.sqlite;

import dev.tgsession.tck.SessionTck;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("sqlite: passes the TCK")
class SqliteTckTest extends SessionTck {

  @TempDir static Path dir;

  @Override
  protected String uri(String sessionName) {
    return "sqlite:" + dir.resolve(sessionName + ".session");
  }
}
