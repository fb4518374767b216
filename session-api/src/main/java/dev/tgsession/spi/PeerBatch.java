package dev.tgsession.spi;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reduces a batch of peers to what applying it in order leaves behind, so that a store can apply
 * the result in any order (an unordered bulk write, a script over a hash):
 *
 * <ul>
 *   <li>one record per peer id: the merge ({@link PeerMerge}) of its occurrences, in the order of
 *       their last occurrence;
 *   <li>a username claimed by several peers of the batch stays only with the last claimer (it is
 *       removed from the lists of the earlier ones), likewise the phone number and the self flag
 *       (an earlier self user of the batch gets {@code self = FALSE}).
 * </ul>
 *
 * <p>The store still applies the claims of the result against what it holds: each username of a
 * record is removed from every other stored peer, its phone from every other stored user, and a
 * record with {@code self = TRUE} takes the flag from any other stored user.
 *
 * <p>One case is not exact: a user that gets a phone number in the batch and then loses it to a
 * later user of the same batch comes out with phone {@code null} (kept as stored), where applying
 * one by one would leave it with none.
 */
public final class PeerBatch {

  private PeerBatch() {}

  /**
   * Reduces a batch.
   *
   * @throws NullPointerException if the batch or one of its peers is null
   */
  public static List<PeerInfo> reduce(Collection<? extends PeerInfo> batch) {
    Objects.requireNonNull(batch, "peers");
    if (batch.size() == 1) {
      PeerInfo only = batch.iterator().next();
      return List.of(Objects.requireNonNull(only, "peer"));
    }
    Map<PeerId, PeerInfo> reduced = new LinkedHashMap<>();
    Map<String, PeerId> usernameOwners = new HashMap<>();
    Map<String, PeerId> phoneOwners = new HashMap<>();
    PeerId selfOwner = null;
    for (PeerInfo peer : batch) {
      Objects.requireNonNull(peer, () -> "expected peers, found a null in the batch");
      PeerId id = peer.peerId();
      PeerInfo merged = PeerMerge.merge(reduced.remove(id), peer);
      List<String> usernames = peer.usernames();
      if (usernames != null) {
        for (String username : usernames) {
          PeerId previous = usernameOwners.put(username, id);
          if (previous != null && !previous.equals(id)) {
            reduced.computeIfPresent(previous, (key, other) -> withoutUsername(other, username));
          }
        }
      }
      if (peer instanceof PeerInfo.User user) {
        if (user.phone() != null) {
          PeerId previous = phoneOwners.put(user.phone(), id);
          if (previous != null && !previous.equals(id)) {
            reduced.computeIfPresent(
                previous, (key, other) -> ((PeerInfo.User) other).withPhone(null));
          }
        }
        if (user.isSelf()) {
          if (selfOwner != null && !selfOwner.equals(id)) {
            reduced.computeIfPresent(
                selfOwner, (key, other) -> ((PeerInfo.User) other).withSelf(Boolean.FALSE));
          }
          selfOwner = id;
        }
      }
      reduced.put(id, merged);
    }
    return List.copyOf(reduced.values());
  }

  /** {@code peer} without {@code username} in its list. */
  public static PeerInfo withoutUsername(PeerInfo peer, String username) {
    List<String> usernames = peer.usernames();
    if (usernames == null || !usernames.contains(username)) {
      return peer;
    }
    List<String> kept = new ArrayList<>(usernames);
    kept.remove(username);
    if (peer instanceof PeerInfo.User user) {
      return user.withUsernames(kept);
    }
    return ((PeerInfo.Channel) peer).withUsernames(kept);
  }
}
