package dev.tgsession.redis;

import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.tck.server.RedisServerProcess;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.RedisClient;

/**
 * The fixture of the test classes that share one private {@code redis-server} per class: emptied
 * before each test, every session a test opened with {@link #open} closed after it, and a plain
 * client ({@link #raw}) to look at or plant the stored keys.
 */
abstract class OneServerTest {

  static RedisServerProcess server;
  static RedisClient raw;
  final List<Session> opened = new ArrayList<>();

  @BeforeAll
  static void startServer() {
    server = RedisServerProcess.start();
    raw = RedisClient.create(URI.create(server.uri()));
  }

  @AfterAll
  static void stopServer() {
    raw.close();
    server.close();
  }

  @BeforeEach
  void emptyServer() {
    raw.flushAll();
  }

  @AfterEach
  void closeSessions() {
    opened.forEach(Session::close);
  }

  /**
   * A session of this server with the given URI options ({@code a=1&b=2}), closed after the test.
   */
  Session open(String options) {
    Session session = Sessions.open(server.uri() + "?" + options);
    opened.add(session);
    return session;
  }
}
