package dev.tgsession;

import java.util.Objects;

/** One change to the {@link UpdatesState}, as {@link Session#setUpdateState} applies it. */
public sealed interface UpdateState
    permits UpdateState.All, UpdateState.Primary, UpdateState.Secondary, UpdateState.Channel {

  /**
   * Replaces the whole state, channels included.
   *
   * @param state the new state
   */
  record All(UpdatesState state) implements UpdateState {
    /** Validates the component. */
    public All {
      Objects.requireNonNull(state, "state");
    }
  }

  /**
   * Sets pts, date and seq; leaves qts and the channels alone.
   *
   * @param pts the new pts
   * @param date the new date
   * @param seq the new seq
   */
  record Primary(int pts, int date, int seq) implements UpdateState {
    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException on a negative value
     */
    public Primary {
      UpdatesState.requireNonNegative("pts", pts);
      UpdatesState.requireNonNegative("date", date);
      UpdatesState.requireNonNegative("seq", seq);
    }
  }

  /**
   * Sets qts; leaves everything else alone.
   *
   * @param qts the new qts
   */
  record Secondary(int qts) implements UpdateState {
    /**
     * Validates the value.
     *
     * @throws IllegalArgumentException on a negative value
     */
    public Secondary {
      UpdatesState.requireNonNegative("qts", qts);
    }
  }

  /**
   * Sets one channel's pts, adding the channel if it is new.
   *
   * @param id the bare channel id
   * @param pts the channel's new pts
   */
  record Channel(long id, int pts) implements UpdateState {
    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException on a channel id out of range or a negative pts
     */
    public Channel {
      new ChannelState(id, pts);
    }
  }
}
