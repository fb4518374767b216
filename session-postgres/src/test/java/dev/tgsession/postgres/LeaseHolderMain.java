package dev.tgsession.postgres;

import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;

/**
 * A process that opens the session its argument names (with {@code lease=}), writes, says {@code
 * HELD} on stdout and then waits to be killed: the other side of the cross-process lease test.
 */
public final class LeaseHolderMain {

  private LeaseHolderMain() {}

  public static void main(String[] args) throws InterruptedException {
    Session session = Sessions.open(args[0]);
    session.cachePeer(PeerInfo.User.of(1, 1));
    System.out.println("HELD " + session.lease().orElseThrow().token());
    System.out.flush();
    Thread.sleep(120_000);
  }
}
