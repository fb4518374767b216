package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.spi.SessionUri;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The kit's group "URIs" (URIs). */
abstract class UrisRules extends TckGroup {

  UrisRules(SessionTck kit) {
    super(kit);
  }

  @Test
  @DisplayName("the provider is found through ServiceLoader and names its scheme")
  void providerRegistered() {
    String scheme = SessionUri.parse(uri(sessionName())).scheme();
    assertThat(Sessions.schemes()).contains(scheme);
    assertThat(Sessions.provider(scheme).schemes()).contains(scheme);
  }

  @Test
  @DisplayName("the scheme matches case-insensitively")
  void schemeCaseInsensitive() {
    String uri = uri(sessionName());
    int colon = uri.indexOf(':');
    String upper = uri.substring(0, colon).toUpperCase(Locale.ROOT) + uri.substring(colon);
    remember(sessionName());
    try (Session session = Sessions.open(upper)) {
      session.cachePeer(user(1, 1));
      assertThat(session.peerCount()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("an unknown option is rejected with a message naming it")
  void unknownOption() {
    String uri = uri(sessionName());
    String bad = uri + (uri.contains("?") ? "&" : "?") + "tgsessionBogusOption=1";
    remember(sessionName());
    assertThatThrownBy(() -> Sessions.open(bad).close())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tgsessionBogusOption");
  }

  @Test
  @DisplayName("an open session's toString() and the kit's messages show no password or secret")
  void noSecretsShown() {
    String uri = uri(sessionName());
    SessionUri parsed = SessionUri.parse(uri);
    List<String> secrets = new java.util.ArrayList<>();
    // A password that also appears where it may be shown (as the user, a host, the path or a
    // plain option) cannot be told apart from those in a message: only a distinct one is checked.
    String shownParts =
        parsed.user().orElse("")
            + " "
            + parsed.hosts()
            + " "
            + parsed.path()
            + " "
            + parsed.options().entrySet().stream()
                .filter(e -> !parsed.isSecretOption(e.getKey()))
                .map(Object::toString)
                .collect(java.util.stream.Collectors.joining(" "));
    parsed
        .password()
        .filter(p -> p.length() >= 3 && !shownParts.contains(p))
        .ifPresent(secrets::add);
    parsed
        .options()
        .forEach(
            (name, value) -> {
              if (parsed.isSecretOption(name) && value.length() >= 3) {
                secrets.add(value);
              }
            });
    Session session = open();
    List<String> shown = new java.util.ArrayList<>();
    shown.add(session.toString());
    String bad = uri + (uri.contains("?") ? "&" : "?") + "tgsessionBogusOption=1";
    try {
      Sessions.open(bad).close();
    } catch (RuntimeException e) {
      shown.add(String.valueOf(e.getMessage()));
    }
    session.close();
    try {
      session.peerCount();
    } catch (RuntimeException e) {
      shown.add(String.valueOf(e.getMessage()));
    }
    shown.add(session.toString());
    for (String text : shown) {
      for (String secret : secrets) {
        assertThat(text).as("a message or toString() of the session").doesNotContain(secret);
      }
    }
  }
}
