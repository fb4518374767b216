package dev.tgsession.cli;

import dev.tgsession.DcOption;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** Where {@link JsonSessionReader} puts what it has read: peers in batches, then the rest. */
interface DocumentSink {

  /** Keeps nothing: the document is only checked. */
  DocumentSink DISCARD =
      new DocumentSink() {
        @Override
        public void peers(List<PeerInfo> batch) {}

        @Override
        public void finish(
            int homeDcId,
            Collection<DcOption> dcOptions,
            UpdatesState state,
            JsonSessionExtras extras) {}
      };

  void peers(List<PeerInfo> batch);

  void finish(
      int homeDcId, Collection<DcOption> dcOptions, UpdatesState state, JsonSessionExtras extras);

  /** Writes into a session: peers as they come, the rest once the document is whole. */
  record Into(Session target) implements DocumentSink {
    @Override
    public void peers(List<PeerInfo> batch) {
      target.cachePeers(batch);
    }

    @Override
    public void finish(
        int homeDcId,
        Collection<DcOption> dcOptions,
        UpdatesState state,
        JsonSessionExtras extras) {
      for (DcOption option : dcOptions) {
        target.setDcOption(option);
      }
      extras.writeTo(target, homeDcId);
      target.setUpdateState(new UpdateState.All(state));
    }
  }

  /** Collects the document as a {@link SessionData}, all in memory. */
  final class Collect implements DocumentSink {
    private final Map<PeerId, PeerInfo> peers = new LinkedHashMap<>();
    private @Nullable SessionData data;

    @Override
    public void peers(List<PeerInfo> batch) {
      batch.forEach(peer -> peers.put(peer.peerId(), peer));
    }

    @Override
    public void finish(
        int homeDcId,
        Collection<DcOption> dcOptions,
        UpdatesState state,
        JsonSessionExtras extras) {
      Map<Integer, DcOption> options = new TreeMap<>();
      dcOptions.forEach(option -> options.put(option.id(), option));
      data =
          new SessionData(homeDcId, options, peers, state)
              .withExtras(
                  extras.mediaDcOptions(),
                  extras.tempAuthKeys(),
                  extras.mediaTempAuthKeys(),
                  extras.homeDcFamily());
    }

    SessionData data() {
      return Objects.requireNonNull(data, "finish was not called");
    }
  }
}
