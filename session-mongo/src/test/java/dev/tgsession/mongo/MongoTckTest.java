package dev.tgsession.mongo;

import dev.tgsession.tck.SessionTck;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The whole TCK against the best MongoDB at hand (see {@link MongoTestServer}). */
@DisplayName("MongoDB backend: Session TCK")
@ExtendWith(MongoTckTest.EmulatorLimits.class)
class MongoTckTest extends SessionTck {

  @Override
  protected String uri(String sessionName) {
    return MongoTestServer.sessionUri(sessionName, "");
  }

  /**
   * Switches off, on the emulator only, the TCK tests the emulator cannot finish within their
   * bound: it has no secondary indexes, so each username/phone claim of a batch is matched against
   * every document ({@code $in} compared one by one) and each lookup scans the collection. The
   * 100,000-peer test (every peer claiming a username and a phone, 1,000 lookups) measured over 10
   * minutes there. Every test runs on a real MongoDB.
   */
  static final class EmulatorLimits implements ExecutionCondition {
    private static final Set<String> TOO_BIG_FOR_THE_EMULATOR = Set.of("hundredThousand");

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      boolean tooBig =
          context
              .getTestMethod()
              .map(method -> TOO_BIG_FOR_THE_EMULATOR.contains(method.getName()))
              .orElse(false);
      if (tooBig && MongoTestServer.isEmulator()) {
        return ConditionEvaluationResult.disabled(
            "EMULATOR LIMIT: mongo-java-server has no secondary indexes and cannot finish this"
                + " load test within its bound; it runs on a real MongoDB"
                + " (TGSESSION_TEST_MONGO_URI, Docker or mongod on the PATH)");
      }
      return ConditionEvaluationResult.enabled("runs on " + MongoTestServer.kind());
    }
  }
}
