package dev.tgsession.spi;

import dev.tgsession.AddressFamily;
import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The DC side of one session, served from memory: home DC and its address family, DC options (known
 * DCs filled in) and media-only options. Loaded once, replaced whole on each write, under one lock
 * that also orders vault writes.
 */
final class DcState {

  final ReentrantLock lock = new ReentrantLock();
  private volatile @Nullable Dcs dcs;

  Dcs get(Supplier<Dcs> loader) {
    Dcs current = dcs;
    if (current == null) {
      lock.lock();
      try {
        current = dcs;
        if (current == null) {
          current = loader.get();
          dcs = current;
        }
      } finally {
        lock.unlock();
      }
    }
    return current;
  }

  void set(Dcs next) {
    dcs = next;
  }

  void drop() {
    dcs = null;
  }

  /** Immutable: looked up without allocating. */
  record Dcs(
      int homeDcId,
      AddressFamily family,
      Map<Integer, Optional<DcOption>> options,
      Map<Integer, DcOption> media) {

    static Dcs of(StoredDcs stored, Map<String, byte[]> extras, String description) {
      Map<Integer, Optional<DcOption>> options = new HashMap<>();
      KnownDcs.all().forEach((id, option) -> options.put(id, Optional.of(option)));
      stored.options().forEach((id, option) -> options.put(id, Optional.of(option)));
      int home = stored.homeDcId() == 0 ? KnownDcs.DEFAULT_HOME_DC : stored.homeDcId();
      return new Dcs(
          home,
          SessionExtras.family(extras.get(SessionExtras.HOME_FAMILY), description),
          Map.copyOf(options),
          SessionExtras.mediaOptions(extras, description));
    }

    Dcs withHome(int dcId, AddressFamily newFamily) {
      return new Dcs(dcId, newFamily, options, media);
    }

    Dcs withOption(DcOption option) {
      Map<Integer, Optional<DcOption>> next = new HashMap<>(options);
      next.put(option.id(), Optional.of(option));
      return new Dcs(homeDcId, family, Map.copyOf(next), media);
    }

    Dcs withMedia(DcOption option) {
      Map<Integer, DcOption> next = new TreeMap<>(media);
      next.put(option.id(), option.withAuthKey(null));
      return new Dcs(homeDcId, family, options, Collections.unmodifiableMap(next));
    }

    Optional<DcOption> option(int dcId) {
      return options.getOrDefault(dcId, Optional.empty());
    }

    /** The media option of a DC with the DC's auth key. */
    Optional<DcOption> mediaOption(int dcId) {
      DcOption addresses = media.get(dcId);
      if (addresses == null) {
        return Optional.empty();
      }
      AuthKey key = option(dcId).map(DcOption::authKey).orElse(null);
      return Optional.of(addresses.withAuthKey(key));
    }

    Map<Integer, DcOption> asMap() {
      Map<Integer, DcOption> map = new TreeMap<>();
      options.forEach((id, option) -> option.ifPresent(o -> map.put(id, o)));
      return Collections.unmodifiableMap(map);
    }

    Map<Integer, DcOption> mediaMap() {
      Map<Integer, DcOption> map = new TreeMap<>();
      media.keySet().forEach(id -> map.put(id, mediaOption(id).orElseThrow()));
      return Collections.unmodifiableMap(map);
    }
  }
}
