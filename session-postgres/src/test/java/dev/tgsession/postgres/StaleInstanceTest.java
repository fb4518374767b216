package dev.tgsession.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.spi.EncryptionKey;
import dev.tgsession.tck.TckData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 25 item 1: an instance left open while another encrypts, rekeys or clears the session is
 * refused ("a DC or vault write requires the vault this instance last read or wrote"), as on
 * SQLite, Redis and MongoDB.
 */
@DisplayName("PostgreSQL: a stale instance never writes past another's encryption change")
class StaleInstanceTest {

  @TempDir Path keys;
  private final List<Session> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(Session::close);
  }

  private Session open(String session, String options) {
    Session opened =
        Sessions.open(
            options.isEmpty()
                ? PostgresTestServer.uri(session)
                : PostgresTestServer.uri(session, options));
    this.opened.add(opened);
    return opened;
  }

  private static byte[] keyBytes(int seed) {
    byte[] bytes = new byte[EncryptionKey.LENGTH];
    new Random(seed * 31L).nextBytes(bytes);
    return bytes;
  }

  private String keyOption(int seed) throws IOException {
    Path file = keys.resolve("key-" + seed);
    Files.writeString(file, HexFormat.of().formatHex(keyBytes(seed)));
    return "encryption-key=file:" + file;
  }

  /** Every auth key stored in the clear in tgsession_dc for the session. */
  private static List<byte[]> plainKeys(String session) throws SQLException {
    List<byte[]> found = new ArrayList<>();
    try (Connection connection = PostgresTestServer.connect();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT auth_key FROM tgsession_dc WHERE session = ? AND auth_key IS NOT NULL")) {
      statement.setString(1, PostgresTestServer.RUN + "-" + session);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          found.add(rows.getBytes(1));
        }
      }
    }
    return found;
  }

  @Test
  @DisplayName(
      "a plain instance's new auth key after another instance encrypted: refused, no plain key"
          + " row beside the vault")
  void plainInstanceAfterEncryption() throws Exception {
    Session plain = open("stale-plain", "");
    plain.setDcOption(TckData.dc(2, 1));
    Session encrypted = open("stale-plain", keyOption(1));
    encrypted.setDcOption(TckData.dc(4, 4));
    assertThat(plainKeys("stale-plain")).as("keys after encrypting in place").isEmpty();

    assertThatThrownBy(() -> plain.setDcOption(TckData.dc(2, 9)))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining("requires the vault this instance last read or wrote")
        .hasMessageContaining("nothing was written");
    assertThat(plainKeys("stale-plain")).as("plain keys after the stale write").isEmpty();
    try (Session again = Sessions.open(PostgresTestServer.uri("stale-plain", keyOption(1)))) {
      assertThat(again.dcOption(2).map(DcOption::authKey)).contains(TckData.key(1));
    }
  }

  @Test
  @DisplayName("a rekey from key A to key B is not undone by an instance still on key A")
  void rekeyNotUndone() throws Exception {
    Session onA = open("stale-rekey", keyOption(1));
    onA.setDcOption(TckData.dc(2, 1));
    Session rekeying = open("stale-rekey", keyOption(1));
    rekeying.encryption().orElseThrow().rekey(EncryptionKey.of(keyBytes(2)));

    assertThatThrownBy(() -> onA.setDcOption(TckData.dc(2, 5)))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining("requires the vault this instance last read or wrote");
    // A look at the new vault (a temporary key read) does not bless it either.
    assertThatThrownBy(() -> onA.tempAuthKey(2, false))
        .isInstanceOf(IncompatibleSessionException.class);
    assertThatThrownBy(() -> onA.setDcOption(TckData.dc(2, 6)))
        .isInstanceOf(IncompatibleSessionException.class);

    try (Session onB = Sessions.open(PostgresTestServer.uri("stale-rekey", keyOption(2)))) {
      assertThat(onB.encryption().orElseThrow().fingerprint())
          .contains(EncryptionKey.of(keyBytes(2)).fingerprint());
      assertThat(onB.dcOption(2).map(DcOption::authKey)).contains(TckData.key(1));
    }
    assertThatThrownBy(
            () -> Sessions.open(PostgresTestServer.uri("stale-rekey", keyOption(1))).close())
        .as("key A after the rekey")
        .isInstanceOf(IncompatibleSessionException.class);
  }

  @Test
  @DisplayName("keys do not come back after another instance's clear()")
  void keysNotBackAfterClear() throws Exception {
    Session stale = open("stale-clear", keyOption(1));
    stale.setDcOption(TckData.dc(2, 1));
    Session clearing = open("stale-clear", keyOption(1));
    clearing.clear();

    assertThatThrownBy(() -> stale.setDcOption(TckData.dc(3, 3)))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining("requires the vault this instance last read or wrote");
    try (Session fresh = Sessions.open(PostgresTestServer.uri("stale-clear", keyOption(1)))) {
      assertThat(fresh.dcOption(2).map(DcOption::authKey)).isEmpty();
      assertThat(fresh.dcOption(3).map(DcOption::authKey)).isEmpty();
    }
    assertThat(plainKeys("stale-clear")).isEmpty();
  }

  @Test
  @DisplayName("a plain instance cannot make an encrypted session plain again with its old view")
  void plainInstanceCannotDecrypt() throws Exception {
    Session plain = open("stale-decrypt", "");
    plain.setDcOption(TckData.dc(2, 1));
    open("stale-decrypt", keyOption(1));

    assertThatThrownBy(() -> plain.setTempAuthKey(2, false, null))
        .isInstanceOf(IncompatibleSessionException.class);
    assertThatThrownBy(() -> plain.encryption().orElseThrow().rekey(null))
        .isInstanceOf(IncompatibleSessionException.class);
    try (Session again = Sessions.open(PostgresTestServer.uri("stale-decrypt", keyOption(1)))) {
      assertThat(again.dcOption(2).map(DcOption::authKey)).contains(TckData.key(1));
    }
  }

  @Test
  @DisplayName(
      "a session whose encryption key is lost is cleared without it (Sessions.clear) and deleted"
          + " without it (the directory)")
  void lostKey() throws Exception {
    try (Session encrypted = Sessions.open(PostgresTestServer.uri("lost-key", keyOption(1)))) {
      encrypted.setDcOption(TckData.dc(2, 1));
      encrypted.cachePeer(TckData.user(5, 5));
    }
    Sessions.clear(PostgresTestServer.uri("lost-key"));
    try (Session plain = Sessions.open(PostgresTestServer.uri("lost-key"))) {
      assertThat(plain.encryption().orElseThrow().fingerprint()).isEmpty();
      assertThat(plain.peerCount()).isZero();
      assertThat(plain.dcOption(2).map(DcOption::authKey)).isEmpty();
    }

    try (Session encrypted = Sessions.open(PostgresTestServer.uri("lost-key-2", keyOption(2)))) {
      encrypted.setDcOption(TckData.dc(2, 1));
    }
    try (dev.tgsession.SessionStore store = Sessions.store(PostgresTestServer.uri())) {
      assertThat(store.delete(PostgresTestServer.RUN + "-lost-key-2")).isTrue();
      assertThat(store.summary(PostgresTestServer.RUN + "-lost-key-2")).isEmpty();
    }
  }
}
