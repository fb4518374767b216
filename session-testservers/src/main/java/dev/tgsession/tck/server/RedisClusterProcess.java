package dev.tgsession.tck.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A Redis Cluster a test owns: {@code masters} masters with {@code replicasPerMaster} replicas
 * each, every node a {@code redis-server} on free loopback ports (client port and cluster bus port
 * both chosen free), optionally with a password and with TLS on the client port, the cluster bus
 * and replication. {@link #start} returns once every slot is served, every node knows every other
 * and every replica is in sync with its master, or fails after a bounded wait.
 *
 * <p>Nodes of a cluster with replicas use {@code cluster-node-timeout 2000}, so a killed master is
 * replaced by its replica within a few seconds (and a node slowed down by a loaded machine is not
 * taken for dead); without replicas they use 5000.
 */
public final class RedisClusterProcess implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final int NODE_TIMEOUT_MILLIS = 2000;
  private static final int NODE_TIMEOUT_NO_REPLICAS_MILLIS = 5000;

  /** One node: its process, the port clients are told about, its cluster id. */
  private record Node(RedisServerProcess server, int clientPort, int busPort, String id) {}

  private final List<Node> nodes;
  private final @Nullable String password;
  private final boolean tls;

  private RedisClusterProcess(List<Node> nodes, @Nullable String password, boolean tls) {
    this.nodes = nodes;
    this.password = password;
    this.tls = tls;
  }

  /**
   * Starts a cluster without password or TLS.
   *
   * @throws IllegalStateException if it does not get ready within a minute
   */
  public static RedisClusterProcess start(int masters, int replicasPerMaster) {
    return start(masters, replicasPerMaster, null, null);
  }

  /**
   * Starts a cluster.
   *
   * @param password when not null, every node requires it ({@code requirepass}, {@code masterauth})
   * @param tlsDir when not null, a directory holding {@code cert.pem} (also the CA: self-signed for
   *     127.0.0.1) and {@code key.pem}; clients then reach the nodes with TLS only on the announced
   *     ports, and the cluster bus and replication use TLS too
   * @throws IllegalStateException if it does not get ready within a minute
   */
  public static RedisClusterProcess start(
      int masters, int replicasPerMaster, @Nullable String password, @Nullable Path tlsDir) {
    if (masters < 1 || replicasPerMaster < 0) {
      throw new IllegalArgumentException(
          "expected at least one master and no negative replica count, found "
              + masters
              + " and "
              + replicasPerMaster);
    }
    int count = masters * (1 + replicasPerMaster);
    List<Node> nodes = new ArrayList<>();
    RedisClusterProcess cluster = new RedisClusterProcess(nodes, password, tlsDir != null);
    try {
      for (int i = 0; i < count; i++) {
        List<String> args = new ArrayList<>();
        int busPort = Binaries.freePort();
        args.addAll(
            List.of(
                "--cluster-enabled",
                "yes",
                "--cluster-node-timeout",
                Integer.toString(
                    replicasPerMaster > 0 ? NODE_TIMEOUT_MILLIS : NODE_TIMEOUT_NO_REPLICAS_MILLIS),
                "--cluster-port",
                Integer.toString(busPort)));
        if (password != null) {
          args.addAll(List.of("--requirepass", password, "--masterauth", password));
        }
        int tlsPort = 0;
        if (tlsDir != null) {
          tlsPort = Binaries.freePort();
          String cert = tlsDir.resolve("cert.pem").toString();
          args.addAll(
              List.of(
                  "--tls-port",
                  Integer.toString(tlsPort),
                  "--tls-cert-file",
                  cert,
                  "--tls-key-file",
                  tlsDir.resolve("key.pem").toString(),
                  "--tls-ca-cert-file",
                  cert,
                  "--tls-auth-clients",
                  "no",
                  "--tls-cluster",
                  "yes",
                  "--tls-replication",
                  "yes"));
        }
        RedisServerProcess server = RedisServerProcess.start(args.toArray(new String[0]));
        String id = Resp.authenticated(server.port(), password, "CLUSTER", "MYID");
        nodes.add(new Node(server, tlsDir != null ? tlsPort : server.port(), busPort, id));
      }
      cluster.assemble(masters, replicasPerMaster);
      return cluster;
    } catch (IOException e) {
      cluster.close();
      throw new UncheckedIOException("could not set up a Redis Cluster", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cluster.close();
      throw new IllegalStateException("interrupted while setting up a Redis Cluster", e);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private void assemble(int masters, int replicasPerMaster)
      throws IOException, InterruptedException {
    int slotsEach = 16384 / masters;
    for (int i = 0; i < masters; i++) {
      int from = i * slotsEach;
      int to = i == masters - 1 ? 16383 : from + slotsEach - 1;
      expect(
          "+OK",
          nodes.get(i),
          "CLUSTER",
          "ADDSLOTSRANGE",
          Integer.toString(from),
          Integer.toString(to));
    }
    Node first = nodes.get(0);
    for (int i = 1; i < nodes.size(); i++) {
      Node node = nodes.get(i);
      expect(
          "+OK",
          first,
          "CLUSTER",
          "MEET",
          "127.0.0.1",
          Integer.toString(node.clientPort()),
          Integer.toString(node.busPort()));
    }
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    awaitAll(
        deadline,
        "every node knows the others",
        node -> info(node).contains("cluster_known_nodes:" + nodes.size()));
    for (int r = 0; r < replicasPerMaster; r++) {
      for (int m = 0; m < masters; m++) {
        Node replica = nodes.get(masters + r * masters + m);
        String masterId = nodes.get(m).id();
        while (true) {
          String reply =
              Resp.authenticated(
                  replica.server().port(), password, "CLUSTER", "REPLICATE", masterId);
          if (reply.equals("+OK")) {
            break;
          }
          checkDeadline(deadline, "CLUSTER REPLICATE answered " + reply);
          TimeUnit.MILLISECONDS.sleep(50);
        }
      }
    }
    awaitAll(
        deadline,
        "cluster_state:ok with every slot served",
        node -> {
          String info = info(node);
          return info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:16384");
        });
    for (int m = 0; m < masters; m++) {
      Node master = nodes.get(m);
      awaitAll(
          deadline,
          "replicas of port " + master.clientPort() + " in sync",
          node ->
              node != master
                  || replicationInfo(master).contains("connected_slaves:" + replicasPerMaster));
    }
    for (int i = masters; i < nodes.size(); i++) {
      Node replica = nodes.get(i);
      awaitAll(
          deadline,
          "replica on port " + replica.clientPort() + " linked to its master",
          node -> node != replica || replicationInfo(replica).contains("master_link_status:up"));
    }
  }

  /** The cluster's URI: {@code redis-cluster://} (or {@code rediss-cluster://}) with every node. */
  public String uri() {
    return (tls ? "rediss-cluster://" : "redis-cluster://")
        + nodes.stream()
            .map(node -> "127.0.0.1:" + node.clientPort())
            .collect(Collectors.joining(","));
  }

  /** The ports clients are told about, one per node (TLS ports for a TLS cluster). */
  public List<Integer> clientPorts() {
    return nodes.stream().map(Node::clientPort).toList();
  }

  /**
   * The client port of the master serving {@code slot} now, as a live node sees it.
   *
   * @throws IllegalStateException if no live node names a healthy master for it
   */
  public int masterOf(int slot) {
    for (Node node : nodes) {
      if (!node.server().isRunning()) {
        continue;
      }
      try {
        String table = Resp.authenticated(node.server().port(), password, "CLUSTER", "NODES");
        for (String line : table.split("\n")) {
          String[] parts = line.trim().split(" ");
          if (parts.length < 8 || !parts[2].contains("master") || parts[2].contains("fail")) {
            continue;
          }
          for (int i = 8; i < parts.length; i++) {
            String range = parts[i];
            if (range.startsWith("[")) {
              continue; // a slot being migrated or imported
            }
            String[] bounds = range.split("-");
            int from = Integer.parseInt(bounds[0]);
            int to = bounds.length > 1 ? Integer.parseInt(bounds[1]) : from;
            if (slot >= from && slot <= to) {
              String address = parts[1];
              return Integer.parseInt(
                  address.substring(address.indexOf(':') + 1, address.indexOf('@')));
            }
          }
        }
        throw new IllegalStateException("no master serves slot " + slot + ": " + table);
      } catch (IOException e) {
        // that node is not answering; ask another
      }
    }
    throw new IllegalStateException("no live node of the cluster answers CLUSTER NODES");
  }

  /** The cluster id of the node with this client port. */
  public String nodeId(int clientPort) {
    return node(clientPort).id();
  }

  /** The process of the node with this client port (to kill it). */
  public RedisServerProcess server(int clientPort) {
    return node(clientPort).server();
  }

  /**
   * Runs one command on the node with this client port (through its plain port, after AUTH) and
   * returns the first line of the reply, or a bulk string's content.
   */
  public String command(int clientPort, String... args) throws IOException {
    return Resp.authenticated(node(clientPort).server().port(), password, args);
  }

  /** Stops every node. */
  @Override
  public void close() {
    nodes.forEach(node -> node.server().close());
  }

  private Node node(int clientPort) {
    return nodes.stream()
        .filter(node -> node.clientPort() == clientPort)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException("expected a node's client port, found " + clientPort));
  }

  private String info(Node node) throws IOException {
    return Resp.authenticated(node.server().port(), password, "CLUSTER", "INFO");
  }

  private String replicationInfo(Node node) throws IOException {
    return Resp.authenticated(node.server().port(), password, "INFO", "replication");
  }

  private void expect(String expected, Node node, String... command) throws IOException {
    String reply = Resp.authenticated(node.server().port(), password, command);
    if (!reply.equals(expected)) {
      throw new IllegalStateException(
          "expected " + expected + " from " + command[0] + " " + command[1] + ", found " + reply);
    }
  }

  private interface Check {
    boolean holds(Node node) throws IOException;
  }

  private void awaitAll(long deadline, String what, Check check)
      throws IOException, InterruptedException {
    for (Node node : nodes) {
      while (!check.holds(node)) {
        checkDeadline(deadline, what);
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
  }

  private void checkDeadline(long deadline, String what) {
    if (System.nanoTime() > deadline) {
      Map<Integer, Integer> ports = new LinkedHashMap<>();
      nodes.forEach(node -> ports.put(node.clientPort(), node.server().port()));
      throw new IllegalStateException(
          "Redis Cluster on ports "
              + ports.keySet()
              + " not ready after "
              + READY_TIMEOUT
              + ": "
              + what);
    }
  }
}
