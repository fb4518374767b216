package dev.tgsession.postgres;

import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.Sessions;
import java.sql.Connection;
import java.sql.PreparedStatement;

/**
 * The paused holder of the SIGSTOP test: opens the session its argument names (with {@code
 * lease=}), writes, then begins a write the way the backend does (on the session's pool, the lease
 * row locked by the fence, the session's advisory lock taken) and says {@code MIDWRITE token}, to
 * be stopped there. Once continued and given a line on stdin it tries to commit, then writes
 * through the session again and says {@code LOST} (the lease was taken over) or {@code WROTE}.
 */
public final class PausedWriterMain {

  private PausedWriterMain() {}

  public static void main(String[] args) throws Exception {
    Session session = Sessions.open(args[0]);
    session.cachePeer(PeerInfo.User.of(1, 1));
    PostgresSession postgres = (PostgresSession) session;
    String name = args[1];
    long token = session.lease().orElseThrow().token();
    try (Connection connection = postgres.pool().connection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement fence = connection.prepareStatement(PostgresLeaseStore.FENCE);
          PreparedStatement lock = connection.prepareStatement(PeerPostgresCodec.LOCK_SESSION)) {
        fence.setString(1, name);
        fence.setLong(2, token);
        fence.executeQuery().close();
        lock.setString(1, PeerPostgresCodec.lockKey(name));
        lock.executeQuery().close();
      }
      System.out.println("MIDWRITE " + token);
      System.out.flush();
      // stopped here by the test; continued, it waits for the test's word to go on
      new java.io.BufferedReader(new java.io.InputStreamReader(System.in, "UTF-8")).readLine();
      connection.commit();
    } catch (java.sql.SQLException expected) {
      // the server ended the paused transaction
    }
    try {
      session.cachePeer(PeerInfo.User.of(2, 2));
      System.out.println("WROTE");
    } catch (SessionLeaseLostException e) {
      System.out.println("LOST");
    }
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }
}
