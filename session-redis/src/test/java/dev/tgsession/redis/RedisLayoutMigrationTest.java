package dev.tgsession.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.ChannelState;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Key layout 4 (the updates state named {@code state{prefix:session}}, outside the tracked prefix)
 * and the move of sessions written in layouts 2 and 3, which named it {@code
 * {prefix:session}:state}: read as they are, moved by the first write, nothing lost.
 */
@DisplayName("Redis key layout 4")
class RedisLayoutMigrationTest extends OneServerTest {

  private static final UpdatesState STATE =
      new UpdatesState(10, 20, 30, 40, List.of(new ChannelState(1001, 5)));

  /**
   * A session as a version before layout 4 left it: written in full, then its updates state put
   * back under the old names and the layout mark set back (every other key is the same in 3 and 4).
   */
  private SessionData writtenInLayout(String name, String layout) {
    try (Session session = Sessions.open(server.uri() + "?session=" + name)) {
      session.setHomeDcId(2);
      session.cachePeers(
          List.of(
              new PeerInfo.User(1, null, true, null, List.of("me"), "1555"),
              PeerInfo.User.of(2, 22)));
      session.setUpdateState(new UpdateState.All(STATE));
      SessionData written = session.snapshot();
      String tag = "{tgsession:" + name + "}";
      raw.rename("state" + tag, tag + ":state");
      raw.rename("channels" + tag, tag + ":channels");
      raw.hset(tag + ":dcs", "layout", layout);
      return written;
    }
  }

  @Test
  @DisplayName(
      "a session of layout 3 or 2 opens and reads as it was; its first write moves the state to"
          + " the layout-4 names and marks 4, nothing lost")
  void migratedOnFirstWrite() {
    for (String layout : List.of("3", "2")) {
      String name = "old-" + layout;
      String tag = "{tgsession:" + name + "}";
      SessionData before = writtenInLayout(name, layout);
      Session session = open("session=" + name);
      assertThat(session.updatesState()).isEqualTo(STATE);
      assertThat(session.snapshot()).isEqualTo(before);
      assertThat(raw.hget(tag + ":dcs", "layout")).as("reading moves nothing").isEqualTo(layout);

      session.cachePeer(PeerInfo.User.of(3, 33)); // a write of something else moves the state too
      assertThat(raw.hget(tag + ":dcs", "layout")).isEqualTo(RedisSession.LAYOUT);
      assertThat(raw.exists(tag + ":state")).isFalse();
      assertThat(raw.exists(tag + ":channels")).isFalse();
      assertThat(raw.hgetAll("state" + tag))
          .isEqualTo(Map.of("pts", "10", "qts", "20", "date", "30", "seq", "40"));
      assertThat(raw.hgetAll("channels" + tag)).isEqualTo(Map.of("1001", "5"));
      assertThat(session.updatesState()).isEqualTo(STATE);

      session.setUpdateState(new UpdateState.Secondary(21));
      try (Session again = Sessions.open(server.uri() + "?session=" + name)) {
        assertThat(again.updatesState())
            .isEqualTo(new UpdatesState(10, 21, 30, 40, STATE.channels()));
        assertThat(again.peer(PeerId.user(2))).contains(PeerInfo.User.of(2, 22));
        assertThat(again.peerByUsername("me").orElseThrow().peerId()).isEqualTo(PeerId.user(1));
        assertThat(again.homeDcId()).isEqualTo(2);
      }
    }
  }

  @Test
  @DisplayName(
      "an instance that opened the layout-3 session reads the state another instance moved, and"
          + " its own first write moves nothing twice")
  void movedByAnotherInstance() {
    writtenInLayout("shared", "3");
    Session first = open("session=shared");
    Session second = open("session=shared");
    second.setUpdateState(new UpdateState.Channel(1002, 6));
    UpdatesState both =
        new UpdatesState(
            10, 20, 30, 40, List.of(new ChannelState(1001, 5), new ChannelState(1002, 6)));
    assertThat(first.updatesState()).isEqualTo(both);
    first.setUpdateState(new UpdateState.Primary(11, 31, 41));
    assertThat(second.updatesState()).isEqualTo(new UpdatesState(11, 20, 31, 41, both.channels()));
    assertThat(raw.exists("{tgsession:shared}:state")).isFalse();
  }

  @Test
  @DisplayName("under a lease the move is fenced like any write, and clear() removes every name")
  void leasedAndCleared() {
    writtenInLayout("leased", "3");
    Session session = open("session=leased&lease=30&owner=me");
    assertThat(session.updatesState()).isEqualTo(STATE);
    session.setUpdateState(new UpdateState.Channel(1001, 7));
    assertThat(raw.hget("{tgsession:leased}:dcs", "layout")).isEqualTo(RedisSession.LAYOUT);
    assertThat(raw.hgetAll("channels{tgsession:leased}")).isEqualTo(Map.of("1001", "7"));
    assertThat(raw.hget("state{tgsession:leased}", "pts")).isEqualTo("10");

    writtenInLayout("cleared", "3");
    Session cleared = open("session=cleared");
    cleared.clear();
    assertThat(raw.keys("*{tgsession:cleared}*")).isEmpty();
  }

  @Test
  @DisplayName("a replacement (import, copy) over a layout-3 session leaves only layout 4's names")
  void replacedOverLayoutThree() {
    writtenInLayout("replaced", "3");
    Session session = open("session=replaced");
    UpdatesState imported = new UpdatesState(1, 2, 3, 4, List.of(new ChannelState(9, 9)));
    SessionData data =
        new SessionData(4, Map.of(), Map.of(PeerId.user(5), PeerInfo.User.of(5, 55)), imported);
    dev.tgsession.spi.SessionImport.replace(session, data);
    assertThat(raw.exists("{tgsession:replaced}:state")).isFalse();
    assertThat(raw.exists("{tgsession:replaced}:channels")).isFalse();
    assertThat(raw.hget("{tgsession:replaced}:dcs", "layout")).isEqualTo(RedisSession.LAYOUT);
    assertThat(session.updatesState()).isEqualTo(imported);
    session.setUpdateState(new UpdateState.Secondary(7));
    try (Session again = Sessions.open(server.uri() + "?session=replaced")) {
      assertThat(again.updatesState()).isEqualTo(new UpdatesState(1, 7, 3, 4, imported.channels()));
      assertThat(again.peer(PeerId.user(5))).contains(PeerInfo.User.of(5, 55));
    }
  }

  @Test
  @DisplayName(
      "a tracking connection on the session's prefix (as the peer cache's) hears of no write of"
          + " the updates state")
  void noInvalidationForState() throws IOException {
    Session session = open("session=quiet");
    session.cachePeer(PeerInfo.User.of(1, 1)); // the layout mark: behind us
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      OutputStream out = socket.getOutputStream();
      send(out, "HELLO", "3");
      read(in);
      send(out, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "{tgsession:");
      assertThat(read(in)).isEqualTo("OK");

      for (int i = 1; i <= 5; i++) {
        session.setUpdateState(new UpdateState.Primary(i, i, i));
        session.setUpdateState(new UpdateState.Secondary(i));
        session.setUpdateState(new UpdateState.Channel(1001, i));
      }
      session.setUpdateState(new UpdateState.All(STATE));
      session.cachePeer(PeerInfo.User.of(2, 2)); // heard: the end of what the writes above sent

      List<String> heard = new ArrayList<>();
      while (heard.stream().noneMatch(key -> key.endsWith(":peers"))) {
        List<?> push = (List<?>) read(in);
        assertThat(push.get(0)).isEqualTo("invalidate");
        for (Object key : (List<?>) push.get(1)) {
          heard.add((String) key);
        }
      }
      assertThat(heard).isSubsetOf(Set.of("{tgsession:quiet}:peers"));
    }
  }

  private static void send(OutputStream out, String... args) throws IOException {
    StringBuilder command = new StringBuilder("*" + args.length + "\r\n");
    for (String arg : args) {
      command.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
    }
    out.write(command.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** One RESP3 value: strings, numbers as text, aggregates (maps flattened) as lists. */
  private static Object read(DataInputStream in) throws IOException {
    int type = in.read();
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\r'; c = in.read()) {
      line.append((char) c);
    }
    in.read(); // '\n'
    String text = line.toString();
    switch (type) {
      case '$', '=', '!' -> {
        int length = Integer.parseInt(text);
        if (length < 0) {
          return null;
        }
        byte[] value = new byte[length];
        in.readFully(value);
        in.readFully(new byte[2]);
        return new String(value, StandardCharsets.UTF_8);
      }
      case '*', '~', '>', '%' -> {
        int count = Integer.parseInt(text) * (type == '%' ? 2 : 1);
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          values.add(read(in));
        }
        return values;
      }
      case '_' -> {
        return null;
      }
      case '-' -> throw new IOException(text);
      default -> {
        return text;
      }
    }
  }
}
