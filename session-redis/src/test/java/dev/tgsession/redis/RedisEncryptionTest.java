package dev.tgsession.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionLeaseLostException;
import dev.tgsession.Sessions;
import dev.tgsession.spi.EncryptionKey;
import dev.tgsession.tck.TckData;
import dev.tgsession.tck.server.RedisServerProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * Encryption at rest on Redis, checked in the raw keys: the vault is the {@code vault} field of the
 * session's {@code dcs} hash, written with the DC records in one script.
 */
@DisplayName("Redis: encryption at rest")
class RedisEncryptionTest {

  private static RedisServerProcess server;
  private static UnifiedJedis raw;
  private final String name = "enc-" + System.nanoTime();
  private final List<Session> opened = new ArrayList<>();
  private Path keyDir;

  @BeforeAll
  static void startServer() {
    server = RedisServerProcess.start();
    raw = RawRedis.standalone(server.uri());
  }

  @AfterAll
  static void stopServer() {
    raw.close();
    server.close();
  }

  @BeforeEach
  void keyDirectory() throws IOException {
    keyDir = Files.createTempDirectory("redis-keys");
  }

  @AfterEach
  void closeAndDelete() throws IOException {
    opened.forEach(Session::close);
    try (var files = Files.list(keyDir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(keyDir);
  }

  private static byte[] keyBytes(int seed) {
    byte[] bytes = new byte[EncryptionKey.LENGTH];
    new Random(seed * 31L).nextBytes(bytes);
    return bytes;
  }

  private static AuthKey authKey(int seed) {
    byte[] bytes = new byte[AuthKey.LENGTH];
    new Random(seed * 104729L).nextBytes(bytes);
    return AuthKey.of(bytes);
  }

  private static DcOption dc(int id, int seed) {
    return new DcOption(
        id,
        new InetSocketAddress("10.0.0." + id, 443),
        new InetSocketAddress("2001:db8::" + id, 443),
        authKey(seed));
  }

  private Session open(String... options) {
    String uri =
        server.uri()
            + "?session="
            + name
            + (options.length == 0 ? "" : "&")
            + String.join("&", options);
    Session session = Sessions.open(uri);
    opened.add(session);
    return session;
  }

  private String keyOption(int seed) throws IOException {
    Path file = keyDir.resolve("key-" + seed);
    Files.writeString(file, HexFormat.of().formatHex(keyBytes(seed)));
    return "encryption-key=file:" + file;
  }

  private byte[] dcsField(String field) {
    return raw.hget(
        ("{tgsession:" + name + "}:dcs").getBytes(StandardCharsets.UTF_8),
        field.getBytes(StandardCharsets.UTF_8));
  }

  private long occurrences(AuthKey key) {
    List<byte[]> values = RawRedis.values(raw, name);
    long found = 0;
    for (byte[] value : values) {
      for (byte[] form : TckData.rawForms(key)) {
        if (TckData.indexOf(value, form) >= 0) {
          found++;
        }
      }
    }
    return found;
  }

  @Test
  @DisplayName(
      "a plain session with keys opened with a key is encrypted in place: no key in any key")
  void encryptedInPlace() throws IOException {
    Session plain = open();
    plain.setDcOption(dc(2, 22));
    plain.setDcOption(dc(4, 44));
    plain.cachePeer(new PeerInfo.User(7, null, false, true, List.of("me"), "15550007"));
    plain.close();
    assertThat(occurrences(authKey(22))).as("the scan finds DC 2's plain key").isPositive();
    assertThat(occurrences(authKey(44))).as("the scan finds DC 4's plain key").isPositive();
    assertThat(dcsField("vault")).as("the vault of a plain session").isNull();

    Session encrypted = open(keyOption(1));
    assertThat(encrypted.dcOption(2).orElseThrow().authKey()).isEqualTo(authKey(22));
    assertThat(occurrences(authKey(22))).as("DC 2's key once encrypted").isZero();
    assertThat(occurrences(authKey(44))).as("DC 4's key once encrypted").isZero();
    assertThat(dcsField("vault")).as("the vault").isNotNull();
    assertThat(dcsField("2")).as("DC 2's record: addresses and 'no key'").hasSize(26);
    assertThat(dcsField("2")[25]).isZero();
    assertThat(dcsField("layout"))
        .isEqualTo(RedisSession.LAYOUT.getBytes(StandardCharsets.US_ASCII));

    encrypted.setDcOption(dc(5, 55));
    assertThat(occurrences(authKey(55))).as("a key written while encrypted").isZero();
    encrypted.close();

    Session again = open(keyOption(1));
    assertThat(again.dcOption(4).orElseThrow().authKey()).isEqualTo(authKey(44));
    assertThat(again.dcOption(5).orElseThrow().authKey()).isEqualTo(authKey(55));
    assertThat(again.peer(dev.tgsession.PeerId.selfUser())).isPresent();
    again.close();
    assertThatThrownBy(() -> open()).isInstanceOf(IncompatibleSessionException.class);
  }

  @Test
  @DisplayName("rekey to another key and back to plain, each one script over the dcs hash")
  void rekeyBothWays() throws IOException {
    Session session = open(keyOption(1));
    session.setDcOption(dc(2, 22));
    session.setDcOption(dc(3, 33));
    byte[] before = dcsField("vault");
    session.encryption().orElseThrow().rekey(EncryptionKey.of(keyBytes(2)));
    assertThat(dcsField("vault")).as("the vault after rekey").isNotNull().isNotEqualTo(before);
    assertThat(occurrences(authKey(22)) + occurrences(authKey(33))).isZero();
    session.close();
    assertThatThrownBy(() -> open(keyOption(1)))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining(EncryptionKey.of(keyBytes(2)).fingerprint());

    Session rekeyed = open(keyOption(2));
    assertThat(rekeyed.dcOption(3).orElseThrow().authKey()).isEqualTo(authKey(33));
    rekeyed.encryption().orElseThrow().rekey(null);
    assertThat(dcsField("vault")).as("the vault once plain").isNull();
    assertThat(dcsField("2")).as("DC 2's record holds its key again").hasSize(26 + 256);
    rekeyed.close();

    Session plain = open();
    assertThat(plain.dcOption(2).orElseThrow().authKey()).isEqualTo(authKey(22));
    assertThat(plain.dcOption(3).orElseThrow().authKey()).isEqualTo(authKey(33));
  }

  @Test
  @DisplayName("clear() deletes the vault with the DC records; the session stays encrypted")
  void clearDeletesTheVault() throws IOException {
    Session session = open(keyOption(1));
    session.setDcOption(dc(2, 22));
    byte[] before = dcsField("vault");
    session.clear();
    byte[] after = dcsField("vault");
    assertThat(after).as("an empty vault marks the cleared session encrypted").isNotNull();
    assertThat(after).isNotEqualTo(before);
    assertThat(dcsField("2")).as("DC 2's record").isNull();
    assertThat(occurrences(authKey(22))).isZero();
    session.close();
    assertThatThrownBy(() -> open()).isInstanceOf(IncompatibleSessionException.class);
  }

  @Test
  @DisplayName("a vault write is fenced by the lease token: a lost lease writes nothing")
  void vaultWriteFenced() throws IOException {
    Session session = open(keyOption(1), "lease=30", "owner=first");
    session.setDcOption(dc(2, 22));
    byte[] vault = dcsField("vault");
    Map<byte[], byte[]> dcsBefore =
        raw.hgetAll(("{tgsession:" + name + "}:dcs").getBytes(StandardCharsets.UTF_8));
    // another owner took the lease over: the token counter moved past this session's token
    raw.incr("{tgsession:" + name + "}:lease-token");
    assertThatThrownBy(() -> session.encryption().orElseThrow().rekey(null))
        .isInstanceOf(SessionLeaseLostException.class);
    assertThat(dcsField("vault")).as("the vault after the refused rekey").isEqualTo(vault);
    assertThat(
            raw.hgetAll(("{tgsession:" + name + "}:dcs").getBytes(StandardCharsets.UTF_8)).size())
        .isEqualTo(dcsBefore.size());
    assertThat(occurrences(authKey(22))).isZero();
  }

  @Test
  @DisplayName("an instance opened plain before another encrypted the session cannot write a key")
  void stalePlainInstanceRefused() throws IOException {
    Session plain = open();
    plain.setDcOption(dc(2, 22));
    Session encrypting = open(keyOption(1));
    assertThat(encrypting.dcOption(2).orElseThrow().authKey()).isEqualTo(authKey(22));
    assertThatThrownBy(() -> plain.setDcOption(dc(3, 33)))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining("another instance encrypted")
        .hasMessageNotContaining(HexFormat.of().formatHex(authKey(33).bytes()).substring(0, 16));
    assertThat(dcsField("3")).as("DC 3's record").isNull();
    assertThat(occurrences(authKey(22)) + occurrences(authKey(33))).isZero();
  }

  @Test
  @DisplayName("an instance left behind by another's rekey cannot write its old vault over it")
  void staleEncryptedInstanceRefused() throws IOException {
    Session first = open(keyOption(1));
    first.setDcOption(dc(2, 22));
    Session second = open(keyOption(1));
    second.encryption().orElseThrow().rekey(EncryptionKey.of(keyBytes(2)));
    byte[] vault = dcsField("vault");
    assertThatThrownBy(() -> first.setDcOption(dc(3, 33)))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining("re-encrypted");
    assertThat(dcsField("vault")).as("the vault after the refused write").isEqualTo(vault);
    assertThatThrownBy(() -> first.encryption().orElseThrow().rekey(null))
        .isInstanceOf(IncompatibleSessionException.class);
    assertThat(dcsField("vault")).isEqualTo(vault);
    Session third = open(keyOption(2));
    assertThat(third.dcOption(2).orElseThrow().authKey()).isEqualTo(authKey(22));
    assertThat(third.dcOption(3).orElseThrow().authKey()).isNull();
  }
}
