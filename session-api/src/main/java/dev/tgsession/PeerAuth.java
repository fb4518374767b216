package dev.tgsession;

/**
 * The access hash that proves to Telegram this session may address a peer.
 *
 * @param accessHash the hash Telegram handed out with the peer; {@code 0} is the ambient authority
 */
public record PeerAuth(long accessHash) {

  /**
   * Ambient authority: Telegram accepts hash {@code 0} for chats, and for users that are contacts
   * of the account or reached by a bot.
   */
  public static final PeerAuth AMBIENT = new PeerAuth(0);

  /** Returns whether this is the {@linkplain #AMBIENT ambient} authority. */
  public boolean isAmbient() {
    return accessHash == 0;
  }
}
