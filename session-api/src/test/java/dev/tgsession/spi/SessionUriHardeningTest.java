package dev.tgsession.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("URIs: bad input is refused without showing a secret")
class SessionUriHardeningTest {

  private static final String PASSWORD_PIECES = "Hh4Jj|Kk5Ll|pa\\?ss|bob:pa";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "redis://u:Hh4Jj/Kk5Ll@127.0.0.1:1/0?session=x",
        "redis://bob:pa?ss@host",
        "redis://bob:pa?ss@host/0?session=x",
        "redis://u:Hh4Jj#Kk5Ll@127.0.0.1:1/0",
      })
  @DisplayName("a password with an unencoded '/', '?' or '#' is refused, never shown")
  void unencodedPassword(String uri) {
    Throwable thrown = catchThrowable(() -> SessionUri.parse(uri));
    assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
    assertThat(thrown.getMessage()).doesNotContainPattern(PASSWORD_PIECES);
    assertThat(SessionUri.redact(uri)).doesNotContainPattern(PASSWORD_PIECES);
  }

  @Test
  @DisplayName(
      "a URI with more than one '@' is refused, showing nothing before the last '@' (issue 25)")
  void atInPassword() {
    for (String uri :
        List.of(
            "redis://bob:p@ss@host:6379/0?session=x",
            "postgresql://ncuser:p@ss/w?rd@127.0.0.1/db",
            "redis://ncuser:p@ss/w?rd@127.0.0.1:6379/0",
            "redis://ncuser:p@ss?w@rd@127.0.0.1:6379/0",
            "postgresql://ncuser:p@ss#w@rd@127.0.0.1/db",
            "redis://a@b:c@127.0.0.1:6379/0")) {
      assertThatThrownBy(() -> SessionUri.parse(uri))
          .as(uri)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("percent-encode '@'")
          .hasMessageContaining("://****@")
          .hasMessageNotContainingAny("ncuser", "bob", ":p@", "w?rd", "a@b");
      assertThat(SessionUri.redact(uri))
          .as(uri)
          .startsWith(uri.substring(0, uri.indexOf("//") + 2) + "****@");
    }
    assertThatThrownBy(() -> SessionUri.parse("postgresql://ncuser:p%zz@127.0.0.1/db"))
        .hasMessageContaining("malformed %-escape")
        .hasMessageNotContainingAny("ncuser", "%zz");
  }

  @Test
  @DisplayName("an '@' in an option value is not taken for user info")
  void atInOption() {
    SessionUri uri = SessionUri.parse("redis://host:6379/0?owner=bot@box");
    assertThat(uri.hosts()).extracting(SessionUri.Host::host).containsExactly("host");
    assertThat(uri.option("owner")).hasValue("bot@box");
  }

  @Test
  @DisplayName("a space or other stray character in a host is refused before any connection")
  void badHost() {
    assertThatThrownBy(() -> SessionUri.parse("redis://127.0.0.1 :6379/0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host name or IP address");
    assertThatThrownBy(() -> SessionUri.parse("redis://ho<st/0"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("a text without a scheme (often a string session) is never echoed")
  void schemeLess() {
    String secret = "1BJWap1w" + "A".repeat(340) + "NcI=";
    assertThatThrownBy(() -> SessionUri.parse(secret))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scheme:")
        .hasMessageContaining(secret.length() + " characters")
        .hasMessageNotContaining("1BJWap1w")
        .hasMessageNotContaining("AAAA");
  }

  @Test
  @DisplayName("a huge option value is cut in toString and in every message")
  void hugeValue() {
    String huge = "x".repeat(1_000_000);
    SessionUri uri = SessionUri.parse("redis://h/0?session=" + huge);
    assertThat(uri.toString().length()).isLessThan(200);
    Throwable thrown = catchThrowable(() -> uri.requireKnownOptions(List.of("nothing")));
    assertThat(thrown.getMessage().length()).isLessThan(400);
    Throwable twice = catchThrowable(() -> SessionUri.parse("redis://h/0?a=" + huge + "&a=1"));
    assertThat(twice.getMessage().length()).isLessThan(400);
  }

  @Test
  @DisplayName("random URIs give IllegalArgumentException only, one line, <= 300 chars, no secret")
  void randomUris() {
    Random random = new Random(20261130);
    String alphabet = "abc:/@?#&=%[]:,.0123456789 ZÄ\n";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder text = new StringBuilder("redis://u:S3cretPw@");
      int length = random.nextInt(30);
      for (int j = 0; j < length; j++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String uri = text.toString();
      try {
        SessionUri parsed = SessionUri.parse(uri);
        assertThat(parsed.toString()).as(uri).doesNotContain("S3cretPw");
      } catch (IllegalArgumentException e) {
        assertThat(e.getMessage()).as(uri).doesNotContain("S3cretPw").doesNotContain("\n");
        assertThat(e.getMessage().length()).as(uri).isLessThanOrEqualTo(300);
      }
    }
  }

  @Test
  @DisplayName("driver credential options are masked in toString and in every option message")
  void driverCredentials() {
    String uri =
        "mongodb://h/db?authMechanismProperties=AWS_SESSION_TOKEN:SeCrEtToKeN&proxyPassword=pp1234&bogus=1";
    SessionUri parsed = SessionUri.parse(uri);
    assertThat(parsed.toString()).doesNotContain("SeCrEtToKeN").doesNotContain("pp1234");
    Throwable unknown =
        catchThrowable(
            () -> parsed.withDeclaredOptions(List.of(SharedOptions.SESSION), n -> false));
    assertThat(unknown.getMessage()).doesNotContain("SeCrEtToKeN").doesNotContain("pp1234");
    Throwable range =
        catchThrowable(
            () ->
                SessionUri.parse(uri.replace("bogus=1", "lease=1"))
                    .withDeclaredOptions(List.of(SharedOptions.LEASE), n -> true));
    assertThat(range.getMessage()).contains("lease").doesNotContain("SeCrEtToKeN");
  }
}
