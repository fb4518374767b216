package dev.tgsession;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where the account's update sequences stand, so a restarted client neither loses nor replays
 * updates.
 *
 * @param pts the common message box pts
 * @param qts the secret chat / bot qts
 * @param date the date of the last difference
 * @param seq the updates seq
 * @param channels each channel's pts, sorted by channel id, one entry per channel
 */
public record UpdatesState(int pts, int qts, int date, int seq, List<ChannelState> channels) {

  private static final UpdatesState EMPTY = new UpdatesState(0, 0, 0, 0, List.of());

  /**
   * Validates the state and sorts the channels by id.
   *
   * @throws IllegalArgumentException on a negative value or two entries for one channel
   */
  public UpdatesState {
    requireNonNegative("pts", pts);
    requireNonNegative("qts", qts);
    requireNonNegative("date", date);
    requireNonNegative("seq", seq);
    java.util.Objects.requireNonNull(channels, "channels");
    for (int i = 0; i < channels.size(); i++) {
      if (channels.get(i) == null) {
        throw new NullPointerException(
            "channels: expected a ChannelState at index " + i + ", found null");
      }
    }
    List<ChannelState> sorted = new ArrayList<>(channels);
    sorted.sort(Comparator.comparingLong(ChannelState::id));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).id() == sorted.get(i - 1).id()) {
        throw new IllegalArgumentException(
            "expected one entry per channel, found two for channel " + sorted.get(i).id());
      }
    }
    channels = List.copyOf(sorted);
  }

  /** The state of a new session: all zero, no channels. */
  public static UpdatesState empty() {
    return EMPTY;
  }

  static void requireNonNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException("expected a non-negative " + name + ", found " + value);
    }
  }
}
