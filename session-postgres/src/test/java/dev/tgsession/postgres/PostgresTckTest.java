package dev.tgsession.postgres;

import dev.tgsession.tck.SessionTck;
import org.junit.jupiter.api.DisplayName;

/** The whole TCK on a real PostgreSQL. */
@DisplayName("PostgreSQL: Session TCK")
class PostgresTckTest extends SessionTck {

  @Override
  protected String uri(String sessionName) {
    return PostgresTestServer.uri(sessionName);
  }

  @Override
  protected String unavailable() {
    return PostgresTestServer.unavailableReason();
  }
}
