package dev.tgsession.redis;

import dev.tgsession.ChannelState;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.UpdatesState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How the updates state is stored: the {@code state} hash ({@code pts}, {@code qts}, {@code date},
 * {@code seq}, decimal) and the {@code channels} hash (decimal bare channel id to decimal pts); and
 * the decimal numbers every hash of the session holds, read back with a message naming where a bad
 * one was found.
 */
final class StateRedisCodec {

  static final byte[] PTS = bytes("pts");
  static final byte[] QTS = bytes("qts");
  static final byte[] DATE = bytes("date");
  static final byte[] SEQ = bytes("seq");

  /** Where the numbers are read: the hash tag and the session's description. */
  private final String where;

  StateRedisCodec(String where) {
    this.where = where;
  }

  /** The arguments of {@code replace_state.lua}: pts, qts, date, seq, then channel, pts pairs. */
  static List<byte[]> replaceArgs(UpdatesState state) {
    List<byte[]> args = new ArrayList<>(4 + 2 * state.channels().size());
    args.add(number(state.pts()));
    args.add(number(state.qts()));
    args.add(number(state.date()));
    args.add(number(state.seq()));
    for (ChannelState channel : state.channels()) {
      args.add(number(channel.id()));
      args.add(number(channel.pts()));
    }
    return args;
  }

  /** A hash as field, value, field, value... (what HGETALL returns inside a script). */
  static List<byte[]> flatten(Map<byte[], byte[]> hash) {
    List<byte[]> flat = new ArrayList<>(2 * hash.size());
    hash.forEach(
        (field, value) -> {
          flat.add(field);
          flat.add(value);
        });
    return flat;
  }

  /** Whether {@code load_state.lua}'s reply found neither hash (no field of either stored). */
  static boolean absent(List<?> parts) {
    for (Object field : (List<?>) parts.get(0)) {
      if (field != null) {
        return false;
      }
    }
    return ((List<?>) parts.get(1)).isEmpty();
  }

  /** {@code load_state.lua}'s reply: {HMGET of pts, qts, date, seq; the channels flattened}. */
  UpdatesState decode(List<?> parts) {
    List<?> common = (List<?>) parts.get(0);
    List<?> channelPts = (List<?>) parts.get(1);
    List<ChannelState> channels = new ArrayList<>(channelPts.size() / 2);
    for (int i = 0; i + 1 < channelPts.size(); i += 2) {
      long id = parseLong((byte[]) channelPts.get(i), "a channel id");
      int pts = parseInt((byte[]) channelPts.get(i + 1), "the pts of channel " + id);
      try {
        channels.add(new ChannelState(id, pts));
      } catch (IllegalArgumentException e) {
        throw incompatible("channel " + id + " with pts " + pts, e);
      }
    }
    try {
      return new UpdatesState(
          stateValue(common.get(0), "pts"),
          stateValue(common.get(1), "qts"),
          stateValue(common.get(2), "date"),
          stateValue(common.get(3), "seq"),
          channels);
    } catch (IllegalArgumentException e) {
      throw incompatible("updates state", e);
    }
  }

  private int stateValue(@Nullable Object value, String name) {
    return value == null ? 0 : parseInt((byte[]) value, "the " + name);
  }

  private IncompatibleSessionException incompatible(String what, Exception cause) {
    return new IncompatibleSessionException(
        "expected a valid " + what + " under " + where + ", found: " + cause.getMessage(), cause);
  }

  int parseInt(byte[] value, String what) {
    long parsed = parseLong(value, what);
    if (parsed < Integer.MIN_VALUE || parsed > Integer.MAX_VALUE) {
      throw incompatible(what, new IllegalArgumentException("out of range: " + parsed));
    }
    return (int) parsed;
  }

  long parseLong(byte[] value, String what) {
    try {
      return Long.parseLong(string(value));
    } catch (NumberFormatException e) {
      throw new IncompatibleSessionException(
          "expected a decimal number for "
              + what
              + " under "
              + where
              + ", found '"
              + string(value)
              + "'",
          e);
    }
  }

  /**
   * A time as stored at the end of a {@code peers} value (and in layout 2's {@code cached} hash):
   * epoch nanoseconds, 19 decimal digits with leading zeros, so that {@code prune.lua} compares two
   * of them as strings, exactly (a Lua number, a double, would round them).
   */
  static byte[] time(java.time.Instant time) {
    long nanos =
        Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000_000L), time.getNano());
    if (nanos < 0) {
      throw new IllegalArgumentException("expected a time after 1970, found " + time);
    }
    // Written by hand: every peer write takes a time, and String.format parses its pattern each
    // call.
    byte[] digits = new byte[19];
    for (int i = digits.length - 1; i >= 0; i--, nanos /= 10) {
      digits[i] = (byte) ('0' + nanos % 10);
    }
    return digits;
  }

  /** The instant of a stored time ({@link #time}). */
  static java.time.Instant instant(long epochNanos) {
    return java.time.Instant.ofEpochSecond(0, epochNanos);
  }

  static byte[] number(long value) {
    return bytes(Long.toString(value));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
