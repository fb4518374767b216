package dev.tgsession.bench;

import dev.tgsession.SessionListener;
import dev.tgsession.Sessions;

/**
 * Registers the do-nothing listener of {@link ListenerCost}; a class of its own so that {@code
 * ListenerCost} itself runs on a session-api without the listener SPI.
 */
final class ListenerCostProbe {

  private ListenerCostProbe() {}

  static AutoCloseable register() {
    return Sessions.addListener(new SessionListener() {});
  }
}
