package dev.tgsession.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.spi.EncryptionKey;
import dev.tgsession.tck.TckData;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encryption at rest on the MongoDB backend, checked in the stored documents themselves. Runs on
 * the best MongoDB at hand ({@link MongoTestServer}; without a real server, the mongo-java-server
 * EMULATOR).
 */
@DisplayName("MongoDB backend: encryption at rest, in the documents")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MongoEncryptionTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  private static MongoClient client;

  @TempDir Path keys;

  private final List<Session> opened = new ArrayList<>();
  private final String name = "encryption-" + System.nanoTime();
  private final DcOption dc2 = dc(2);
  private final DcOption dc4 = dc(4);

  @BeforeAll
  static void connect() {
    client = MongoClients.create(MongoTestServer.baseUri());
  }

  @AfterAll
  static void disconnect() {
    client.close();
  }

  @AfterEach
  void closeAndDelete() {
    for (Session session : opened) {
      session.close();
    }
    sessions().deleteOne(Filters.eq("_id", name));
  }

  private static MongoCollection<Document> sessions() {
    return client.getDatabase(MongoTestServer.DATABASE).getCollection("tgsession_sessions");
  }

  private Document stored() {
    Document document = sessions().find(Filters.eq("_id", name)).first();
    assertThat(document).as("the session document of %s", name).isNotNull();
    return document;
  }

  private static DcOption dc(int id) {
    byte[] key = new byte[AuthKey.LENGTH];
    RANDOM.nextBytes(key);
    try {
      return new DcOption(
          id,
          new InetSocketAddress(InetAddress.getByName("149.154.167." + id), 443),
          new InetSocketAddress(InetAddress.getByName("2001:67c:4e8:f004::" + id), 443),
          AuthKey.of(key));
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] newKey() {
    byte[] key = new byte[EncryptionKey.LENGTH];
    RANDOM.nextBytes(key);
    return key;
  }

  /** {@code encryption-key=file:...} of a file holding {@code key} as hex. */
  private String keyOption(byte[] key) throws IOException {
    Path file = Files.createTempFile(keys, "key-", ".hex");
    Files.writeString(file, HexFormat.of().formatHex(key));
    return "encryption-key=file:" + file;
  }

  private Session open(String options) {
    Session session = Sessions.open(MongoTestServer.sessionUri(name, options));
    opened.add(session);
    return session;
  }

  private static AuthKey authKey(Session session, int dcId) {
    return session.dcOption(dcId).orElseThrow().authKey();
  }

  /** How many (document, form) pairs of every document in the database hold {@code key}. */
  private static long occurrences(AuthKey key) {
    long found = 0;
    for (byte[] document : RawDocuments.all(client.getDatabase(MongoTestServer.DATABASE))) {
      for (byte[] form : TckData.rawForms(key)) {
        if (TckData.indexOf(document, form) >= 0) {
          found++;
        }
      }
    }
    return found;
  }

  private Document dcs() {
    return stored().get("dcs", Document.class);
  }

  @Test
  @DisplayName(
      "a plain session opened with a key is encrypted in place: no authKey field, a vault, v 2,"
          + " and no document holds a key in raw, hex or base64 form")
  void plainEncryptedInPlace() throws IOException {
    try (Session plain = open("")) {
      plain.setHomeDcId(2);
      plain.setDcOption(dc2);
      plain.setDcOption(dc4);
    }
    // the scan sees a plain key: it would see a leaked one
    assertThat(occurrences(dc2.authKey())).as("DC 2's key in the plain documents").isPositive();
    assertThat(dcs().get("2", Document.class)).containsKey("authKey");
    assertThat(stored().get("v")).isEqualTo(1);

    byte[] key = newKey();
    try (Session encrypting = open(keyOption(key))) {
      assertThat(authKey(encrypting, 2)).isEqualTo(dc2.authKey());
      assertThat(authKey(encrypting, 4)).isEqualTo(dc4.authKey());
      assertThat(encrypting.encryption().orElseThrow().fingerprint())
          .contains(EncryptionKey.of(key).fingerprint());
    }
    Document document = stored();
    assertThat(document.get("v")).as("layout version of an encrypted document").isEqualTo(2);
    assertThat(document.get("vault")).as("the vault").isInstanceOf(Binary.class);
    assertThat(document.getInteger("homeDc")).isEqualTo(2);
    for (String id : List.of("2", "4")) {
      Document option = dcs().get(id, Document.class);
      assertThat(option).as("DC %s's sub-document", id).doesNotContainKey("authKey");
      assertThat(option.getString("ipv4")).isEqualTo("149.154.167." + id);
    }
    assertThat(occurrences(dc2.authKey())).as("DC 2's key anywhere").isZero();
    assertThat(occurrences(dc4.authKey())).as("DC 4's key anywhere").isZero();

    assertThatThrownBy(() -> open(""))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining(EncryptionKey.of(key).fingerprint());
    try (Session again = open(keyOption(key))) {
      assertThat(authKey(again, 4)).isEqualTo(dc4.authKey());
      DcOption replaced = dc(4);
      again.setDcOption(replaced);
      assertThat(occurrences(replaced.authKey())).as("a key written while encrypted").isZero();
      assertThat(dcs().get("4", Document.class)).doesNotContainKey("authKey");
    }
  }

  @Test
  @DisplayName("rekey to another key replaces the vault; rekey(null) puts plain keys back, v 1")
  void rekeyBothWays() throws IOException {
    byte[] first = newKey();
    byte[] second = newKey();
    try (Session session = open(keyOption(first))) {
      session.setDcOption(dc2);
      session.setDcOption(dc4);
    }
    byte[] firstVault = stored().get("vault", Binary.class).getData();

    try (Session session = open(keyOption(first))) {
      session.encryption().orElseThrow().rekey(EncryptionKey.of(second));
      assertThat(authKey(session, 2)).as("DC 2 right after rekey").isEqualTo(dc2.authKey());
    }
    byte[] secondVault = stored().get("vault", Binary.class).getData();
    assertThat(secondVault).isNotEqualTo(firstVault);
    assertThat(stored().get("v")).isEqualTo(2);
    assertThat(occurrences(dc2.authKey())).isZero();
    assertThat(occurrences(dc4.authKey())).isZero();
    assertThatThrownBy(() -> open(keyOption(first)))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining(EncryptionKey.of(first).fingerprint())
        .hasMessageContaining(EncryptionKey.of(second).fingerprint());

    try (Session session = open(keyOption(second))) {
      assertThat(authKey(session, 4)).isEqualTo(dc4.authKey());
      session.encryption().orElseThrow().rekey(null);
      assertThat(session.encryption().orElseThrow().fingerprint()).isEmpty();
    }
    Document plain = stored();
    assertThat(plain).doesNotContainKey("vault");
    assertThat(plain.get("v")).as("layout version once plain again").isEqualTo(1);
    assertThat(dcs().get("2", Document.class).get("authKey", Binary.class).getData())
        .isEqualTo(dc2.authKey().bytes());
    try (Session session = open("")) {
      assertThat(authKey(session, 2)).isEqualTo(dc2.authKey());
      assertThat(authKey(session, 4)).isEqualTo(dc4.authKey());
    }
  }

  @Test
  @DisplayName("clear() of an encrypted session drops the old vault and keeps an empty one")
  void clearDropsVault() throws IOException {
    byte[] key = newKey();
    try (Session session = open(keyOption(key))) {
      session.setDcOption(dc2);
      byte[] before = stored().get("vault", Binary.class).getData();
      session.clear();
      Document cleared = stored();
      assertThat(cleared.keySet()).containsExactlyInAnyOrder("_id", "v", "vault", "at");
      assertThat(cleared.get("vault", Binary.class).getData())
          .as("the vault after clear()")
          .isNotEqualTo(before)
          .hasSizeLessThan(before.length);
    }
    try (Session again = open(keyOption(key))) {
      assertThat(again.dcOption(2).map(DcOption::authKey)).as("DC 2 after clear()").isEmpty();
    }
  }

  @Test
  @DisplayName(
      "an instance still holding the session plain cannot write a plain key once another instance"
          + " encrypted it: refused, nothing written")
  void plainWriterAfterEncryptionRefused() throws IOException {
    Session plain = open("");
    plain.setDcOption(dc2);
    try (Session encrypting = open(keyOption(newKey()))) {
      assertThat(authKey(encrypting, 2)).isEqualTo(dc2.authKey());
    }
    Document before = stored();
    assertThatThrownBy(() -> plain.setDcOption(dc4))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining("encryption at rest changed by another instance")
        .hasMessageContaining("nothing was written (failed to write DC option 4)");
    assertThat(stored()).isEqualTo(before);
    assertThat(occurrences(dc4.authKey())).isZero();
  }

  @Test
  @DisplayName(
      "an instance still holding the old key cannot write its old vault back after another"
          + " instance rekeyed the session, to another key or to plain: refused, nothing written")
  void staleVaultRefused() throws IOException {
    byte[] first = newKey();
    byte[] second = newKey();
    Session stale = open(keyOption(first));
    stale.setDcOption(dc2);
    try (Session rekeying = open(keyOption(first))) {
      rekeying.encryption().orElseThrow().rekey(EncryptionKey.of(second));
    }
    Document rekeyed = stored();
    assertThatThrownBy(() -> stale.setDcOption(dc4))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining("encryption at rest changed by another instance")
        .hasMessageContaining("failed to write the key vault");
    assertThat(stored()).as("the document after the refused write").isEqualTo(rekeyed);

    try (Session decrypting = open(keyOption(second))) {
      decrypting.encryption().orElseThrow().rekey(null);
    }
    Document plain = stored();
    assertThat(plain).doesNotContainKey("vault");
    assertThatThrownBy(() -> stale.setDcOption(dc4))
        .isInstanceOf(IncompatibleSessionException.class);
    assertThat(stored()).as("the plain document after the refused write").isEqualTo(plain);
    try (Session reopened = open("")) {
      assertThat(authKey(reopened, 2)).isEqualTo(dc2.authKey());
      assertThat(reopened.dcOption(4).map(DcOption::authKey)).as("DC 4, never written").isEmpty();
    }
  }

  @Test
  @DisplayName("a vault that is not binary data is refused at open, naming the field")
  void foreignVault() {
    sessions().insertOne(new Document("_id", name).append("v", 2).append("vault", "not a vault"));
    assertThatThrownBy(() -> open(""))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining("key vault")
        .hasMessageContaining("found a String");
  }
}
