package dev.tgsession.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("options declared once")
class SessionOptionTest {

  private static final List<SessionOption<?>> DECLARED =
      List.of(
          SharedOptions.SESSION,
          SharedOptions.PEER_CACHE,
          SharedOptions.LEASE,
          SessionOption.text("token-file", 100, null, "where the token is").asSecret(),
          SessionOption.integer("timeout", 1, 60_000, 2000L, "ms"));

  private static SessionUri validated(String uri) {
    return SessionUri.parse(uri).withDeclaredOptions(DECLARED, name -> name.equals("replicaSet"));
  }

  @Nested
  @DisplayName("validation before the provider")
  class Validation {

    @Test
    @DisplayName("an unknown option is refused, naming it and listing the valid ones")
    void unknown() {
      assertThatThrownBy(() -> validated("redis://h/0?sesion=x"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("[sesion]")
          .hasMessageContaining("[lease, peer-cache, session, timeout, token-file]");
    }

    @Test
    @DisplayName("a driver option passes through unchecked")
    void passThrough() {
      assertThat(validated("mongodb://h/db?replicaSet=rs").option("replicaSet")).hasValue("rs");
    }

    @Test
    @DisplayName("defaults are filled in, given values kept")
    void defaults() {
      SessionUri uri = validated("redis://h/0?timeout=5");
      assertThat(uri.option("session")).hasValue("default");
      assertThat(uri.option("peer-cache")).hasValue("10000");
      assertThat(uri.option("timeout")).hasValue("5");
      assertThat(uri.option("lease")).isEmpty();
      assertThat(uri.toString())
          .as("defaults are read, not shown")
          .isEqualTo("redis://h/0?timeout=5");
    }

    @Test
    @DisplayName("a value out of range names the option, the range and the value")
    void range() {
      assertThatThrownBy(() -> validated("redis://h/0?lease=1"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'lease'")
          .hasMessageContaining("2..3600")
          .hasMessageContaining("'1'");
      assertThatThrownBy(() -> validated("redis://h/0?peer-cache=many"))
          .hasMessageContaining("'peer-cache'")
          .hasMessageContaining("whole number");
    }

    @Test
    @DisplayName("a text option refuses control characters and overlong values")
    void text() {
      assertThatThrownBy(() -> validated("redis://h/0?session=a%0Ab"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'session'");
      assertThatThrownBy(() -> validated("redis://h/0?session=" + "x".repeat(201)))
          .hasMessageContaining("1 to 200");
    }

    @Test
    @DisplayName("a secret option is masked in toString and in every message")
    void secret() {
      SessionUri uri = validated("redis://h/0?token-file=s3cr3t");
      assertThat(uri.toString()).doesNotContain("s3cr3t").contains("token-file=****");
      assertThatThrownBy(() -> validated("redis://h/0?token-file=s3cr3t&timeout=0"))
          .hasMessageNotContaining("s3cr3t");
      assertThatThrownBy(() -> validated("redis://h/0?token-file=" + "s".repeat(101)))
          .hasMessageContaining("'token-file'")
          .hasMessageNotContaining("sss");
    }

    @Test
    @DisplayName("a quoted value is cut to 64 characters with its length")
    void cut() {
      String huge = "v".repeat(1_000_000);
      assertThatThrownBy(() -> validated("redis://h/0?session=" + huge))
          .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(400))
          .hasMessageContaining("1000000 characters");
    }
  }

  @Nested
  @DisplayName("declarations")
  class Declarations {

    @Test
    @DisplayName("a bad name, range or default is refused")
    void badDeclarations() {
      assertThatThrownBy(() -> SessionOption.integer("Bad Name", 0, 1, null, ""))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("lower-case");
      assertThatThrownBy(() -> SessionOption.integer("x", 5, 1, null, ""))
          .hasMessageContaining("min <= max");
      assertThatThrownBy(() -> SessionOption.integer("x", 1, 5, 9L, ""))
          .hasMessageContaining("default");
    }

    @Test
    @DisplayName("the shared options have the contract's ranges and defaults")
    void shared() {
      assertThat(SharedOptions.LEASE.min()).isEqualTo(2);
      assertThat(SharedOptions.LEASE.max()).isEqualTo(3600);
      assertThat(SharedOptions.LEASE.defaultValue()).isNull();
      assertThat(SharedOptions.OWNER.max()).isEqualTo(200);
      assertThat(SharedOptions.SESSION.defaultValue()).isEqualTo("default");
      assertThat(SharedOptions.PEER_CACHE.defaultValue()).isEqualTo("10000");
    }
  }
}
