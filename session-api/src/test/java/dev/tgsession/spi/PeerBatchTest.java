package dev.tgsession.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PeerBatchTest {

  private static PeerInfo.User user(
      long id, Long hash, List<String> names, String phone, Boolean self) {
    return new PeerInfo.User(
        id, hash == null ? null : new PeerAuth(hash), null, self, names, phone);
  }

  @Test
  @DisplayName("one record per peer, merged, in the order of last occurrence")
  void mergesDuplicates() {
    List<PeerInfo> reduced =
        PeerBatch.reduce(
            List.of(
                user(1, 10L, null, null, null),
                user(2, 20L, null, null, null),
                user(1, null, List.of("a"), null, null)));
    assertThat(reduced)
        .containsExactly(user(2, 20L, null, null, null), user(1, 10L, List.of("a"), null, null));
  }

  @Test
  @DisplayName("a username claimed twice stays with the last claimer")
  void usernameClaims() {
    List<PeerInfo> reduced =
        PeerBatch.reduce(
            List.of(
                user(1, 1L, List.of("x", "y"), null, null),
                user(2, 2L, List.of("x"), null, null),
                user(1, 3L, null, null, null)));
    assertThat(reduced)
        .containsExactly(
            user(2, 2L, List.of("x"), null, null), user(1, 3L, List.of("y"), null, null));
  }

  @Test
  @DisplayName("the phone and the self flag stay with the last claimer")
  void phoneAndSelf() {
    List<PeerInfo> reduced =
        PeerBatch.reduce(List.of(user(1, 1L, null, "123", true), user(2, 2L, null, "123", true)));
    assertThat(reduced)
        .containsExactly(user(1, 1L, null, null, false), user(2, 2L, null, "123", true));
  }

  @Test
  @DisplayName("a null in the batch is rejected")
  void nullRejected() {
    List<PeerInfo> batch = new ArrayList<>();
    batch.add(user(1, 1L, null, null, null));
    batch.add(null);
    assertThatThrownBy(() -> PeerBatch.reduce(batch)).isInstanceOf(NullPointerException.class);
  }

  @Test
  @DisplayName("merge keeps what the incoming record does not know")
  void merge() {
    PeerInfo stored = user(1, 5L, List.of("a"), "555", true);
    assertThat(PeerMerge.merge(stored, user(1, null, null, null, null))).isEqualTo(stored);
    assertThat(PeerMerge.merge(stored, user(1, 6L, List.of(), null, false)))
        .isEqualTo(user(1, 6L, List.of(), "555", false));
    assertThatThrownBy(() -> PeerMerge.merge(stored, user(2, 1L, null, null, null)))
        .hasMessageContaining("one peer");
  }
}
