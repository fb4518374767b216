package dev.tgsession;

/** The flavour of a {@link PeerInfo.Channel}, which decides what one can do in it. */
public enum ChannelKind {
  /** A channel where only admins post. */
  BROADCAST,
  /** A supergroup. */
  MEGAGROUP,
  /** A broadcast group (a megagroup past the member limit). */
  GIGAGROUP
}
