package dev.tgsession.tck.broken;

import dev.tgsession.DcOption;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** A session that passes every call on; broken backends override the one rule they break. */
class ForwardingSession implements Session {

  final Session delegate;

  ForwardingSession(Session delegate) {
    this.delegate = delegate;
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
  public String toString() {
    return getClass().getSimpleName() + "[" + delegate + "]";
  }
}
