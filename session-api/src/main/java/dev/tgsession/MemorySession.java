package dev.tgsession;

import dev.tgsession.spi.AbstractSession;
import dev.tgsession.spi.PeerBatch;
import dev.tgsession.spi.PeerMerge;
import dev.tgsession.spi.StoredDcs;
import dev.tgsession.spi.WriteFence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** A session held in maps, guarded by one read-write lock. */
final class MemorySession extends AbstractSession {

  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<PeerId, PeerInfo> peers = new HashMap<>();
  private final Map<String, PeerId> usernameOwners = new HashMap<>();
  private final Map<String, PeerId> phoneOwners = new HashMap<>();
  private @Nullable PeerId selfUser;
  private int homeDcId;
  private final Map<Integer, DcOption> dcOptions = new TreeMap<>();
  private int pts;
  private int qts;
  private int date;
  private int seq;
  private final Map<Long, Integer> channelPts = new TreeMap<>();
  private final Map<PeerId, Instant> cachedAt = new HashMap<>();
  private final Map<String, byte[]> extras = new TreeMap<>();

  MemorySession(String description) {
    super(description);
  }

  @Override
  protected StoredDcs loadDcs() {
    return read(() -> new StoredDcs(homeDcId, dcOptions));
  }

  @Override
  protected void storeHomeDcId(int dcId, WriteFence fence) {
    write(() -> homeDcId = dcId);
  }

  @Override
  protected void storeDcOption(DcOption option, WriteFence fence) {
    write(() -> dcOptions.put(option.id(), option));
  }

  @Override
  protected @Nullable PeerInfo loadPeer(PeerId id) {
    return read(() -> peers.get(id));
  }

  @Override
  protected PeerInfo.@Nullable User loadSelfUser() {
    return read(() -> selfUser == null ? null : (PeerInfo.User) peers.get(selfUser));
  }

  @Override
  protected @Nullable PeerInfo loadPeerByUsername(String username) {
    return read(() -> ownedBy(usernameOwners.get(username)));
  }

  @Override
  protected @Nullable PeerInfo loadPeerByPhone(String phone) {
    return read(() -> ownedBy(phoneOwners.get(phone)));
  }

  @Override
  protected void storePeers(List<PeerInfo> reducedBatch, Instant at, WriteFence fence) {
    write(
        () -> {
          for (PeerInfo peer : reducedBatch) {
            store(peer);
            cachedAt.put(peer.peerId(), at);
          }
        });
  }

  @Override
  protected @Nullable Instant loadPeerCachedAt(PeerId id) {
    return read(() -> cachedAt.get(id));
  }

  @Override
  protected long prunePeers(Instant olderThan, WriteFence fence) {
    return writeCounting(
        () -> {
          List<PeerId> old = new ArrayList<>();
          cachedAt.forEach(
              (id, at) -> {
                if (at.isBefore(olderThan) && !id.equals(selfUser)) {
                  old.add(id);
                }
              });
          for (PeerId id : old) {
            PeerInfo gone = peers.remove(id);
            cachedAt.remove(id);
            if (gone != null && gone.usernames() != null) {
              gone.usernames().forEach(name -> usernameOwners.remove(name, id));
            }
            if (gone instanceof PeerInfo.User user && user.phone() != null) {
              phoneOwners.remove(user.phone(), id);
            }
          }
          return old.size();
        });
  }

  @Override
  protected Map<String, byte[]> loadExtras() {
    return read(
        () -> {
          Map<String, byte[]> copy = new TreeMap<>();
          extras.forEach((name, value) -> copy.put(name, value.clone()));
          return copy;
        });
  }

  @Override
  protected void storeExtra(String name, byte @Nullable [] value, WriteFence fence) {
    write(
        () -> {
          if (value == null) {
            extras.remove(name);
          } else {
            extras.put(name, value.clone());
          }
        });
  }

  private void store(PeerInfo incoming) {
    PeerId id = incoming.peerId();
    PeerInfo stored = peers.get(id);
    PeerInfo merged = PeerMerge.merge(stored, incoming);
    if (incoming.usernames() != null) {
      if (stored != null && stored.usernames() != null) {
        for (String lost : stored.usernames()) {
          usernameOwners.remove(lost, id);
        }
      }
      for (String username : incoming.usernames()) {
        PeerId previous = usernameOwners.put(username, id);
        if (previous != null && !previous.equals(id)) {
          peers.computeIfPresent(
              previous, (key, other) -> PeerBatch.withoutUsername(other, username));
        }
      }
    }
    if (incoming instanceof PeerInfo.User user) {
      if (user.phone() != null) {
        if (stored instanceof PeerInfo.User old && old.phone() != null) {
          phoneOwners.remove(old.phone(), id);
        }
        PeerId previous = phoneOwners.put(user.phone(), id);
        if (previous != null && !previous.equals(id)) {
          peers.computeIfPresent(previous, (key, other) -> ((PeerInfo.User) other).withPhone(null));
        }
      }
      if (user.isSelf()) {
        if (selfUser != null && !selfUser.equals(id)) {
          peers.computeIfPresent(
              selfUser, (key, other) -> ((PeerInfo.User) other).withSelf(Boolean.FALSE));
        }
        selfUser = id;
      } else if (Boolean.FALSE.equals(user.self()) && id.equals(selfUser)) {
        selfUser = null;
      }
    }
    peers.put(id, merged);
  }

  private @Nullable PeerInfo ownedBy(@Nullable PeerId owner) {
    return owner == null ? null : peers.get(owner);
  }

  @Override
  protected UpdatesState loadUpdatesState() {
    return read(
        () -> {
          List<ChannelState> channels = new ArrayList<>(channelPts.size());
          channelPts.forEach((id, channel) -> channels.add(new ChannelState(id, channel)));
          return new UpdatesState(pts, qts, date, seq, channels);
        });
  }

  @Override
  protected void storeUpdateState(UpdateState update, WriteFence fence) {
    write(
        () -> {
          if (update instanceof UpdateState.All all) {
            UpdatesState state = all.state();
            pts = state.pts();
            qts = state.qts();
            date = state.date();
            seq = state.seq();
            channelPts.clear();
            state.channels().forEach(channel -> channelPts.put(channel.id(), channel.pts()));
          } else if (update instanceof UpdateState.Primary primary) {
            pts = primary.pts();
            date = primary.date();
            seq = primary.seq();
          } else if (update instanceof UpdateState.Secondary secondary) {
            qts = secondary.qts();
          } else if (update instanceof UpdateState.Channel channel) {
            channelPts.put(channel.id(), channel.pts());
          }
        });
  }

  @Override
  protected Stream<PeerInfo> streamPeers() {
    return read(() -> List.copyOf(peers.values())).stream();
  }

  @Override
  protected long countPeers() {
    return read(peers::size);
  }

  @Override
  protected void clearStore(WriteFence fence) {
    forget();
  }

  private void forget() {
    write(
        () -> {
          extras.clear();
          cachedAt.clear();
          peers.clear();
          usernameOwners.clear();
          phoneOwners.clear();
          selfUser = null;
          homeDcId = 0;
          dcOptions.clear();
          pts = qts = date = seq = 0;
          channelPts.clear();
        });
  }

  /** One unit to every reader: the whole replacement runs under the write lock. */
  @Override
  protected void replaceStore(
      SessionData data, byte @Nullable [] vault, Instant at, WriteFence fence) {
    write(() -> super.replaceStore(data, vault, at, fence));
  }

  @Override
  protected void closeStore() {
    forget();
  }

  private <T> T read(java.util.function.Supplier<T> body) {
    lock.readLock().lock();
    try {
      return body.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  private long writeCounting(java.util.function.Supplier<Integer> body) {
    lock.writeLock().lock();
    try {
      return body.get();
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void write(Runnable body) {
    lock.writeLock().lock();
    try {
      body.run();
    } finally {
      lock.writeLock().unlock();
    }
  }
}
