package dev.tgsession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.spi.Capability;
import dev.tgsession.spi.SessionProvider;
import dev.tgsession.spi.SessionUri;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionsTest {

  /** Claims the scheme the memory backend already has. */
  public static final class ClashingMemory implements SessionProvider {
    @Override
    public Set<String> schemes() {
      return Set.of("MEMORY");
    }

    @Override
    public Set<Capability> capabilities() {
      return Set.of();
    }

    @Override
    public Session open(SessionUri uri) {
      throw new AssertionError("never opened");
    }

    @Override
    public java.util.List<dev.tgsession.spi.SessionOption<?>> options() {
      return java.util.List.of();
    }
  }

  /** Fails in its constructor, as a provider with a missing dependency would. */
  public static final class Exploding implements SessionProvider {
    public Exploding() {
      throw new IllegalStateException("driver class not found");
    }

    @Override
    public Set<String> schemes() {
      return Set.of("boom");
    }

    @Override
    public Set<Capability> capabilities() {
      return Set.of();
    }

    @Override
    public Session open(SessionUri uri) {
      throw new AssertionError("never opened");
    }

    @Override
    public java.util.List<dev.tgsession.spi.SessionOption<?>> options() {
      return java.util.List.of();
    }
  }

  private static ClassLoader withProviders(Path dir, Class<?>... providers) throws IOException {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    List<String> names = new ArrayList<>();
    for (Class<?> provider : providers) {
      names.add(provider.getName());
    }
    Files.write(services.resolve(SessionProvider.class.getName()), names);
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, SessionsTest.class.getClassLoader());
  }

  @Test
  @DisplayName("an unknown scheme is refused with the list of available schemes")
  void unknownScheme() {
    assertThatThrownBy(() -> Sessions.open("nosuch://x"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("'nosuch'")
        .hasMessageContaining("memory");
  }

  @Test
  @DisplayName("schemes match case-insensitively and are listed")
  void caseInsensitive() {
    try (Session session = Sessions.open("MeMoRy:")) {
      assertThat(session.homeDcId()).isEqualTo(2);
    }
    assertThat(Sessions.schemes()).contains("memory");
  }

  @Test
  @DisplayName("two providers claiming one scheme is an error naming both classes")
  void clash(@TempDir Path dir) throws IOException {
    ClassLoader loader = withProviders(dir, ClashingMemory.class);
    assertThatThrownBy(() -> Sessions.open("memory:", loader))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining(MemorySessionProvider.class.getName())
        .hasMessageContaining(ClashingMemory.class.getName());
  }

  @Test
  @DisplayName(
      "a provider that fails to load breaks only its own schemes, and is named with its cause")
  void failingProvider(@TempDir Path dir) throws IOException {
    ClassLoader loader = withProviders(dir, Exploding.class);
    try (Session memory = Sessions.open("memory:", loader)) {
      assertThat(memory.peerCount()).isZero();
    }
    assertThatThrownBy(() -> Sessions.open("exploding:x", loader))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("no session provider for scheme 'exploding'")
        .hasMessageContaining(Exploding.class.getName())
        .hasMessageContaining("driver class not found");
  }

  @Test
  @DisplayName("copy moves home DC, keyed DC options, every peer and the updates state")
  void copy() {
    try (Session from = Sessions.open("memory:");
        Session to = Sessions.open("memory:")) {
      byte[] key = new byte[256];
      key[0] = 1;
      from.setHomeDcId(4);
      from.setDcOption(KnownDcs.get(4).orElseThrow().withAuthKey(AuthKey.of(key)));
      List<PeerInfo> peers = new ArrayList<>();
      for (int i = 1; i <= 2500; i++) {
        peers.add(new PeerInfo.User(i, new PeerAuth(i), null, i == 7, List.of("u" + i), null));
      }
      from.cachePeers(peers);
      from.setUpdateState(
          new UpdateState.All(new UpdatesState(1, 2, 3, 4, List.of(new ChannelState(5, 6)))));
      List<Long> progress = new ArrayList<>();
      long copied = Sessions.copy(from, to, (done, total) -> progress.add(done * 10_000 + total));
      assertThat(copied).isEqualTo(2500);
      assertThat(progress)
          .containsExactly(1000 * 10_000L + 2500, 2000 * 10_000L + 2500, 2500 * 10_000L + 2500);
      assertThat(to.snapshot()).isEqualTo(from.snapshot());
      assertThat(to.peer(PeerId.selfUser()).orElseThrow().peerId()).isEqualTo(PeerId.user(7));
    }
  }

  @Test
  @DisplayName("the memory backend refuses a path or unknown options")
  void memoryUri() {
    assertThatThrownBy(() -> Sessions.open("memory:somewhere"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memory:");
    assertThatThrownBy(() -> Sessions.open("memory:?colour=red")).hasMessageContaining("colour");
  }
}
