package dev.tgsession.tck.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP forwarder the fault tests cut to make a server vanish mid-session without touching
 * the real one, which other tests share: {@link #cut()} drops every forwarded connection, {@link
 * #refuse(boolean)} closes new ones at once (a server that is restarting), {@link #close()} stops
 * it.
 */
public final class TcpProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean stopped;
  private volatile boolean refusing;

  /** Forwards a free loopback port to {@code targetHost:targetPort}. */
  public TcpProxy(String targetHost, int targetPort) throws IOException {
    this.target = new InetSocketAddress(targetHost, targetPort);
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "tcp-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The loopback port to connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  /** Drops every connection made so far; new ones are forwarded (unless refusing). */
  public void cut() {
    sockets.forEach(TcpProxy::closeQuietly);
    sockets.clear();
  }

  /** While true, every new connection is closed as soon as it is accepted. */
  public void refuse(boolean refuse) {
    refusing = refuse;
  }

  private void accept() {
    while (!stopped) {
      try {
        Socket client = listener.accept();
        if (refusing) {
          closeQuietly(client);
          continue;
        }
        Socket server = new Socket(target.getAddress(), target.getPort());
        sockets.add(client);
        sockets.add(server);
        pump(client, server);
        pump(server, client);
      } catch (IOException e) {
        if (stopped) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, read);
                  out.flush();
                }
              } catch (IOException e) {
                // one side closed: close both below
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "tcp-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops listening and drops every connection (the same as {@link #close()}). */
  public void stop() {
    close();
  }

  @Override
  public void close() {
    stopped = true;
    closeQuietly(listener);
    cut();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // already closed
    }
  }
}
