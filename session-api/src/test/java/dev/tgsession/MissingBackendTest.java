package dev.tgsession;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Issue 26: a scheme whose backend is not on the class path names the module that serves it. */
@DisplayName("a missing backend")
class MissingBackendTest {

  @Test
  @DisplayName("is named by its module, per scheme")
  void namesTheModule() {
    Map<String, String> modules =
        Map.of(
            "sqlite:bot.session", "session-sqlite",
            "redis://h:6379/0", "session-redis",
            "rediss://h:6379/0", "session-redis",
            "redis-cluster://h:7000", "session-redis",
            "mongodb://h/db", "session-mongo",
            "postgresql://h/db", "session-postgres",
            "postgres://h/db", "session-postgres");
    modules.forEach(
        (uri, module) ->
            assertThatThrownBy(() -> Sessions.open(uri))
                .as(uri)
                .isInstanceOf(SessionException.class)
                .hasMessageContaining("add the module " + module + " to the class path"));
    assertThatThrownBy(() -> Sessions.open("mystore://h"))
        .hasMessageContaining("add the module of the backend that serves it");
  }
}
