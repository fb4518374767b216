package dev.tgsession;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a session holds, as plain values: what {@link Session#snapshot()} returns and what the
 * string-session codecs read and write.
 *
 * @param homeDcId the home datacenter
 * @param dcOptions the datacenter options by id
 * @param peers the cached peers by id
 * @param updatesState the updates state
 */
public record SessionData(
    int homeDcId,
    Map<Integer, DcOption> dcOptions,
    Map<PeerId, PeerInfo> peers,
    UpdatesState updatesState) {

  /**
   * Validates the data and makes unmodifiable copies of the maps.
   *
   * @throws IllegalArgumentException on a non-positive home DC or a map key that is not its value's
   *     id
   */
  public SessionData {
    if (homeDcId <= 0) {
      throw new IllegalArgumentException("expected a positive home DC id, found " + homeDcId);
    }
    java.util.Objects.requireNonNull(dcOptions, "dcOptions");
    java.util.Objects.requireNonNull(peers, "peers");
    java.util.Objects.requireNonNull(updatesState, "updatesState");
    Map<Integer, DcOption> options = new TreeMap<>();
    dcOptions.forEach(
        (id, option) -> {
          if (id == null || option == null) {
            throw new NullPointerException(
                "dcOptions: expected DC ids mapped to DC options, found a null "
                    + (id == null ? "id" : "option for DC " + id));
          }
          if (id != option.id()) {
            throw new IllegalArgumentException(
                "expected DC option " + id + " under key " + id + ", found DC " + option.id());
          }
          options.put(id, option);
        });
    Map<PeerId, PeerInfo> copy = new LinkedHashMap<>(Math.max(16, peers.size() * 4 / 3 + 1));
    peers.forEach(
        (id, peer) -> {
          if (id == null || peer == null) {
            throw new NullPointerException(
                "peers: expected peer ids mapped to peers, found a null "
                    + (id == null ? "id" : "peer for " + id));
          }
          if (!id.equals(peer.peerId())) {
            throw new IllegalArgumentException(
                "expected peer " + id + " under key " + id + ", found peer " + peer.peerId());
          }
          copy.put(id, peer);
        });
    dcOptions = Collections.unmodifiableMap(options);
    peers = Collections.unmodifiableMap(copy);
    java.util.Objects.requireNonNull(updatesState, "updatesState");
  }

  /** The data of a new session: home DC 2, the known DCs without keys, no peers, zero state. */
  public static SessionData empty() {
    return new SessionData(
        KnownDcs.DEFAULT_HOME_DC, KnownDcs.all(), Map.of(), UpdatesState.empty());
  }

  /** The auth key of the home datacenter, if there is one. */
  public java.util.Optional<AuthKey> homeAuthKey() {
    DcOption home = dcOptions.get(homeDcId);
    return java.util.Optional.ofNullable(home == null ? null : home.authKey());
  }
}
