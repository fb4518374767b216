package dev.tgsession.redis;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Just enough RESP3 for the tracking connections: skip a reply, read a push message. */
final class Resp3 {

  private Resp3() {}

  /** Reads one reply and discards it. @throws IOException naming the command on an error */
  static void skip(InputStream in, String command) throws IOException {
    int type = in.read();
    String line = line(in);
    switch (type) {
      case '-', '!' -> {
        String message =
            type == '!'
                ? new String(in.readNBytes(count(line) + 2), StandardCharsets.UTF_8).trim()
                : line;
        throw new RedisCoherence.RedisReplyException(command + " refused: " + message);
      }
      case '+', ':', '_', '#', ',', '(' -> {}
      case '$', '=' -> {
        int length = count(line);
        if (length >= 0) {
          in.readNBytes(length + 2);
        }
      }
      case '*', '~', '>' -> {
        for (int i = count(line); i > 0; i--) {
          skip(in, command);
        }
      }
      case '%', '|' -> {
        for (int i = 2 * count(line); i > 0; i--) {
          skip(in, command);
        }
        if (type == '|') {
          skip(in, command); // the attributed value
        }
      }
      case -1 -> throw new EOFException(command + ": connection closed");
      default -> throw new IOException(command + ": unexpected reply type " + (char) type);
    }
  }

  /**
   * Reads one whole message from {@code in} (a push or any other reply), flattened to its strings
   * ({@code invalidate} with null reads as just {@code [invalidate]}); null, with the position
   * anywhere, when the buffer does not hold all of it yet.
   */
  static @Nullable List<byte[]> push(ByteBuffer in) {
    List<byte[]> out = new ArrayList<>();
    return value(in, out) ? out : null;
  }

  private static boolean value(ByteBuffer in, List<byte[]> out) {
    if (!in.hasRemaining()) {
      return false;
    }
    int type = in.get();
    String line = line(in);
    if (line == null) {
      return false;
    }
    switch (type) {
      case '$', '=', '!' -> {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return true;
        }
        if (in.remaining() < length + 2) {
          return false;
        }
        byte[] bulk = new byte[length];
        in.get(bulk);
        in.position(in.position() + 2);
        out.add(bulk);
        return true;
      }
      case '*', '~', '>', '%', '|' -> {
        int count = Integer.parseInt(line);
        if (type == '%' || type == '|') {
          count *= 2;
        }
        for (int i = 0; i < count; i++) {
          if (!value(in, out)) {
            return false;
          }
        }
        return type != '|' || value(in, out);
      }
      case '+', '-', ':', '_', '#', ',', '(' -> {
        if (type == '+') {
          out.add(line.getBytes(StandardCharsets.UTF_8));
        }
        return true;
      }
      default -> throw new IllegalStateException("unexpected RESP3 type " + (char) type);
    }
  }

  private static @Nullable String line(ByteBuffer in) {
    StringBuilder line = new StringBuilder();
    while (in.remaining() >= 2) {
      byte next = in.get();
      if (next == '\r' && in.get(in.position()) == '\n') {
        in.get();
        return line.toString();
      }
      line.append((char) next);
    }
    return null;
  }

  private static int count(String line) throws IOException {
    try {
      return Integer.parseInt(line);
    } catch (NumberFormatException e) {
      throw new IOException("expected a length in a RESP3 reply, found '" + line + "'", e);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int previous = -1;
    while (true) {
      int next = in.read();
      if (next < 0) {
        throw new EOFException("connection closed in a reply");
      }
      if (previous == '\r' && next == '\n') {
        line.setLength(line.length() - 1);
        return line.toString();
      }
      line.append((char) next);
      previous = next;
    }
  }
}
