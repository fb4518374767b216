package dev.tgsession.tck;

import static dev.tgsession.tck.TckData.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.Session;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.EncryptionKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The kit's group "encryption at rest (encryption-key)" (rule 13). */
abstract class EncryptionRules extends TckGroup {

  private @Nullable TckKeyFiles keys;
  private final SessionTck kit;

  EncryptionRules(SessionTck kit) {
    super(kit);
    this.kit = kit;
  }

  @BeforeEach
  void requireEncryption() {
    assumeCapability(Capability.ENCRYPTION);
    assumeCapability(Capability.DURABLE);
    keys = new TckKeyFiles();
  }

  @AfterEach
  void deleteKeys() {
    TckKeyFiles files = keys;
    keys = null;
    if (files != null) {
      files.close();
    }
  }

  private TckKeyFiles keys() {
    TckKeyFiles files = keys;
    if (files == null) {
      throw new IllegalStateException("the key directory exists only during a test");
    }
    return files;
  }

  private String keySpec(int seed, boolean hex) {
    return keys().spec(seed, hex);
  }

  private static byte[] keyBytes(int seed) {
    return TckKeyFiles.keyBytes(seed);
  }

  private static String fingerprint(int seed) {
    return TckKeyFiles.fingerprint(seed);
  }

  private Session withKey(int seed) {
    return openUri(sessionName(), uriWith(sessionName(), "encryption-key=" + keySpec(seed, true)));
  }

  private static AuthKey keyOf(Session session, int dcId) {
    DcOption option =
        session.dcOption(dcId).orElseThrow(() -> new AssertionError("expected DC " + dcId));
    AuthKey key = option.authKey();
    if (key == null) {
      throw new AssertionError("expected DC " + dcId + " to have an auth key");
    }
    return key;
  }

  @Test
  @DisplayName("auth keys written with a key read back with the same key, after reopen")
  void roundTrip() {
    try (Session session = withKey(1)) {
      session.setDcOption(dc(2, 22));
      session.setDcOption(dc(4, 44));
      assertThat(keyOf(session, 2)).as("DC 2's key in the writing instance").isEqualTo(key(22));
    }
    try (Session again = withKey(1)) {
      assertThat(keyOf(again, 2)).as("DC 2's key after reopen").isEqualTo(key(22));
      assertThat(keyOf(again, 4)).as("DC 4's key after reopen").isEqualTo(key(44));
      assertThat(again.dcOption(4).orElseThrow().ipv4())
          .as("DC 4's address")
          .isEqualTo(dc(4, 44).ipv4());
    }
  }

  @Test
  @DisplayName("an encrypted session opened without a key is refused, naming the fingerprint")
  void withoutKeyRefused() {
    try (Session session = withKey(1)) {
      session.setDcOption(dc(2, 22));
    }
    assertThatThrownBy(() -> open())
        .as("opening without encryption-key")
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining(fingerprint(1));
    try (Session again = withKey(1)) {
      assertThat(keyOf(again, 2)).as("DC 2's key after the refused open").isEqualTo(key(22));
    }
  }

  @Test
  @DisplayName("an encrypted session opened with another key is refused, naming both fingerprints")
  void otherKeyRefused() {
    try (Session session = withKey(1)) {
      session.setDcOption(dc(2, 22));
    }
    assertThatThrownBy(() -> withKey(2))
        .as("opening with another key")
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining(fingerprint(1))
        .hasMessageContaining(fingerprint(2));
    try (Session again = withKey(1)) {
      assertThat(keyOf(again, 2)).as("DC 2's key after the refused open").isEqualTo(key(22));
    }
  }

  @Test
  @DisplayName("a key given as base64 opens what a key given as hex encrypted")
  void base64Key() {
    try (Session session = withKey(3)) {
      session.setDcOption(dc(2, 22));
    }
    String base64 = uriWith(sessionName(), "encryption-key=" + keySpec(3, false));
    try (Session again = openUri(sessionName(), base64)) {
      assertThat(keyOf(again, 2)).as("DC 2's key, opened with the base64 key").isEqualTo(key(22));
    }
  }

  @Test
  @DisplayName("a plain session opened with a key is encrypted in place")
  void plainEncryptedInPlace() {
    try (Session plain = open()) {
      plain.setDcOption(dc(2, 22));
      plain.setDcOption(dc(5, 55));
    }
    try (Session encrypting = withKey(1)) {
      assertThat(keyOf(encrypting, 5)).as("DC 5's key while encrypting").isEqualTo(key(55));
    }
    assertThatThrownBy(() -> open())
        .as("opening without a key once encrypted")
        .isInstanceOf(IncompatibleSessionException.class);
    try (Session again = withKey(1)) {
      assertThat(keyOf(again, 2)).as("DC 2's key").isEqualTo(key(22));
      assertThat(keyOf(again, 5)).as("DC 5's key").isEqualTo(key(55));
    }
  }

  @Test
  @DisplayName("rekey to another key: the old key is refused, the new one opens; to plain: no key")
  void rekey() {
    try (Session session = withKey(1)) {
      session.setDcOption(dc(2, 22));
      session.encryption().orElseThrow().rekey(EncryptionKey.of(keyBytes(2)));
    }
    assertThatThrownBy(() -> withKey(1))
        .as("the old key after rekey")
        .isInstanceOf(IncompatibleSessionException.class);
    try (Session session = withKey(2)) {
      assertThat(keyOf(session, 2)).as("DC 2's key with the new key").isEqualTo(key(22));
      session.encryption().orElseThrow().rekey(null);
    }
    try (Session plain = open()) {
      assertThat(keyOf(plain, 2)).as("DC 2's key once plain again").isEqualTo(key(22));
    }
  }

  @Test
  @DisplayName("clear() of an encrypted session keeps it encrypted, and it works as a new one")
  void clearKeepsEncryption() {
    try (Session session = withKey(1)) {
      session.setDcOption(dc(2, 22));
      session.clear();
      assertThat(session.dcOption(2).orElseThrow().authKey()).as("DC 2 after clear()").isNull();
      session.setDcOption(dc(3, 33));
    }
    assertThatThrownBy(() -> open()).isInstanceOf(IncompatibleSessionException.class);
    try (Session again = withKey(1)) {
      assertThat(keyOf(again, 3)).as("DC 3's key written after clear()").isEqualTo(key(33));
      assertThat(again.dcOption(2).orElseThrow().authKey()).as("DC 2 after clear()").isNull();
    }
  }

  @Test
  @DisplayName("a bad encryption-key is refused with a clear message that never shows a key")
  void badKeys() throws IOException {
    String raw = HexFormat.of().formatHex(keyBytes(9));
    assertThatThrownBy(
            () -> openUri(sessionName(), uriWith(sessionName(), "encryption-key=" + raw)))
        .as("the key itself in the URI")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("env:NAME or file:PATH")
        .hasMessageNotContaining(raw.substring(0, 16));
    Path shortKey = keys().dir().resolve("short");
    Files.writeString(shortKey, "abcdef");
    assertThatThrownBy(
            () -> openUri(sessionName(), uriWith(sessionName(), "encryption-key=file:" + shortKey)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes")
        .hasMessageNotContaining("abcdef");
    assertThatThrownBy(
            () ->
                openUri(
                    sessionName(),
                    uriWith(sessionName(), "encryption-key=env:TGSESSION_TCK_UNSET_VARIABLE")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unset");
  }

  @Test
  @DisplayName("no auth key is in the raw store, as bytes, hex or base64")
  void rawStoreHoldsNoKey() {
    try (Session session = withKey(1)) {
      session.setDcOption(dc(2, 22));
      session.setDcOption(dc(4, 44));
      session.setDcOption(dc(4, 45));
    }
    List<byte[]> raw = kit.rawStore(sessionName());
    Assumptions.assumeTrue(
        raw != null, "the backend's test does not expose its raw store (SessionTck.rawStore)");
    for (int seed : new int[] {22, 44, 45}) {
      for (byte[] chunk : raw) {
        for (byte[] form : rawForms(key(seed))) {
          assertThat(indexOf(chunk, form))
              .as("key %d in the store, in some form", seed)
              .isNegative();
        }
      }
    }
  }
}
