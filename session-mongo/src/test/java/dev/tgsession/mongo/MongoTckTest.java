package dev.tgsession.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.tgsession.tck.SessionTck;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;

/**
 * The whole TCK against the best MongoDB at hand (see {@link MongoTestServer}: without a real
 * server, the mongo-java-server EMULATOR, which is not MongoDB).
 */
@DisplayName("MongoDB backend: Session TCK")
class MongoTckTest extends SessionTck {

  @Override
  protected String uri(String sessionName) {
    return MongoTestServer.sessionUri(sessionName, "");
  }

  @Override
  protected Optional<String> storeUri() {
    return Optional.of(
        MongoTestServer.baseUri()
            + "/"
            + MongoTestServer.DATABASE
            + "?serverSelectionTimeoutMS=3000");
  }

  @Override
  protected int listingPageSize() {
    return MongoDirectory.PAGE;
  }

  /** Every document of the session in the test database, as the server's BSON bytes. */
  @Override
  protected List<byte[]> rawStore(String sessionName) {
    try (MongoClient client = MongoClients.create(MongoTestServer.baseUri())) {
      return RawDocuments.ofSession(client.getDatabase(MongoTestServer.DATABASE), sessionName);
    }
  }
}
