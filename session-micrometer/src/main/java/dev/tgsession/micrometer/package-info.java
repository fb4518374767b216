/**
 * Metrics and traces of tgsession's stores through Micrometer: {@link
 * dev.tgsession.micrometer.ObservationSessionListener} turns the events of {@link
 * dev.tgsession.SessionListener} into one {@link io.micrometer.observation.Observation} per store
 * operation (so a meter handler gives timers and a tracing handler gives spans) and into counters
 * and gauges of the peer cache, leases, encryption and open sessions. See docs/observability.md.
 */
@NullMarked
package dev.tgsession.micrometer;

import org.jspecify.annotations.NullMarked;
