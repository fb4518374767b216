package dev.tgsession.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the benchmark's choice of a real MongoDB")
class StoreTest {

  @Test
  @DisplayName("keeps the hosts of a loopback URI and drops its path and options")
  void loopbackBase() {
    assertThat(Store.loopbackBase("mongodb://127.0.0.1:27017/db?replicaSet=rs0"))
        .isEqualTo("mongodb://127.0.0.1:27017");
    assertThat(Store.loopbackBase("mongodb://u:p@localhost:1,127.0.0.2:2,[::1]:3/?w=1"))
        .isEqualTo("mongodb://u:p@localhost:1,127.0.0.2:2,[::1]:3");
    assertThat(Store.loopbackBase("mongodb://127.0.0.1")).isEqualTo("mongodb://127.0.0.1");
  }

  @Test
  @DisplayName("refuses a server on another machine, naming the host and never the password")
  void refusesRemoteHosts() {
    assertThatThrownBy(() -> Store.loopbackBase("mongodb://bot:s3cret@db.example.com:27017/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'db.example.com'")
        .hasMessageContaining("loopback")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> Store.loopbackBase("mongodb://127.0.0.1:1,10.0.0.7:2"))
        .hasMessageContaining("'10.0.0.7'");
    assertThatThrownBy(() -> Store.loopbackBase("mongodb://127.example.com"))
        .hasMessageContaining("'127.example.com'");
    assertThatThrownBy(() -> Store.loopbackBase("mongodb+srv://cluster.example.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mongodb://");
  }
}
