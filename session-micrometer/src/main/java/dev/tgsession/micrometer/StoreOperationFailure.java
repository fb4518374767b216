package dev.tgsession.micrometer;

import dev.tgsession.SessionListener;

/**
 * Marks an Observation as failed: listeners hear the failed operation's error type, not its
 * exception, so this stands for it (its message names the type). Carries no stack trace.
 */
final class StoreOperationFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  StoreOperationFailure(SessionListener.Operation operation) {
    super(
        operation.errorType()
            + " in "
            + operation.name()
            + " of session "
            + operation.source().session()
            + " ("
            + operation.source().backend()
            + ")",
        null,
        false,
        false);
  }
}
