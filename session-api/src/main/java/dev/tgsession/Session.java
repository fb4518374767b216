package dev.tgsession;

import java.util.Collection;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The state a Telegram MTProto client keeps between runs: the home datacenter and the auth key of
 * each datacenter, a cache of peers with their access hashes, and the updates state.
 *
 * <p>Open one with {@link Sessions#open(String)}. Every implementation is thread-safe. The rules
 * every backend follows, and the TCK checks:
 *
 * <ul>
 *   <li>Caching a peer merges: a {@code null} component keeps what is stored, a non-null one
 *       replaces it, so a known access hash is never lost by caching the peer without one.
 *   <li>At most one user is the self user: caching a user with {@code self = TRUE} takes the flag
 *       from the previous one.
 *   <li>A username (and a phone number) belongs to the peer most recently cached with it; a peer
 *       re-cached with a non-null username list releases the names it no longer has.
 *   <li>After {@link #close()}, every method but {@code close} throws {@link
 *       IllegalStateException}.
 * </ul>
 *
 * <p>Store failures throw {@link SessionStorageException}; bad arguments throw {@link
 * IllegalArgumentException} (or {@link NullPointerException} for a null) and change nothing.
 */
public interface Session extends AutoCloseable {

  /** The home datacenter; served from memory. */
  int homeDcId();

  /**
   * Sets the home datacenter.
   *
   * @throws IllegalArgumentException if {@code dcId} is not positive
   */
  void setHomeDcId(int dcId);

  /**
   * How to reach datacenter {@code dcId}, with its auth key if one is stored; served from memory.
   * Falls back to {@link KnownDcs} for DCs 1 to 5.
   */
  Optional<DcOption> dcOption(int dcId);

  /**
   * Every datacenter option this session knows, by id: {@link KnownDcs} and those set since; served
   * from memory.
   */
  java.util.Map<Integer, DcOption> dcOptions();

  /** Stores (or replaces) the option of {@code option.id()}, auth key included. */
  void setDcOption(DcOption option);

  /**
   * The cached peer with this id. {@link PeerId#selfUser()} finds the user cached with {@code self
   * = TRUE}.
   */
  Optional<PeerInfo> peer(PeerId id);

  /** Caches one peer, merging it with what is stored (see the class comment). */
  void cachePeer(PeerInfo peer);

  /**
   * Caches many peers as if {@link #cachePeer} were called for each in order (later wins), in one
   * round trip or transaction where the store allows.
   */
  void cachePeers(Collection<? extends PeerInfo> peers);

  /**
   * The peer that owns a username. Case-insensitive; a leading {@code @} is ignored.
   *
   * @throws IllegalArgumentException if {@code username} is not a well-formed username
   */
  Optional<PeerInfo> peerByUsername(String username);

  /**
   * The user that owns a phone number, given as digits with an optional leading {@code +}.
   *
   * @throws IllegalArgumentException if {@code phone} is not a well-formed phone number
   */
  Optional<PeerInfo> peerByPhone(String phone);

  /** The updates state. */
  UpdatesState updatesState();

  /** Applies one change to the updates state (see {@link UpdateState}). */
  void setUpdateState(UpdateState update);

  /** Every cached peer. The stream may hold store resources: close it (try-with-resources). */
  Stream<PeerInfo> peers();

  /** How many peers are cached. */
  long peerCount();

  /** Everything this session holds, as plain values. */
  SessionData snapshot();

  /** Forgets everything (sign-out): the session is as new afterwards. */
  void clear();

  /** Releases the session's resources; idempotent. */
  @Override
  void close();

  /**
   * The lease this instance holds ({@code lease=} in its URI; capability {@code LEASE}), with its
   * current expiry and fencing token; empty when it was opened without one.
   */
  default Optional<SessionLease> lease() {
    return Optional.empty();
  }
}
