package dev.tgsession.redis;

import dev.tgsession.tck.SessionTck;
import dev.tgsession.tck.server.TestServers;
import org.junit.jupiter.api.DisplayName;

/** The whole TCK on a standalone Redis. */
@DisplayName("Redis: Session TCK")
class RedisTckTest extends SessionTck {

  @Override
  protected String uri(String sessionName) {
    return TestServers.withOption(TestServers.redisUri(), "session", sessionName);
  }
}
