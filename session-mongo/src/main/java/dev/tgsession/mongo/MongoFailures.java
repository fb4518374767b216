package dev.tgsession.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import dev.tgsession.SessionStorageException;
import dev.tgsession.support.QuotedValue;
import java.util.function.Supplier;

/**
 * The one place this backend builds its {@link SessionStorageException}: {@code MongoDB at
 * HOSTS/DATABASE failed to OPERATION for session 'NAME': CAUSE}, the driver's words with every
 * credential scrubbed ({@link MongoTarget#scrub}), then what to check.
 */
final class MongoFailures {

  private final MongoTarget target;

  MongoFailures(MongoTarget target) {
    this.target = target;
  }

  /** Runs one driver call, turning a driver failure into the session's storage failure. */
  <T> T call(String operation, Supplier<T> body) {
    try {
      return body.get();
    } catch (MongoException e) {
      throw storage(operation, e);
    }
  }

  void run(String operation, Runnable body) {
    call(
        operation,
        () -> {
          body.run();
          return null;
        });
  }

  SessionStorageException storage(String operation, MongoException e) {
    return storage(target, operation, e);
  }

  static SessionStorageException storage(MongoTarget target, String operation, MongoException e) {
    return new SessionStorageException(
        "MongoDB at "
            + target.where()
            + " failed to "
            + operation
            + " for session '"
            + QuotedValue.cut(target.session())
            + "': "
            + target.scrub(e.getMessage())
            + advice(e),
        e);
  }

  private static String advice(MongoException e) {
    if (e instanceof MongoSecurityException) {
      return "; check the user, password and authSource in the URI";
    }
    if (e instanceof MongoTimeoutException || e instanceof MongoSocketException) {
      return "; check that the server is running and reachable (serverSelectionTimeoutMS in the"
          + " URI sets how long to wait)";
    }
    if (e instanceof MongoCommandException command && command.getErrorCode() == 13) {
      return "; check that the user may read and write this database";
    }
    return "";
  }
}
