package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.ChannelState;
import dev.tgsession.Session;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The kit's group "the updates state" (rule 7). */
abstract class UpdatesRules extends TckGroup {

  UpdatesRules(SessionTck kit) {
    super(kit);
  }

  private final UpdatesState base =
      new UpdatesState(
          100, 200, 300, 400, List.of(new ChannelState(1, 10), new ChannelState(2, 20)));

  @Test
  @DisplayName("All replaces everything, channels included")
  void allReplaces() {
    Session session = open();
    session.setUpdateState(new UpdateState.All(base));
    assertThat(session.updatesState()).isEqualTo(base);
    UpdatesState next = new UpdatesState(1, 2, 3, 4, List.of(new ChannelState(3, 30)));
    session.setUpdateState(new UpdateState.All(next));
    assertThat(session.updatesState()).isEqualTo(next);
  }

  @Test
  @DisplayName("All with no channels removes every channel")
  void allClearsChannels() {
    Session session = open();
    session.setUpdateState(new UpdateState.All(base));
    session.setUpdateState(new UpdateState.All(new UpdatesState(5, 6, 7, 8, List.of())));
    assertThat(session.updatesState()).isEqualTo(new UpdatesState(5, 6, 7, 8, List.of()));
  }

  @Test
  @DisplayName("Primary sets pts, date and seq only")
  void primary() {
    Session session = open();
    session.setUpdateState(new UpdateState.All(base));
    session.setUpdateState(new UpdateState.Primary(101, 301, 401));
    assertThat(session.updatesState())
        .isEqualTo(new UpdatesState(101, 200, 301, 401, base.channels()));
  }

  @Test
  @DisplayName("Secondary sets qts only")
  void secondary() {
    Session session = open();
    session.setUpdateState(new UpdateState.All(base));
    session.setUpdateState(new UpdateState.Secondary(222));
    assertThat(session.updatesState())
        .isEqualTo(new UpdatesState(100, 222, 300, 400, base.channels()));
  }

  @Test
  @DisplayName("Channel updates a known channel in place")
  void channelUpdates() {
    Session session = open();
    session.setUpdateState(new UpdateState.All(base));
    session.setUpdateState(new UpdateState.Channel(2, 21));
    session.setUpdateState(new UpdateState.Channel(2, 22));
    assertThat(session.updatesState().channels())
        .containsExactly(new ChannelState(1, 10), new ChannelState(2, 22));
  }

  @Test
  @DisplayName("Channel adds a new channel and leaves everything else alone")
  void channelAdds() {
    Session session = open();
    session.setUpdateState(new UpdateState.All(base));
    session.setUpdateState(new UpdateState.Channel(3_000_000_000_000L, 5));
    UpdatesState state = session.updatesState();
    assertThat(state.channels())
        .containsExactly(
            new ChannelState(1, 10),
            new ChannelState(2, 20),
            new ChannelState(3_000_000_000_000L, 5));
    assertThat(List.of(state.pts(), state.qts(), state.date(), state.seq()))
        .containsExactly(100, 200, 300, 400);
  }

  @Test
  @DisplayName("channels come back sorted by id")
  void channelsSorted() {
    Session session = open();
    for (long id : new long[] {50, 3, 999_999, 1, 27}) {
      session.setUpdateState(new UpdateState.Channel(id, (int) (id % 1000)));
    }
    assertThat(session.updatesState().channels())
        .extracting(ChannelState::id)
        .containsExactly(1L, 3L, 27L, 50L, 999_999L);
  }

  @Test
  @DisplayName("hundreds of channels are all kept")
  void manyChannels() {
    Session session = open();
    for (int id = 1; id <= 300; id++) {
      session.setUpdateState(new UpdateState.Channel(id, id * 2));
    }
    List<ChannelState> channels = session.updatesState().channels();
    assertThat(channels).hasSize(300);
    assertThat(channels.get(299)).isEqualTo(new ChannelState(300, 600));
  }

  @Test
  @DisplayName("the largest values round-trip")
  void largestValues() {
    Session session = open();
    UpdatesState max =
        new UpdatesState(
            Integer.MAX_VALUE,
            Integer.MAX_VALUE,
            Integer.MAX_VALUE,
            Integer.MAX_VALUE,
            List.of(new ChannelState(3_000_000_000_000L, Integer.MAX_VALUE)));
    session.setUpdateState(new UpdateState.All(max));
    assertThat(session.updatesState()).isEqualTo(max);
  }

  @Test
  @DisplayName("Primary, Secondary and Channel work on a new session")
  void partialOnNew() {
    Session session = open();
    session.setUpdateState(new UpdateState.Primary(1, 2, 3));
    session.setUpdateState(new UpdateState.Secondary(4));
    session.setUpdateState(new UpdateState.Channel(5, 6));
    assertThat(session.updatesState())
        .isEqualTo(new UpdatesState(1, 4, 2, 3, List.of(new ChannelState(5, 6))));
  }
}
