package dev.tgsession.sqlite;

import static dev.tgsession.sqlite.TestData.checksum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.KnownDcs;
import dev.tgsession.Session;
import dev.tgsession.SessionEncryption;
import dev.tgsession.SessionLease;
import dev.tgsession.Sessions;
import dev.tgsession.spi.EncryptionKey;
import dev.tgsession.tck.TckData;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encryption at rest on a file: what the file and its WAL hold after a plain file is encrypted in
 * place, rekeys both ways, what grammers sees, read-only opens, and a rekey loop killed half-way.
 */
@DisplayName("sqlite: encryption at rest")
class EncryptionAtRestTest {

  private static final int[] DCS = {1, 2, 3, 4, 5};

  @TempDir Path dir;

  private Path file;
  private String keyA;
  private String keyB;

  @BeforeEach
  void keys() throws Exception {
    file = dir.resolve("secret.session");
    keyA = keyFile("a", 1);
    keyB = keyFile("b", 2);
  }

  private String keyFile(String name, int seed) throws Exception {
    byte[] bytes = new byte[EncryptionKey.LENGTH];
    new Random(seed).nextBytes(bytes);
    Path path = dir.resolve("key-" + name);
    Files.writeString(path, HexFormat.of().formatHex(bytes));
    return "file:" + path;
  }

  static AuthKey authKey(int dc) {
    byte[] bytes = new byte[256];
    new Random(1000 + dc).nextBytes(bytes);
    return AuthKey.of(bytes);
  }

  /** A plain file with an auth key on every DC of {@link #DCS}, closed (no side files). */
  static void writePlain(Path file) {
    try (Session session = Sessions.open("sqlite:" + file)) {
      for (int dc : DCS) {
        session.setDcOption(KnownDcs.get(dc).orElseThrow().withAuthKey(authKey(dc)));
      }
      session.setHomeDcId(2);
    }
  }

  static String uri(Path file, String keySpec) {
    return "sqlite:" + file + "?encryption-key=" + keySpec;
  }

  static void assertKeys(Session session) {
    for (int dc : DCS) {
      assertThat(session.dcOption(dc).map(DcOption::authKey)).as("DC %d", dc).contains(authKey(dc));
    }
  }

  /** The auth keys in dc_option as grammers reads them: DC id to key bytes or null. */
  static Map<Integer, byte[]> grammersView(Path file) throws Exception {
    Map<Integer, byte[]> keys = new TreeMap<>();
    try (Connection connection =
            DriverManager.getConnection("jdbc:sqlite:file:" + file + "?mode=ro");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT dc_id, auth_key FROM dc_option")) {
      while (rows.next()) {
        keys.put(rows.getInt(1), rows.getBytes(2));
      }
    }
    return keys;
  }

  static int vaultRows(Path file) throws Exception {
    try (Connection connection =
            DriverManager.getConnection("jdbc:sqlite:file:" + file + "?mode=ro");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM tgsession_key_vault")) {
      return rows.next() ? rows.getInt(1) : 0;
    }
  }

  /** Where an auth key of {@link #DCS} shows in the file and its side files, or null. */
  static String findKey(Path file) {
    List<byte[]> raw = SqliteTckTest.rawFiles(file);
    for (int dc : DCS) {
      byte[] key = authKey(dc).bytes();
      List<byte[]> needles = new ArrayList<>(TckData.rawForms(authKey(dc)));
      // A fragment of the raw key too: a shrunk cell can keep part of the old bytes.
      byte[] tail = new byte[32];
      System.arraycopy(key, 200, tail, 0, 32);
      needles.add(tail);
      for (int chunk = 0; chunk < raw.size(); chunk++) {
        for (int n = 0; n < needles.size(); n++) {
          if (TckData.indexOf(raw.get(chunk), needles.get(n)) >= 0) {
            return "key of DC " + dc + " (form " + n + ") in side " + chunk;
          }
        }
      }
    }
    return null;
  }

  @Test
  @DisplayName("the scan sees keys that an UPDATE without secure_delete and checkpoint leaves")
  void scanFindsLeftovers() throws Exception {
    writePlain(file);
    assertThat(findKey(file)).as("a plain file").isNotNull();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA secure_delete = OFF");
      statement.execute("UPDATE dc_option SET auth_key = NULL");
      assertThat(findKey(file))
          .as("what an ordinary UPDATE leaves in the file (no checkpoint yet)")
          .isNotNull();
      statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      assertThat(findKey(file))
          .as("what an ordinary UPDATE leaves in the file's free space (no secure_delete)")
          .isNotNull();
    }
  }

  @Test
  @DisplayName("a plain file opened with a key is encrypted in place: no key in file or WAL")
  void encryptedInPlace() throws Exception {
    writePlain(file);
    try (Session session = Sessions.open(uri(file, keyA))) {
      assertThat(findKey(file)).as("file and WAL while the session is open").isNull();
      assertKeys(session);
      assertThat(session.encryption().orElseThrow().fingerprint()).isPresent();
    }
    assertThat(findKey(file)).as("file after close").isNull();
    assertThat(grammersView(file).values()).as("dc_option.auth_key").hasSize(5).containsOnlyNulls();
    assertThat(vaultRows(file)).isEqualTo(1);
    try (Session session = Sessions.open(uri(file, keyA))) {
      assertKeys(session);
    }
  }

  @Test
  @DisplayName("a DC written to an encrypted file leaves no key in file or WAL")
  void writesToEncrypted() throws Exception {
    try (Session session = Sessions.open(uri(file, keyA))) {
      for (int dc : DCS) {
        session.setDcOption(KnownDcs.get(dc).orElseThrow().withAuthKey(authKey(dc)));
      }
      assertThat(findKey(file)).isNull();
    }
    assertThat(grammersView(file).values()).hasSize(5).containsOnlyNulls();
  }

  @Test
  @DisplayName("an instance left plain after another encrypted the file writes no plain key")
  void staleInstanceRefused() throws Exception {
    writePlain(file);
    try (Session plain = Sessions.open("sqlite:" + file)) {
      try (Session encrypting = Sessions.open(uri(file, keyA))) {
        assertKeys(encrypting);
      }
      DcOption renewed = KnownDcs.get(3).orElseThrow().withAuthKey(authKey(3));
      assertThatThrownBy(() -> plain.setDcOption(renewed))
          .isInstanceOf(IncompatibleSessionException.class)
          .hasMessageContaining("changed by another instance");
      assertThatThrownBy(() -> plain.encryption().orElseThrow().rekey(EncryptionKey.fromSpec(keyB)))
          .isInstanceOf(IncompatibleSessionException.class);
    }
    assertThat(findKey(file)).isNull();
    assertThat(grammersView(file).values()).hasSize(5).containsOnlyNulls();
    try (Session session = Sessions.open(uri(file, keyA))) {
      assertKeys(session);
    }
  }

  @Test
  @DisplayName("rekey to another key and back to plain: grammers sees the keys again, no vault")
  void rekeyBothWays() throws Exception {
    writePlain(file);
    try (Session session = Sessions.open(uri(file, keyA))) {
      session.encryption().orElseThrow().rekey(EncryptionKey.fromSpec(keyB));
      assertKeys(session);
    }
    assertThatThrownBy(() -> Sessions.open(uri(file, keyA)))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining(EncryptionKey.fromSpec(keyB).fingerprint());
    assertThat(findKey(file)).isNull();
    try (Session session = Sessions.open(uri(file, keyB))) {
      assertKeys(session);
      session.encryption().orElseThrow().rekey(null);
      assertKeys(session);
    }
    Map<Integer, byte[]> grammers = grammersView(file);
    for (int dc : DCS) {
      assertThat(grammers.get(dc))
          .as("dc_option.auth_key of DC %d", dc)
          .isEqualTo(authKey(dc).bytes());
    }
    assertThat(vaultRows(file)).isZero();
    try (Session session = Sessions.open("sqlite:" + file)) {
      assertKeys(session);
      assertThat(session.encryption().orElseThrow().fingerprint()).isEmpty();
    }
    // and plain to encrypted with rekey, then the other key
    try (Session session = Sessions.open("sqlite:" + file)) {
      session.encryption().orElseThrow().rekey(EncryptionKey.fromSpec(keyA));
    }
    assertThat(findKey(file)).isNull();
    assertThatThrownBy(() -> Sessions.open("sqlite:" + file))
        .isInstanceOf(IncompatibleSessionException.class);
    try (Session session = Sessions.open(uri(file, keyA))) {
      assertKeys(session);
    }
  }

  @Test
  @DisplayName("clear() deletes the old vault and keeps the file encrypted (an empty vault)")
  void clearDeletesVault() throws Exception {
    writePlain(file);
    try (Session session = Sessions.open(uri(file, keyA))) {
      session.clear();
      assertThat(session.dcOptions().values()).allMatch(option -> option.authKey() == null);
    }
    assertThat(vaultRows(file)).isEqualTo(1);
    try (Session session = Sessions.open(uri(file, keyA))) {
      assertThat(session.dcOptions().values()).allMatch(option -> option.authKey() == null);
    }
  }

  @Test
  @DisplayName("read-only with a key: a plain file is refused, unchanged; an encrypted one is read")
  void readOnly() throws Exception {
    writePlain(file);
    String before = checksum(file);
    assertThatThrownBy(() -> Sessions.open(uri(file, keyA) + "&mode=read-only"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("mode=read-only")
        .hasMessageContaining("never encrypts a plain file in place")
        .hasMessageNotContaining("key-a");
    assertThat(checksum(file)).as("the plain file").isEqualTo(before);
    assertThat(grammersView(file).get(2)).isEqualTo(authKey(2).bytes());
    try (Session session = Sessions.open("sqlite:" + file + "?mode=read-only")) {
      assertKeys(session);
    }

    try (Session session = Sessions.open(uri(file, keyA))) {
      assertKeys(session);
    }
    String encrypted = checksum(file);
    try (Session session = Sessions.open(uri(file, keyA) + "&mode=read-only")) {
      assertKeys(session);
      assertThatThrownBy(() -> session.encryption().orElseThrow().rekey(null))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("mode=read-only");
    }
    assertThatThrownBy(() -> Sessions.open("sqlite:" + file + "?mode=read-only"))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining(EncryptionKey.fromSpec(keyA).fingerprint());
    assertThat(checksum(file)).as("the encrypted file").isEqualTo(encrypted);
  }

  @Test
  @DisplayName("read-only sessions see the lease holder, and refuse to take a lease")
  void readOnlyLease() {
    writePlain(file);
    try (Session holder = Sessions.open("sqlite:" + file + "?lease=30&owner=holder-1");
        Session reader = Sessions.open("sqlite:" + file + "?mode=read-only")) {
      assertThat(reader.leasing().orElseThrow().current())
          .map(SessionLease::owner)
          .contains("holder-1");
      assertThat(holder.lease()).isPresent();
    }
    assertThatThrownBy(() -> Sessions.open("sqlite:" + file + "?mode=read-only&lease=30"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("read-only")
        .hasMessageContaining("lease");
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  @DisplayName("a rekey loop killed with kill -9 half-way: the file opens with the old or new key")
  void killedRekey() throws Exception {
    writePlain(file);
    try (Session session = Sessions.open(uri(file, keyA))) {
      assertKeys(session);
    }
    for (int round = 0; round < 3; round++) {
      Process looper =
          ChildJvm.of(RekeyLoop.class, file.toString(), keyA, keyB)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      try {
        BufferedReader out =
            new BufferedReader(
                new InputStreamReader(looper.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).startsWith("READY");
        // Let it rekey a while (a different number of times each round), then kill it mid-loop.
        for (int i = 0; i < 5 + round * 7; i++) {
          assertThat(out.readLine()).as("rekey %d", i).startsWith("REKEYED");
        }
        looper.destroyForcibly(); // SIGKILL, wherever it is
        assertThat(looper.waitFor(30, TimeUnit.SECONDS)).isTrue();
      } finally {
        looper.destroyForcibly();
      }
      int opened = 0;
      for (String key : List.of(keyA, keyB)) {
        try (Session session = Sessions.open(uri(file, key))) {
          assertKeys(session);
          opened++;
        } catch (IncompatibleSessionException wrongKey) {
          assertThat(wrongKey).hasMessageContaining("fingerprint");
        }
      }
      assertThat(opened).as("keys that open the file after round %d", round).isEqualTo(1);
      assertThat(findKey(file)).isNull();
    }
  }

  /**
   * {@code RekeyLoop FILE KEY_A KEY_B}: opens the file with whichever key opens it, then rekeys A,
   * B, A, ... forever, saying REKEYED after each.
   */
  static final class RekeyLoop {
    private RekeyLoop() {}

    public static void main(String[] args) {
      Path file = Path.of(args[0]);
      EncryptionKey a = EncryptionKey.fromSpec(args[1]);
      EncryptionKey b = EncryptionKey.fromSpec(args[2]);
      Session session;
      try {
        session = Sessions.open(uri(file, args[1]));
      } catch (IncompatibleSessionException e) {
        session = Sessions.open(uri(file, args[2]));
      }
      SessionEncryption stored = session.encryption().orElseThrow();
      System.out.println("READY");
      System.out.flush();
      boolean toB = stored.fingerprint().orElseThrow().equals(a.fingerprint());
      while (true) {
        stored.rekey(toB ? b : a);
        toB = !toB;
        System.out.println("REKEYED");
        System.out.flush();
      }
    }
  }
}
