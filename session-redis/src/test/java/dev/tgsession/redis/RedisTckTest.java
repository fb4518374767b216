package dev.tgsession.redis;

import dev.tgsession.tck.SessionTck;
import dev.tgsession.tck.server.TestServers;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import redis.clients.jedis.UnifiedJedis;

/** The whole TCK on a standalone Redis. */
@DisplayName("Redis: Session TCK")
class RedisTckTest extends SessionTck {

  @Override
  protected String uri(String sessionName) {
    return TestServers.withOption(TestServers.redisUri(), "session", sessionName);
  }

  @Override
  protected Optional<String> storeUri() {
    return Optional.of(TestServers.redisUri());
  }

  @Override
  protected int listingPageSize() {
    return RedisDirectory.PAGE;
  }

  @Override
  protected List<byte[]> rawStore(String sessionName) {
    try (UnifiedJedis raw = RawRedis.standalone(TestServers.redisUri())) {
      return RawRedis.values(raw, sessionName);
    }
  }
}
