package dev.tgsession.redis;

import dev.tgsession.tck.SessionTck;
import dev.tgsession.tck.server.TestServers;
import org.junit.jupiter.api.DisplayName;

/** The whole TCK on a three-master Redis Cluster. */
@DisplayName("Redis Cluster: Session TCK")
class RedisClusterTckTest extends SessionTck {

  @Override
  protected String uri(String sessionName) {
    return TestServers.withOption(TestServers.redisClusterUri(), "session", sessionName);
  }
}
