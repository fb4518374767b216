package dev.tgsession.bench;

import dev.tgsession.Session;
import dev.tgsession.Sessions;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The session a benchmark class measures: opened with {@link Sessions#open(String)} on the store
 * the fork starts, holding the {@link Workload}'s users. Public because JMH's generated code
 * subclasses the benchmark classes.
 */
public abstract class OpenSession {

  /** The backend the subclass's {@code @Param} chose. */
  abstract String backend();

  private Store store;
  private Session session;

  /** Starts the backend's store, opens the session and stores the {@link Workload}'s users. */
  @Setup(Level.Trial)
  public void setUp() {
    store = Store.start(backend());
    try {
      session = Sessions.open(store.sessionUri());
      Workload.populate(session);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Closes the session and stops the store. */
  @TearDown(Level.Trial)
  public void tearDown() {
    try {
      if (session != null) {
        session.close();
      }
    } finally {
      store.close();
    }
  }

  /** The session under test (for the setup test). */
  Session session() {
    return session;
  }
}
