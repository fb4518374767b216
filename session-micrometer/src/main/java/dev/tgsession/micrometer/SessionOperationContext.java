package dev.tgsession.micrometer;

import dev.tgsession.SessionListener;
import io.micrometer.observation.Observation;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an Observation of one store operation knows: the session, the operation and, once it ended,
 * its batch size and error type. Conventions read it.
 *
 * @since 0.3.0
 */
public final class SessionOperationContext extends Observation.Context {

  private final SessionListener.Source source;
  private final String operation;
  private volatile int batchSize = -1;
  private volatile @Nullable String errorType;

  SessionOperationContext(SessionListener.Source source, String operation) {
    this.source = Objects.requireNonNull(source, "source");
    this.operation = Objects.requireNonNull(operation, "operation");
  }

  void ended(SessionListener.Operation ended) {
    batchSize = ended.batchSize();
    errorType = ended.errorType();
  }

  /** The session (its backend's scheme and its name). */
  public SessionListener.Source source() {
    return source;
  }

  /** The {@link dev.tgsession.Session} method the operation serves ({@code peer}, ...). */
  public String operation() {
    return operation;
  }

  /** The items the operation carried (peers of a batch); -1 until it ended. */
  public int batchSize() {
    return batchSize;
  }

  /** The simple class name of the exception it ended with; null while running or on success. */
  public @Nullable String errorType() {
    return errorType;
  }
}
