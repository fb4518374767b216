package dev.tgsession.micrometer;

import dev.tgsession.micrometer.SessionObservation.HighCardinalityKeys;
import dev.tgsession.micrometer.SessionObservation.LowCardinalityKeys;
import io.micrometer.common.KeyValues;

/**
 * The default names: Observation {@value #NAME} (timer {@code tgsession.operation}, seconds),
 * contextual name the operation's ({@code cachePeers}), keys as {@link SessionObservation} lists.
 *
 * @since 0.3.0
 */
public class DefaultSessionObservationConvention implements SessionObservationConvention {

  /** The Observation's name, and so the timer's. */
  public static final String NAME = "tgsession.operation";

  /** What {@code error.type} says when the operation succeeded. */
  public static final String NO_ERROR = "none";

  /** The shared instance. */
  public static final DefaultSessionObservationConvention INSTANCE =
      new DefaultSessionObservationConvention();

  /** Creates the convention; extend it to add key values. */
  public DefaultSessionObservationConvention() {}

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public String getContextualName(SessionOperationContext context) {
    return context.operation();
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(SessionOperationContext context) {
    String errorType = context.errorType();
    String backend = context.source().backend();
    return KeyValues.of(
        LowCardinalityKeys.DB_SYSTEM_NAME.withValue(DbSystem.name(backend)),
        LowCardinalityKeys.DB_OPERATION_NAME.withValue(context.operation()),
        LowCardinalityKeys.ERROR_TYPE.withValue(errorType == null ? NO_ERROR : errorType),
        LowCardinalityKeys.BACKEND.withValue(backend));
  }

  @Override
  public KeyValues getHighCardinalityKeyValues(SessionOperationContext context) {
    KeyValues values =
        KeyValues.of(HighCardinalityKeys.SESSION.withValue(context.source().session()));
    int batchSize = context.batchSize();
    return batchSize < 0
        ? values
        : values.and(HighCardinalityKeys.BATCH_SIZE.withValue(Integer.toString(batchSize)));
  }
}
