package dev.tgsession;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A session that passes every call to another; extend it and override what a decorator changes
 * (metrics, logging, a read-only view, a test double that breaks one rule).
 */
public class ForwardingSession implements Session {

  /** The session every call goes to. */
  protected final Session delegate;

  /**
   * Wraps a session.
   *
   * @param delegate the session every call goes to
   */
  public ForwardingSession(Session delegate) {
    this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public int homeDcId() {
    return delegate.homeDcId();
  }

  @Override
  public void setHomeDcId(int dcId) {
    delegate.setHomeDcId(dcId);
  }

  @Override
  public Optional<DcOption> dcOption(int dcId) {
    return delegate.dcOption(dcId);
  }

  @Override
  public Map<Integer, DcOption> dcOptions() {
    return delegate.dcOptions();
  }

  @Override
  public void setDcOption(DcOption option) {
    delegate.setDcOption(option);
  }

  @Override
  public Optional<PeerInfo> peer(PeerId id) {
    return delegate.peer(id);
  }

  @Override
  public void cachePeer(PeerInfo peer) {
    delegate.cachePeer(peer);
  }

  @Override
  public void cachePeers(Collection<? extends PeerInfo> peers) {
    delegate.cachePeers(peers);
  }

  @Override
  public Optional<PeerInfo> peerByUsername(String username) {
    return delegate.peerByUsername(username);
  }

  @Override
  public Optional<PeerInfo> peerByPhone(String phone) {
    return delegate.peerByPhone(phone);
  }

  @Override
  public UpdatesState updatesState() {
    return delegate.updatesState();
  }

  @Override
  public void setUpdateState(UpdateState update) {
    delegate.setUpdateState(update);
  }

  @Override
  public Stream<PeerInfo> peers() {
    return delegate.peers();
  }

  @Override
  public long peerCount() {
    return delegate.peerCount();
  }

  @Override
  public SessionData snapshot() {
    return delegate.snapshot();
  }

  @Override
  public void clear() {
    delegate.clear();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public Optional<SessionLease> lease() {
    return delegate.lease();
  }

  @Override
  public AddressFamily homeDcFamily() {
    return delegate.homeDcFamily();
  }

  @Override
  public void setHomeDc(int dcId, AddressFamily family) {
    delegate.setHomeDc(dcId, family);
  }

  @Override
  public Optional<DcOption> mediaDcOption(int dcId) {
    return delegate.mediaDcOption(dcId);
  }

  @Override
  public Map<Integer, DcOption> mediaDcOptions() {
    return delegate.mediaDcOptions();
  }

  @Override
  public void setMediaDcOption(DcOption option) {
    delegate.setMediaDcOption(option);
  }

  @Override
  public void setTempAuthKey(
      int dcId, boolean media, @org.jspecify.annotations.Nullable TempAuthKey key) {
    delegate.setTempAuthKey(dcId, media, key);
  }

  @Override
  public Optional<TempAuthKey> tempAuthKey(int dcId, boolean media) {
    return delegate.tempAuthKey(dcId, media);
  }

  @Override
  public Map<Integer, TempAuthKey> tempAuthKeys(boolean media) {
    return delegate.tempAuthKeys(media);
  }

  @Override
  public Optional<Instant> peerCachedAt(PeerId id) {
    return delegate.peerCachedAt(id);
  }

  @Override
  public Optional<PeerInfo> peerByUsername(String username, Duration maxAge) {
    return delegate.peerByUsername(username, maxAge);
  }

  @Override
  public long prunePeers(Instant olderThan) {
    return delegate.prunePeers(olderThan);
  }

  @Override
  public boolean isClosed() {
    return delegate.isClosed();
  }

  @Override
  public Optional<SessionEncryption> encryption() {
    return delegate.encryption();
  }

  @Override
  public Optional<SessionLeasing> leasing() {
    return delegate.leasing();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + delegate + "]";
  }
}
