package dev.tgsession.postgres;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.Sessions;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.SessionImport;
import dev.tgsession.tck.TckData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The copy of the kill -9 test: replaces the session its argument names with {@link #data} (as
 * {@code tgsession copy} and {@code import} do), saying {@code COPYING} first and {@code DONE}
 * after.
 */
public final class ReplaceMain {

  static final int PEERS = 20_000;

  private ReplaceMain() {}

  /** The new session: DC 2 with the key of seed {@code seed}, PEERS users, pts = seed. */
  static SessionData data(int seed, int peers) {
    Map<PeerId, PeerInfo> users = new LinkedHashMap<>();
    for (int i = 1; i <= peers; i++) {
      PeerInfo user = new PeerInfo.User(i, new PeerAuth(i * 31L + seed), null, null, null, null);
      users.put(user.peerId(), user);
    }
    return new SessionData(
        2, Map.of(2, TckData.dc(2, seed)), users, new UpdatesState(seed, 0, 0, 0, List.of()));
  }

  public static void main(String[] args) {
    Session session = Sessions.open(args[0]);
    SessionData data = data(Integer.parseInt(args[1]), PEERS);
    System.out.println("COPYING");
    System.out.flush();
    SessionImport.replace(session, data);
    System.out.println("DONE");
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }
}
