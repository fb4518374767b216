package dev.tgsession.sqlite;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A bounded mix of writes and reads on one session, run in this JVM by {@link ConcurrencyTest} and
 * in a second JVM by its {@code main}. Every write it reports was acknowledged (returned normally).
 */
final class SessionWorker {

  static final long SHARED_PEER = 42;

  private SessionWorker() {}

  /** The user a worker writes as its {@code i}-th write. */
  static PeerInfo.User user(int worker, int i) {
    long id = worker * 1_000_000L + i;
    return new PeerInfo.User(
        id, new PeerAuth(id * 31 + 7), null, null, List.of("w" + worker + "_" + i), null);
  }

  /**
   * Runs {@code count} rounds: cache a peer (every tenth round a batch of five), read it back, read
   * a peer of another worker, move the shared peer and the update state.
   *
   * @return how many users this worker wrote ({@code user(worker, 0..n-1)})
   */
  static int run(Session session, int worker, int count) {
    Random random = new Random(worker);
    int written = 0;
    for (int round = 0; round < count; round++) {
      if (round % 10 == 0) {
        List<PeerInfo> batch = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
          batch.add(user(worker, written + k));
        }
        session.cachePeers(batch);
        written += 5;
      } else {
        session.cachePeer(user(worker, written));
        written++;
      }
      PeerInfo.User mine = user(worker, written - 1);
      if (!session.peer(mine.peerId()).equals(java.util.Optional.of(mine))) {
        throw new AssertionError("worker " + worker + " could not read back " + mine);
      }
      int other = worker == 1 ? 2 : 1;
      session.peer(PeerId.user(other * 1_000_000L + random.nextInt(count)));
      session.peerByUsername("w" + other + "_" + random.nextInt(count));
      session.cachePeer(PeerInfo.User.of(SHARED_PEER, worker * 100_000L + round));
      session.setUpdateState(new UpdateState.Primary(round, round, round));
      session.setUpdateState(new UpdateState.Channel(worker * 1000L + round % 20, round));
      session.updatesState();
    }
    return written;
  }

  /** {@code SessionWorker URI WORKER COUNT}: prints READY, then DONE and the users written. */
  public static void main(String[] args) {
    try (Session session = Sessions.open(args[0])) {
      System.out.println("READY");
      System.out.flush();
      int written = run(session, Integer.parseInt(args[1]), Integer.parseInt(args[2]));
      System.out.println("DONE " + written);
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1);
    }
  }
}
