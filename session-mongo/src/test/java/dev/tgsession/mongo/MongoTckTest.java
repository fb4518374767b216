package dev.tgsession.mongo;

import dev.tgsession.tck.SessionTck;
import org.junit.jupiter.api.DisplayName;

/** The whole TCK against the best MongoDB at hand (see {@link MongoTestServer}). */
@DisplayName("MongoDB backend: Session TCK")
class MongoTckTest extends SessionTck {

  @Override
  protected String uri(String sessionName) {
    return MongoTestServer.sessionUri(sessionName, "");
  }
}
