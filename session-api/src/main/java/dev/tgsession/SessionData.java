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
 * @param mediaDcOptions the media-only DC options by id (since 0.3.0)
 * @param tempAuthKeys the temporary keys of the DCs' main connections by DC id (since 0.3.0)
 * @param mediaTempAuthKeys the temporary keys of the DCs' media connections (since 0.3.0)
 * @param homeDcFamily the address family the home DC was given in (since 0.3.0)
 */
public record SessionData(
    int homeDcId,
    Map<Integer, DcOption> dcOptions,
    Map<PeerId, PeerInfo> peers,
    UpdatesState updatesState,
    Map<Integer, DcOption> mediaDcOptions,
    Map<Integer, TempAuthKey> tempAuthKeys,
    Map<Integer, TempAuthKey> mediaTempAuthKeys,
    AddressFamily homeDcFamily) {

  /**
   * A session's data without media DCs and temporary keys, its home DC given as IPv4: what 0.2.0's
   * constructor took.
   */
  public SessionData(
      int homeDcId,
      Map<Integer, DcOption> dcOptions,
      Map<PeerId, PeerInfo> peers,
      UpdatesState updatesState) {
    this(
        homeDcId, dcOptions, peers, updatesState, Map.of(), Map.of(), Map.of(), AddressFamily.IPV4);
  }

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
    java.util.Objects.requireNonNull(homeDcFamily, "homeDcFamily");
    mediaDcOptions = byDc("mediaDcOptions", mediaDcOptions, DcOption::id);
    tempAuthKeys = byDc("tempAuthKeys", tempAuthKeys, key -> null);
    mediaTempAuthKeys = byDc("mediaTempAuthKeys", mediaTempAuthKeys, key -> null);
    dcOptions = Collections.unmodifiableMap(options);
    peers = Collections.unmodifiableMap(copy);
    java.util.Objects.requireNonNull(updatesState, "updatesState");
  }

  /** The data of a new session: home DC 2, the known DCs without keys, no peers, zero state. */
  private static <V> Map<Integer, V> byDc(
      String what, Map<Integer, V> values, java.util.function.Function<V, Integer> idOf) {
    java.util.Objects.requireNonNull(values, what);
    Map<Integer, V> sorted = new TreeMap<>();
    values.forEach(
        (id, value) -> {
          if (id == null || value == null) {
            throw new NullPointerException(
                what
                    + ": expected DC ids mapped to values, found a null "
                    + (id == null ? "id" : "value for DC " + id));
          }
          if (id <= 0) {
            throw new IllegalArgumentException(what + ": expected positive DC ids, found " + id);
          }
          Integer own = idOf.apply(value);
          if (own != null && own.intValue() != id) {
            throw new IllegalArgumentException(
                what + ": expected DC " + id + " under key " + id + ", found DC " + own);
          }
          sorted.put(id, value);
        });
    return Collections.unmodifiableMap(sorted);
  }

  /** This data with other media DCs, temporary keys and home DC family. */
  public SessionData withExtras(
      Map<Integer, DcOption> mediaDcOptions,
      Map<Integer, TempAuthKey> tempAuthKeys,
      Map<Integer, TempAuthKey> mediaTempAuthKeys,
      AddressFamily homeDcFamily) {
    return new SessionData(
        homeDcId,
        dcOptions,
        peers,
        updatesState,
        mediaDcOptions,
        tempAuthKeys,
        mediaTempAuthKeys,
        homeDcFamily);
  }

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
