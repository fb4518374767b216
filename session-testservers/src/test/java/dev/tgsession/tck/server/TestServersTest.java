package dev.tgsession.tck.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.spi.SessionUri;
import java.io.IOException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TestServersTest {

  @Test
  @DisplayName("the standalone Redis answers PING on a loopback address")
  void redisAnswers() throws IOException {
    SessionUri uri = SessionUri.parse(TestServers.redisUri());
    assertThat(uri.hosts().get(0).host()).isIn("127.0.0.1", "localhost");
    assertThat(Resp.command(uri.hosts().get(0).port(), "PING")).isEqualTo("+PONG");
  }

  @Test
  @DisplayName("the Redis Cluster has three masters and every slot assigned")
  void clusterIsReady() throws IOException {
    SessionUri uri = SessionUri.parse(TestServers.redisClusterUri());
    assertThat(uri.hosts()).hasSize(3);
    for (SessionUri.Host host : uri.hosts()) {
      String info = Resp.command(host.port(), "CLUSTER", "INFO");
      assertThat(info).contains("cluster_state:ok", "cluster_slots_assigned:16384");
      assertThat(info).contains("cluster_known_nodes:3");
    }
  }

  @Test
  @DisplayName("a killed server refuses connections and comes back on the same port with its data")
  void killAndRestart() throws IOException {
    try (RedisServerProcess server =
        RedisServerProcess.start("--appendonly", "yes", "--appendfsync", "always")) {
      assertThat(Resp.command(server.port(), "SET", "k", "v")).isEqualTo("+OK");
      server.kill();
      assertThatThrownBy(() -> Resp.command(server.port(), "PING")).isInstanceOf(IOException.class);
      server.restart();
      assertThat(Resp.command(server.port(), "GET", "k")).isEqualTo("v");
    }
  }

  @Test
  @DisplayName("a one-master cluster with a replica serves every slot, its replica in sync")
  void clusterWithReplica() throws IOException {
    try (RedisClusterProcess cluster = RedisClusterProcess.start(1, 1)) {
      assertThat(cluster.clientPorts()).hasSize(2);
      int master = cluster.masterOf(0);
      assertThat(cluster.masterOf(16383)).isEqualTo(master);
      int replica =
          cluster.clientPorts().get(0) == master
              ? cluster.clientPorts().get(1)
              : cluster.clientPorts().get(0);
      assertThat(cluster.command(replica, "INFO", "replication"))
          .contains("role:slave", "master_link_status:up");
      assertThat(cluster.command(master, "CLUSTER", "INFO")).contains("cluster_state:ok");
    }
  }
}
