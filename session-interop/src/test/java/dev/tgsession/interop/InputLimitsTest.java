package dev.tgsession.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.SessionData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Oversized input is refused by its size before it is read (no OutOfMemoryError), and the tdata
 * writer refuses what its reader would.
 */
@DisplayName("input limits")
class InputLimitsTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"telethon", "gramjs", "pyrogram", "mtcute"})
  @DisplayName("a string session longer than any real one is refused by its length, not decoded")
  void longString(String format) {
    String text = "A".repeat(Formats.MAX_STRING_LENGTH + 1);
    Function<String, Object> read =
        switch (format) {
          case "telethon" -> TelethonStringSession::read;
          case "gramjs" -> GramJsStringSession::read;
          case "pyrogram" -> PyrogramStringSession::read;
          default -> MtcuteStringSession::read;
        };

    assertThatThrownBy(() -> read.apply(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected a string session of at most " + Formats.MAX_STRING_LENGTH)
        .hasMessageContaining("found " + text.length() + " characters (not shown)")
        .hasMessageNotContaining("AAAA");
  }

  @Test
  @DisplayName("a 200 MB mtcute string is refused at once, by its length")
  void hugeMtcuteString() {
    String huge = "A".repeat(200 << 20);

    assertThatThrownBy(() -> MtcuteStringSession.read(huge))
        .hasMessageContaining("found " + huge.length() + " characters");
  }

  private static Path sparse(Path file, long size) throws IOException {
    try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
      raw.write("SQLite format 3\0".getBytes(StandardCharsets.US_ASCII));
      raw.setLength(size);
    }
    return file;
  }

  @Test
  @DisplayName("a session file above 1 GiB is refused by its size (a sparse file: no disk used)")
  void hugeSessionFile() throws IOException {
    Path file = sparse(dir.resolve("huge.session"), SqliteFiles.MAX_FILE_BYTES + 1);

    assertThatThrownBy(() -> TelethonSessionFile.read(file))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining("of at most " + SqliteFiles.MAX_FILE_BYTES + " bytes");
    assertThatThrownBy(() -> PyrogramSessionFile.read(file))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining("found " + (SqliteFiles.MAX_FILE_BYTES + 1) + " bytes");
  }

  @Test
  @DisplayName("a 1 GB tdata file is refused by its size before it is read")
  void hugeTdataFile() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("tdata"));
    try (RandomAccessFile raw = new RandomAccessFile(folder.resolve("key_datas").toFile(), "rw")) {
      raw.write("TDF$".getBytes(StandardCharsets.US_ASCII));
      raw.setLength(1L << 30);
    }

    assertThatThrownBy(() -> TelegramDesktopData.read(folder, null))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining(
            "key_datas is damaged: expected at most " + TelegramDesktopData.MAX_FILE_BYTES)
        .hasMessageContaining("found " + (1L << 30) + " bytes");
  }

  @Test
  @DisplayName("the tdata writer refuses more accounts than its reader accepts, writing nothing")
  void tooManyAccounts() throws IOException {
    SessionData account =
        TelegramDesktopData.read(TestFiles.resource("/interop/tdata/one-account"), null).get(0);
    Path target = dir.resolve("many");
    List<SessionData> accounts = Collections.nCopies(TelegramDesktopData.MAX_ACCOUNTS + 1, account);

    assertThatThrownBy(() -> TelegramDesktopData.write(target, accounts, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected at most " + TelegramDesktopData.MAX_ACCOUNTS + " accounts")
        .hasMessageContaining("found " + (TelegramDesktopData.MAX_ACCOUNTS + 1));
    assertThat(target).doesNotExist();
  }

  @Test
  @DisplayName("a damaged local key says what it expected once, for the local key")
  void damagedLocalKey() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("tdata"));
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    qtBytes(data, new byte[32]); // salt
    qtBytes(data, new byte[40]); // the encrypted local key: 40 is not 16 + a multiple of 16
    qtBytes(data, new byte[32]); // the encrypted account list
    Files.write(folder.resolve("key_datas"), tdf(data.toByteArray()));

    assertThatThrownBy(() -> TelegramDesktopData.read(folder, null))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessageContaining(
            "key_datas is damaged: expected an encrypted block of 16 + a multiple of 16 bytes for"
                + " the local key, found 40 bytes")
        .hasMessageNotContaining("expected expected");
  }

  private static void qtBytes(ByteArrayOutputStream out, byte[] bytes) {
    out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
    out.writeBytes(bytes);
  }

  /** A TDF$ container (magic, version, data, MD5) as Telegram Desktop writes one. */
  private static byte[] tdf(byte[] data) throws Exception {
    byte[] magic = "TDF$".getBytes(StandardCharsets.US_ASCII);
    byte[] version = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(5008003).array();
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    md5.update(data);
    md5.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(data.length).array());
    md5.update(version);
    md5.update(magic);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(magic);
    out.writeBytes(version);
    out.writeBytes(data);
    out.writeBytes(md5.digest());
    return out.toByteArray();
  }
}
