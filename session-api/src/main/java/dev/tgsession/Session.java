package dev.tgsession;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
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
  Map<Integer, DcOption> dcOptions();

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
   * The address family the home DC was given in ({@link #setHomeDc}); {@link AddressFamily#IPV4}
   * unless set otherwise. Served from memory. Exports into formats that carry one address use it.
   *
   * @since 0.3.0
   */
  AddressFamily homeDcFamily();

  /**
   * Sets the home datacenter and the address family it was given in, as one write.
   *
   * @throws IllegalArgumentException if {@code dcId} is not positive
   * @since 0.3.0
   */
  void setHomeDc(int dcId, AddressFamily family);

  /**
   * The media-only addresses of datacenter {@code dcId}, with that DC's auth key; empty when none
   * were set. Served from memory.
   *
   * @since 0.3.0
   */
  Optional<DcOption> mediaDcOption(int dcId);

  /**
   * Every media-only DC option, by id; served from memory.
   *
   * @since 0.3.0
   */
  Map<Integer, DcOption> mediaDcOptions();

  /**
   * Stores (or replaces) the media-only addresses of {@code option.id()}. A DC has one permanent
   * auth key: the option's key must be null or the key of that DC's main option.
   *
   * @throws IllegalArgumentException if the option carries another auth key than the DC's
   * @since 0.3.0
   */
  void setMediaDcOption(DcOption option);

  /**
   * Stores the temporary (PFS) key of a datacenter, for its main connection or ({@code media}) its
   * media connection, or removes it ({@code key} null). Sealed with the auth keys under {@code
   * encryption-key}; dropped by {@link #clear()}.
   *
   * @throws IllegalArgumentException if {@code dcId} is not positive or the key has expired
   * @since 0.3.0
   */
  void setTempAuthKey(int dcId, boolean media, @org.jspecify.annotations.Nullable TempAuthKey key);

  /**
   * The temporary key of a datacenter's main or media connection; empty when none is stored or it
   * has expired by the JVM's clock. Read from the store (coherent across instances).
   *
   * @throws IllegalArgumentException if {@code dcId} is not positive
   * @since 0.3.0
   */
  Optional<TempAuthKey> tempAuthKey(int dcId, boolean media);

  /**
   * Every unexpired temporary key of the main ({@code media} false) or media connections, by DC id:
   * what {@link Sessions#copy} carries over, whatever DCs have addresses stored. The default takes
   * them from {@link #snapshot()}; backends built on the SPI read only the keys.
   *
   * @since 0.4.0
   */
  default Map<Integer, TempAuthKey> tempAuthKeys(boolean media) {
    SessionData data = snapshot();
    return media ? data.mediaTempAuthKeys() : data.tempAuthKeys();
  }

  /**
   * When the peer was last cached ({@link #cachePeer}, {@link #cachePeers}, merges included); empty
   * when it is not cached.
   *
   * @since 0.3.0
   */
  Optional<Instant> peerCachedAt(PeerId id);

  /**
   * The peer that owns a username, if it was cached with it within {@code maxAge}: an older answer
   * may name someone who has since given the username away.
   *
   * @throws IllegalArgumentException if the username is malformed or {@code maxAge} is not positive
   * @since 0.3.0
   */
  Optional<PeerInfo> peerByUsername(String username, Duration maxAge);

  /**
   * Removes the peers last cached before {@code olderThan} (never the self user), releasing their
   * usernames and phones. DC options and the updates state are untouched.
   *
   * @return how many peers were removed
   * @throws IllegalArgumentException if {@code olderThan} is in the future
   * @since 0.3.0
   */
  long prunePeers(Instant olderThan);

  /**
   * Whether {@link #close()} was called on this instance.
   *
   * @since 0.3.0
   */
  boolean isClosed();

  /**
   * Encryption at rest of the auth keys, for a backend with capability {@code ENCRYPTION}; empty
   * for one without.
   *
   * @since 0.3.0
   */
  default Optional<SessionEncryption> encryption() {
    return Optional.empty();
  }

  /**
   * Lease operations, for a backend with capability {@code LEASE}; empty for one without.
   *
   * @since 0.3.0
   */
  default Optional<SessionLeasing> leasing() {
    return Optional.empty();
  }

  /**
   * The lease this instance holds ({@code lease=} in its URI; capability {@code LEASE}), with its
   * current expiry and fencing token; empty when it was opened without one.
   */
  default Optional<SessionLease> lease() {
    return Optional.empty();
  }
}
