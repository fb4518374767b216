package dev.tgsession.tck.broken;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionLease;
import dev.tgsession.SessionLeasedException;
import dev.tgsession.SessionStore;
import dev.tgsession.SessionSummary;
import dev.tgsession.Sessions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * The directory of the {@link SharedMemory} stores of one namespace, read in pages of {@value
 * #PAGE} names (each page the names after the last one seen), as a store with a name index would.
 * {@code listsDeleted} keeps deleted sessions in the listing, as a store that forgets its index.
 */
final class SharedMemoryDirectory implements SessionStore {

  static final int PAGE = 7;

  private final String scheme;
  private final String namespace;
  private final boolean listsDeleted;

  SharedMemoryDirectory(String scheme, String namespace, boolean listsDeleted) {
    this.scheme = scheme;
    this.namespace = namespace;
    this.listsDeleted = listsDeleted;
  }

  private boolean listed(SharedMemory.Store store) {
    return store.written && (listsDeleted || !store.deleted);
  }

  /** Up to {@value #PAGE} names after {@code after} (null: from the start), in order. */
  private List<String> page(String prefix, @Nullable String after) {
    List<String> names = new ArrayList<>();
    SharedMemory.STORES.forEach(
        (key, store) -> {
          if (key.startsWith(namespace + prefix) && listed(store)) {
            String name = key.substring(namespace.length());
            if (after == null || name.compareTo(after) > 0) {
              names.add(name);
            }
          }
        });
    names.sort(null);
    return names.subList(0, Math.min(PAGE, names.size()));
  }

  @Override
  public Stream<SessionSummary> list(String namePrefix) {
    Iterator<String> names =
        new Iterator<>() {
          private List<String> page = page(namePrefix, null);
          private int next;

          @Override
          public boolean hasNext() {
            if (next == page.size() && page.size() == PAGE) {
              page = page(namePrefix, page.get(PAGE - 1));
              next = 0;
            }
            return next < page.size();
          }

          @Override
          public String next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return page.get(next++);
          }
        };
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(names, Spliterator.ORDERED), false)
        .map(this::summary)
        .flatMap(Optional::stream);
  }

  @Override
  public Optional<SessionSummary> summary(String name) {
    SharedMemory.Store store = SharedMemory.STORES.get(namespace + name);
    if (store == null || !listed(store)) {
      return Optional.empty();
    }
    Session data = store.data;
    Long self = data.peer(PeerId.selfUser()).map(PeerInfo::peerId).map(PeerId::bareId).orElse(null);
    SessionLease lease;
    String fingerprint;
    synchronized (store) {
      lease = store.lease;
      byte[] vault = store.vault;
      // "TGSK", version, 16 bytes of vault id, then the 4 bytes of the key's fingerprint
      fingerprint =
          vault == null || vault.length < 25 ? null : HexFormat.of().formatHex(vault, 21, 25);
    }
    Optional<SessionLease> held =
        lease != null && lease.expiresAt().isAfter(Instant.now())
            ? Optional.of(lease)
            : Optional.empty();
    return Optional.of(
        new SessionSummary(
            name, data.homeDcId(), self, data.peerCount(), store.updatedAt, held, fingerprint));
  }

  @Override
  public Session open(String name) {
    return Sessions.open(scheme + ":?session=" + name);
  }

  @Override
  public boolean delete(String name) {
    return remove(name, false);
  }

  @Override
  public boolean forceDelete(String name) {
    return remove(name, true);
  }

  private boolean remove(String name, boolean force) {
    SharedMemory.Store store = SharedMemory.STORES.get(namespace + name);
    if (store == null || store.deleted || !store.written) {
      return false;
    }
    synchronized (store) {
      SessionLease lease = store.lease;
      if (!force && lease != null && lease.expiresAt().isAfter(Instant.now())) {
        throw new SessionLeasedException(scheme + ":" + name, lease.owner(), lease.expiresAt());
      }
      store.deleted = true;
      store.lease = null;
    }
    if (listsDeleted) {
      store.data.clear();
    } else {
      SharedMemory.STORES.remove(namespace + name, store);
    }
    return true;
  }

  @Override
  public String description() {
    return scheme + ":";
  }

  @Override
  public void close() {}
}
