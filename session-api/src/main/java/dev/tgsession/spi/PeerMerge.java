package dev.tgsession.spi;

import dev.tgsession.PeerInfo;
import org.jspecify.annotations.Nullable;

/**
 * The merge rule of {@link dev.tgsession.Session#cachePeer}, as a pure function: a {@code null}
 * component of the incoming peer keeps the stored one, a non-null one replaces it.
 */
public final class PeerMerge {

  private PeerMerge() {}

  /**
   * Merges {@code incoming} into {@code stored}.
   *
   * @param stored what is stored, or null for a new peer
   * @param incoming what is being cached
   * @throws IllegalArgumentException if the two have different ids
   */
  public static PeerInfo merge(@Nullable PeerInfo stored, PeerInfo incoming) {
    if (stored == null) {
      return incoming;
    }
    if (!stored.peerId().equals(incoming.peerId())) {
      throw new IllegalArgumentException(
          "expected two records of one peer, found "
              + stored.peerId()
              + " and "
              + incoming.peerId());
    }
    if (incoming instanceof PeerInfo.User in && stored instanceof PeerInfo.User st) {
      return new PeerInfo.User(
          in.id(),
          or(in.auth(), st.auth()),
          or(in.bot(), st.bot()),
          or(in.self(), st.self()),
          or(in.usernames(), st.usernames()),
          or(in.phone(), st.phone()));
    }
    if (incoming instanceof PeerInfo.Channel in && stored instanceof PeerInfo.Channel st) {
      return new PeerInfo.Channel(
          in.id(),
          or(in.auth(), st.auth()),
          or(in.kind(), st.kind()),
          or(in.usernames(), st.usernames()));
    }
    return incoming;
  }

  private static <T> @Nullable T or(@Nullable T preferred, @Nullable T fallback) {
    return preferred != null ? preferred : fallback;
  }
}
