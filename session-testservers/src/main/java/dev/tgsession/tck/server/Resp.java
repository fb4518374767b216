package dev.tgsession.tck.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Just enough of the Redis protocol to set test servers up (PING, CLUSTER ...) without a client
 * library. Replies come back as text: simple strings and errors with their prefix, bulk strings as
 * their content, integers with {@code :}.
 */
final class Resp {

  private Resp() {}

  static String command(int port, String... args) throws IOException {
    return authenticated(port, null, args);
  }

  /** Sends {@code AUTH password} first when a password is given. */
  static String authenticated(int port, @Nullable String password, String... args)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      if (password != null) {
        send(out, "AUTH", password);
        String auth = readReply(in);
        if (!auth.equals("+OK")) {
          throw new IOException("AUTH refused by port " + port + ": " + auth);
        }
      }
      send(out, args);
      return readReply(in);
    }
  }

  private static void send(OutputStream out, String... args) throws IOException {
    StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      request.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
    }
    out.write(request.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String readReply(InputStream in) throws IOException {
    String line = readLine(in);
    if (line.startsWith("$")) {
      int length = Integer.parseInt(line.substring(1));
      if (length < 0) {
        return "";
      }
      byte[] body = in.readNBytes(length);
      in.readNBytes(2); // CRLF
      return new String(body, StandardCharsets.UTF_8);
    }
    return line;
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    while (true) {
      int next = in.read();
      if (next < 0) {
        throw new IOException("connection closed before a full reply line");
      }
      if (previous == '\r' && next == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
      }
      line.write(next);
      previous = next;
    }
  }
}
