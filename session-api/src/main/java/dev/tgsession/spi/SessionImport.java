package dev.tgsession.spi;

import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.UpdateState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Replaces a whole session with other data as one unit where its store can: what {@code tgsession
 * import} and {@code copy} write, so that a crash midway leaves a reader the old session or the new
 * one, never peers without keys. Backends make it atomic by overriding {@link
 * AbstractSession#replaceStore}.
 *
 * @since 0.3.0
 */
public final class SessionImport {

  private SessionImport() {}

  /**
   * Replaces everything {@code target} holds with {@code data}: DC options and keys, media DCs,
   * temporary keys, home DC and its family, peers and the updates state.
   */
  public static void replace(Session target, SessionData data) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(data, "data");
    if (target instanceof AbstractSession core) {
      core.replaceAll(data);
      return;
    }
    // Not built on AbstractSession: the public calls, one after the other (not atomic).
    target.clear();
    data.dcOptions().values().forEach(target::setDcOption);
    data.mediaDcOptions().values().forEach(target::setMediaDcOption);
    data.tempAuthKeys().forEach((id, key) -> target.setTempAuthKey(id, false, key));
    data.mediaTempAuthKeys().forEach((id, key) -> target.setTempAuthKey(id, true, key));
    target.setHomeDc(data.homeDcId(), data.homeDcFamily());
    List<dev.tgsession.PeerInfo> batch = new ArrayList<>(data.peers().values());
    for (int from = 0; from < batch.size(); from += 1000) {
      target.cachePeers(batch.subList(from, Math.min(batch.size(), from + 1000)));
    }
    target.setUpdateState(new UpdateState.All(data.updatesState()));
  }

  /** The default replaceStore: the single store writes one after the other (not atomic). */
  static void sequentially(
      AbstractSession session,
      SessionData data,
      byte @org.jspecify.annotations.Nullable [] vault,
      java.time.Instant cachedAt,
      WriteFence fence) {
    session.clearStore(fence);
    if (vault != null) {
      session.storeKeyVault(List.copyOf(data.dcOptions().values()), vault, fence);
    } else {
      for (dev.tgsession.DcOption option : data.dcOptions().values()) {
        session.storeDcOption(option, fence);
      }
    }
    session.storeHomeDcId(data.homeDcId(), fence);
    List<dev.tgsession.PeerInfo> peers = List.copyOf(data.peers().values());
    for (int from = 0; from < peers.size(); from += 1000) {
      session.storePeers(
          PeerBatch.reduce(peers.subList(from, Math.min(peers.size(), from + 1000))),
          cachedAt,
          fence);
    }
    session.storeUpdateState(new UpdateState.All(data.updatesState()), fence);
    SessionExtras.all(data, vault == null)
        .forEach((name, value) -> session.storeExtra(name, value, fence));
  }
}
