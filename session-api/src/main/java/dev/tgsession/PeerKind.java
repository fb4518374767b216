package dev.tgsession;

/** What a {@link PeerId} refers to. */
public enum PeerKind {
  /** A user or bot account. */
  USER,
  /** The logged-in account itself, when its real id is not at hand ({@link PeerId#selfUser()}). */
  USER_SELF,
  /** A small group chat. */
  CHAT,
  /** A broadcast channel, megagroup, gigagroup or monoforum. */
  CHANNEL
}
