package dev.tgsession.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and key values of store-operation Observations; implement it to change them, or extend
 * {@link DefaultSessionObservationConvention} to add to them.
 *
 * @since 0.3.0
 */
public interface SessionObservationConvention
    extends ObservationConvention<SessionOperationContext> {

  @Override
  default boolean supportsContext(Observation.Context context) {
    return context instanceof SessionOperationContext;
  }
}
