package dev.tgsession;

/**
 * The update sequence of one channel.
 *
 * @param id the bare channel id
 * @param pts the channel's pts
 */
public record ChannelState(long id, int pts) {

  /**
   * Validates the state.
   *
   * @throws IllegalArgumentException on a channel id out of range or a negative pts
   */
  public ChannelState {
    PeerId.channel(id);
    if (pts < 0) {
      throw new IllegalArgumentException(
          "expected a non-negative pts for channel " + id + ", found " + pts);
    }
  }
}
