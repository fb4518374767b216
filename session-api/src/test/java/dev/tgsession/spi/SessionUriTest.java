package dev.tgsession.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SessionUriTest {

  @Test
  @DisplayName("an opaque URI keeps everything after the scheme as its path")
  void opaque() {
    SessionUri uri = SessionUri.parse("SQLite:bot.session?busy-timeout=500");
    assertThat(uri.scheme()).isEqualTo("sqlite");
    assertThat(uri.hierarchical()).isFalse();
    assertThat(uri.path()).isEqualTo("bot.session");
    assertThat(uri.options()).containsExactly(java.util.Map.entry("busy-timeout", "500"));
    assertThat(SessionUri.parse("sqlite:/abs/path.session").path()).isEqualTo("/abs/path.session");
    assertThat(SessionUri.parse("memory:").path()).isEmpty();
  }

  @Test
  @DisplayName("an authority gives user, password, hosts with ports, path and ordered options")
  void hierarchical() {
    SessionUri uri =
        SessionUri.parse("redis://me:s3cr%40t@h1:7000,[::1]:7001,h3/0?session=bot&prefix=p");
    assertThat(uri.user()).contains("me");
    assertThat(uri.password()).contains("s3cr@t");
    assertThat(uri.hosts())
        .containsExactly(
            new SessionUri.Host("h1", 7000),
            new SessionUri.Host("::1", 7001),
            new SessionUri.Host("h3", -1));
    assertThat(uri.hosts().get(2).portOr(6379)).isEqualTo(6379);
    assertThat(uri.path()).isEqualTo("/0");
    assertThat(List.copyOf(uri.options().keySet())).containsExactly("session", "prefix");
  }

  @Test
  @DisplayName("toString masks the password and secret-like options")
  void redaction() {
    SessionUri uri =
        SessionUri.parse("rediss://me:hunter2@h:1/0?session=a&apiKey=xyz&token=abc&tlsSecret=q");
    assertThat(uri.toString())
        .isEqualTo("rediss://me:****@h:1/0?session=a&apiKey=****&token=****&tlsSecret=****")
        .doesNotContain("hunter2", "xyz", "abc");
    assertThat(SessionUri.redact("mongodb://u:pw@a,b/db?password=pw2"))
        .isEqualTo("mongodb://u:****@a,b/db?password=****");
    // a user without a password is shown as given (issue 26)
    assertThat(SessionUri.parse("redis://hunter2@h:1/0").toString())
        .isEqualTo("redis://hunter2@h:1/0");
    assertThat(SessionUri.redact("redis://hunter2@h:1/0")).isEqualTo("redis://hunter2@h:1/0");
    assertThat(SessionUri.parse("postgresql://tg@db:5432/app").toString())
        .isEqualTo("postgresql://tg@db:5432/app");
  }

  @Test
  @DisplayName("errors never show the password")
  void errorsAreRedacted() {
    assertThatThrownBy(() -> SessionUri.parse("redis://me:hunter2@h:99999/0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("99999")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> SessionUri.parse("redis://me:hunter2@h:1/0?a=1&a=2"))
        .hasMessageContaining("'a' twice")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> SessionUri.parse("no scheme here")).hasMessageContaining("scheme:");
    SessionUri uri = SessionUri.parse("redis://me:hunter2@h:1/0?timeout=soon");
    assertThatThrownBy(
            () ->
                uri.withDeclaredOptions(
                    List.of(SessionOption.integer("timeout", 1, 10, 1L, "ms")), name -> false))
        .hasMessageContaining("timeout")
        .hasMessageContaining("soon")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  @DisplayName("unknown options are rejected with the valid ones listed")
  void unknownOptions() {
    SessionUri uri = SessionUri.parse("redis://h/0?sesion=x&session=y");
    assertThatThrownBy(() -> uri.requireKnownOptions(List.of("session", "prefix")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[sesion]")
        .hasMessageContaining("[prefix, session]");
  }

  @Test
  @DisplayName("rawWithoutOptions removes only the named options and keeps the rest verbatim")
  void rawWithoutOptions() {
    SessionUri uri =
        SessionUri.parse("mongodb://u:p%40w@a:1,b:2/db?replicaSet=rs&session=s&w=majority");
    assertThat(uri.rawWithoutOptions(List.of("session")))
        .isEqualTo("mongodb://u:p%40w@a:1,b:2/db?replicaSet=rs&w=majority");
    assertThat(SessionUri.parse("mongodb://a/db?session=s").rawWithoutOptions(List.of("session")))
        .isEqualTo("mongodb://a/db");
  }
}
