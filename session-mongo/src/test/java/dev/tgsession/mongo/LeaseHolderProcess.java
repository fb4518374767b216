package dev.tgsession.mongo;

import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.Sessions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A separate JVM holding a lease, for {@link MongoLeaseProcessTest}: opens {@code args[0]} (a URI
 * with {@code lease=}), prints {@code HELD <token> <expiresAt>}, then on each line {@code write}
 * from stdin caches user 1 with hash 666 and prints {@code WROTE} or {@code LOST}.
 */
final class LeaseHolderProcess {

  private LeaseHolderProcess() {}

  public static void main(String[] args) throws Exception {
    try (Session session = Sessions.open(args[0])) {
      var lease = session.lease().orElseThrow();
      System.out.println("HELD " + lease.token() + " " + lease.expiresAt());
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.equals("write")) {
          try {
            session.cachePeer(PeerInfo.User.of(1, 666));
            System.out.println("WROTE");
          } catch (SessionLeaseLostException e) {
            System.out.println("LOST");
          }
          System.out.flush();
        }
      }
    }
    System.exit(0);
  }
}
