package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.AddressFamily;
import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.KnownDcs;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.Sessions;
import dev.tgsession.TempAuthKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The JSON export's optional fields: the home DC's family, media DCs, temporary keys. */
@DisplayName("the JSON export of 0.3.0's session data")
class JsonExtrasTest {

  private static AuthKey key(int fill) {
    byte[] bytes = new byte[AuthKey.LENGTH];
    Arrays.fill(bytes, (byte) fill);
    return AuthKey.of(bytes);
  }

  private static String export(Session session) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonSessionFormat.write(session, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("an IPv6 home DC, a media DC and temporary keys survive export and import")
  void roundTrip() throws IOException {
    Instant expires = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    String document;
    try (Session session = Sessions.open("memory:")) {
      session.setDcOption(KnownDcs.get(4).orElseThrow().withAuthKey(key(4)));
      session.setMediaDcOption(
          new DcOption(
              4,
              new InetSocketAddress("149.154.167.255", 443),
              new InetSocketAddress("2001:67c:4e8:f004::b", 443),
              null));
      session.setTempAuthKey(4, false, new TempAuthKey(key(7), expires));
      session.setTempAuthKey(4, true, new TempAuthKey(key(8), expires));
      session.setHomeDc(4, AddressFamily.IPV6);
      document = export(session);
    }

    assertThat(document).contains("\"homeDcFamily\": \"ipv6\"", "\"mediaDcOptions\"");
    SessionData back =
        JsonSessionFormat.readData(
            new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8)));
    assertThat(back.homeDcFamily()).isEqualTo(AddressFamily.IPV6);
    assertThat(back.mediaDcOptions().get(4).ipv4().getPort()).isEqualTo(443);
    assertThat(back.tempAuthKeys().get(4)).isEqualTo(new TempAuthKey(key(7), expires));
    assertThat(back.mediaTempAuthKeys().get(4)).isEqualTo(new TempAuthKey(key(8), expires));
    try (Session target = Sessions.open("memory:")) {
      JsonSessionFormat.read(
          new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8)), target);
      assertThat(target.homeDcFamily()).isEqualTo(AddressFamily.IPV6);
      assertThat(target.homeDcId()).isEqualTo(4);
      assertThat(target.tempAuthKey(4, false)).contains(new TempAuthKey(key(7), expires));
      assertThat(target.mediaDcOption(4)).isPresent();
    }
  }

  @Test
  @DisplayName("a session with none of them exports the document 0.2.0 wrote")
  void absentWhenDefault() throws IOException {
    try (Session session = Sessions.open("memory:")) {
      String document = export(session);

      assertThat(document).doesNotContain("homeDcFamily", "mediaDcOptions", "tempAuthKeys");
    }
  }

  @Test
  @DisplayName("a damaged temporary key is refused with the line, never quoting the key")
  void damagedTempKey() {
    String document =
        "{\"format\": \"tgsession-export/1\", \"homeDcId\": 2, \"dcOptions\": [],"
            + " \"tempAuthKeys\": [{\"dcId\": 2, \"media\": false, \"authKey\": \"abcdef\","
            + " \"expiresAt\": \"2030-01-01T00:00:00Z\"}], \"updatesState\": {\"pts\": 0,"
            + " \"qts\": 0, \"date\": 0, \"seq\": 0, \"channels\": []}, \"peers\": []}";

    assertThatThrownBy(
            () ->
                JsonSessionFormat.validate(
                    new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining("expected a temporary key with a positive dcId")
        .hasMessageContaining("line 1")
        .hasMessageNotContaining("abcdef");
  }
}
