package dev.tgsession;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A ForwardingSession keeps every feature of the session it wraps. */
class ForwardingSessionTest {

  private static List<Method> sessionMethods() {
    return Arrays.stream(Session.class.getMethods())
        .filter(method -> !Modifier.isStatic(method.getModifiers()))
        .toList();
  }

  @Test
  @DisplayName("ForwardingSession overrides every method of Session, the default ones included")
  void overridesEverything() throws NoSuchMethodException {
    for (Method method : sessionMethods()) {
      Method forwarding =
          ForwardingSession.class.getMethod(method.getName(), method.getParameterTypes());
      assertThat(forwarding.getDeclaringClass())
          .as("the class declaring %s", method)
          .isEqualTo(ForwardingSession.class);
    }
  }

  /** A value of each parameter type, distinct from what a default would be. */
  private static Object argument(Class<?> type) {
    if (type == int.class) {
      return 4;
    }
    if (type == boolean.class) {
      return true;
    }
    if (type == String.class) {
      return "some_name";
    }
    if (type == Duration.class) {
      return Duration.ofMinutes(3);
    }
    if (type == Instant.class) {
      return Instant.parse("2026-01-02T03:04:05Z");
    }
    if (type == PeerId.class) {
      return PeerId.user(77);
    }
    if (type == PeerInfo.class) {
      return new PeerInfo.Chat(5);
    }
    if (type == java.util.Collection.class) {
      return List.of(new PeerInfo.Chat(6));
    }
    if (type == DcOption.class) {
      return dc();
    }
    if (type == UpdateState.class) {
      return new UpdateState.Secondary(9);
    }
    if (type == AddressFamily.class) {
      return AddressFamily.IPV6;
    }
    if (type == TempAuthKey.class) {
      return new TempAuthKey(key(), Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.SECONDS));
    }
    throw new AssertionError("the test has no argument of type " + type + ": add one");
  }

  /** A value of each return type that no default would give. */
  private static Object result(Class<?> type, String method) {
    if (type == void.class) {
      return null;
    }
    if (type == int.class) {
      return 5;
    }
    if (type == long.class) {
      return 42L;
    }
    if (type == boolean.class) {
      return true;
    }
    if (type == Optional.class) {
      return Optional.of(method);
    }
    if (type == Map.class) {
      return Map.of(1, method);
    }
    if (type == Stream.class) {
      return Stream.of(method);
    }
    if (type == AddressFamily.class) {
      return AddressFamily.IPV6;
    }
    if (type == UpdatesState.class) {
      return new UpdatesState(1, 2, 3, 4, List.of());
    }
    if (type == SessionData.class) {
      return SessionData.empty();
    }
    if (type == String.class) {
      return method;
    }
    throw new AssertionError("the test has no result of type " + type + ": add one");
  }

  private static DcOption dc() {
    try {
      return new DcOption(
          4,
          new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, 4}), 443),
          new InetSocketAddress(
              InetAddress.getByAddress(
                  new byte[] {0x20, 1, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4}),
              443),
          null);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static AuthKey key() {
    byte[] bytes = new byte[AuthKey.LENGTH];
    Arrays.fill(bytes, (byte) 7);
    return AuthKey.of(bytes);
  }

  @Test
  @DisplayName(
      "every call reaches the wrapped session with its arguments, and its result comes back")
  void everyCallForwarded() throws Exception {
    List<String> calls = new ArrayList<>();
    Session recording =
        (Session)
            Proxy.newProxyInstance(
                Session.class.getClassLoader(),
                new Class<?>[] {Session.class},
                (proxy, method, args) -> {
                  calls.add(
                      method.getName() + Arrays.toString(args == null ? new Object[0] : args));
                  return result(method.getReturnType(), method.getName());
                });
    Session wrapper = new ForwardingSession(recording);
    for (Method method : sessionMethods()) {
      Object[] args =
          Arrays.stream(method.getParameterTypes()).map(ForwardingSessionTest::argument).toArray();
      calls.clear();
      Object returned = method.invoke(wrapper, args);
      assertThat(calls)
          .as("the calls %s made on the wrapped session", method.getName())
          .containsExactly(method.getName() + Arrays.toString(args));
      Object expected = result(method.getReturnType(), method.getName());
      if (returned instanceof Stream<?> stream) {
        assertThat(stream.toList())
            .as("what %s returned", method)
            .isEqualTo(List.of(method.getName()));
      } else {
        assertThat(returned).as("what %s returned", method).isEqualTo(expected);
      }
    }
  }

  @Test
  @DisplayName("a memory session keeps every feature behind a ForwardingSession")
  void memoryFeatures() throws InterruptedException {
    Session memory = Sessions.open("memory:");
    Session wrapper = new ForwardingSession(memory);
    wrapper.setDcOption(new DcOption(4, dc().ipv4(), dc().ipv6(), key()));
    wrapper.setHomeDc(4, AddressFamily.IPV6);
    wrapper.setMediaDcOption(dc());
    TempAuthKey temp = (TempAuthKey) argument(TempAuthKey.class);
    wrapper.setTempAuthKey(4, true, temp);
    wrapper.cachePeers(
        List.of(
            new PeerInfo.User(1, new PeerAuth(1), null, Boolean.TRUE, null, null),
            new PeerInfo.User(2, new PeerAuth(2), null, null, List.of("old_name"), null)));
    Instant boundary = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    while (!Instant.now().isAfter(boundary)) {
      Thread.sleep(20);
    }
    wrapper.cachePeer(new PeerInfo.User(3, new PeerAuth(3), null, null, List.of("new_name"), null));

    assertThat(wrapper.homeDcFamily()).as("the family").isEqualTo(AddressFamily.IPV6);
    assertThat(wrapper.mediaDcOption(4).orElseThrow().authKey()).as("media key").isEqualTo(key());
    assertThat(wrapper.tempAuthKey(4, true)).as("the temporary key").contains(temp);
    assertThat(wrapper.peerCachedAt(PeerId.user(3))).as("user 3's cache time").isPresent();
    assertThat(wrapper.peerByUsername("new_name", Duration.ofMinutes(1))).isPresent();
    assertThat(wrapper.prunePeers(boundary)).as("the prune").isEqualTo(1);
    assertThat(wrapper.peerByUsername("old_name")).as("the pruned name").isEmpty();
    assertThat(wrapper.peer(PeerId.selfUser())).as("the self user, never pruned").isPresent();
    assertThat(wrapper.snapshot()).as("snapshot()").isEqualTo(memory.snapshot());
    assertThat(wrapper.encryption()).as("encryption(), as memory has none").isEmpty();
    assertThat(wrapper.leasing()).as("leasing(), as memory has none").isEmpty();
    assertThat(wrapper.lease()).as("lease()").isEmpty();
    assertThat(wrapper.isClosed()).as("isClosed() while open").isFalse();
    wrapper.close();
    assertThat(memory.isClosed()).as("the memory session after the wrapper's close()").isTrue();
    assertThat(wrapper.isClosed()).as("isClosed() after close()").isTrue();
  }
}
