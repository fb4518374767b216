package dev.tgsession.redis;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.spi.WriteFence;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The version of the key layout, kept in the {@code dcs} hash under {@code layout} by every writer,
 * so that a session written in another layout is refused at open instead of mixed up; and the move
 * of a session of an older layout to this one.
 *
 * <p>Layout 4 names the updates state {@code state{prefix:session}} and {@code
 * channels{prefix:session}}, outside the peer cache's tracked prefix ({@link RedisKeys}); layouts 2
 * and 3 named them {@code {prefix:session}:state} and {@code :channels}. A session of layout 2 or 3
 * is read as it is until this instance's first write, which renames both keys and marks the session
 * 4 in the script that marks it ({@code mark.lua}); older versions refuse it from then on. Layout 3
 * keeps the time a peer was cached in its {@code peers} value; layout 2 (0.3.0) kept it in the
 * {@code cached} hash, which is still read; each peer's value moves to the new form when it is next
 * written.
 */
final class RedisLayout {

  /** The layout this version writes. */
  static final String VERSION = "4";

  /** The layout 0.4.0 wrote before issue 27's round 7: the updates state under the old names. */
  static final String VERSION_3 = "3";

  /** The layout 0.3.0 wrote, read as it is. */
  static final String VERSION_0_3 = "2";

  /** The field of the {@code dcs} hash that holds the version. */
  static final String FIELD = "layout";

  static final byte[] FIELD_KEY = FIELD.getBytes(StandardCharsets.UTF_8);
  static final byte[] VALUE = VERSION.getBytes(StandardCharsets.UTF_8);

  private static final RedisScript MARK = RedisScript.load("mark");
  private static final RedisScript MARK_FENCED = MARK.fenced();

  private final RedisCalls calls;
  private final RedisWrites writes;
  private final RedisKeys keys;
  private final byte[] index;
  private final boolean cluster;

  /** Whether this instance wrote the layout version since it opened or cleared the session. */
  volatile boolean marked;

  /**
   * Whether the session was of layout 2 or 3 when opened and this instance has not written it
   * since: its updates state may still be under the old names.
   */
  volatile boolean legacyState;

  RedisLayout(RedisCalls calls, RedisWrites writes, RedisKeys keys, byte[] index) {
    this.calls = calls;
    this.writes = writes;
    this.keys = keys;
    this.index = index;
    this.cluster = calls.isCluster();
  }

  /** Refuses a session of another layout; notes one of layout 2 or 3. */
  void check(String layout) {
    if (layout.equals(VERSION_3) || layout.equals(VERSION_0_3)) {
      legacyState = !marked;
    } else if (!layout.equals(VERSION)) {
      throw new IncompatibleSessionException(
          "expected tgsession's Redis key layout "
              + VERSION
              + " under "
              + keys.tag()
              + " in "
              + calls.endpoint()
              + ", found layout '"
              + layout
              + "' (written by another tgsession version); open it with that version, or copy"
              + " the session with it to a new one");
    }
  }

  /**
   * Before this instance's first write (once, idempotent): writes the layout version and lists the
   * session in the directory's name index, in one script on one server; on a cluster the index
   * lives in another slot and is written right after (RedisDirectory rebuilds it if a crash came in
   * between). A session of layout 2 or 3 is moved by the same script, in the same step.
   */
  void mark(WriteFence fence, RedisKeys into) {
    if (marked) {
      return;
    }
    byte[] name = keys.session().getBytes(StandardCharsets.UTF_8);
    List<byte[]> touched =
        new ArrayList<>(
            List.of(into.dcs, into.legacyState, into.state, into.legacyChannels, into.channels));
    if (!cluster) {
      touched.add(index);
    }
    writes.script(
        fence, "write the key layout version", MARK, MARK_FENCED, touched, List.of(VALUE, name));
    if (into == keys) {
      legacyState = false; // a staged replacement's mark moves nothing of the live session
    }
    if (cluster) {
      calls.writeElsewhere(
          "list the session in the directory", redis -> redis.zadd(index, 0, name));
    }
    marked = true;
  }
}
