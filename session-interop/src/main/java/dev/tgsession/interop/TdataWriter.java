package dev.tgsession.interop;

import dev.tgsession.DcOption;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * Writes a tdata folder the way mtcute's {@code convertToTdata} does (which Telegram Desktop
 * opens): {@code key_datas}, and per account its MTP authorization file and an empty {@code maps}
 * file. Given the same random bytes, the files are byte for byte mtcute's. Folders are created
 * {@code rwx------} and files {@code rw-------} where the file system has POSIX permissions: a
 * tdata folder is a credential.
 */
final class TdataWriter {
  static final int TDF_VERSION = 5008003;
  private static final int MTP_AUTHORIZATION = 75;

  private final Path dir;
  private final IntFunction<byte[]> random;

  TdataWriter(Path dir, IntFunction<byte[]> random) {
    this.dir = dir;
    this.random = random;
  }

  /** What one account is written as: its user id (0 = none), main DC and keyed DCs. */
  record Authorization(long userId, int mainDcId, List<DcOption> keyed) {}

  static Authorization authorization(String format, int position, SessionData data) {
    DcOption home = HomeDc.requireKeyed(format, data);
    List<DcOption> keyed = new ArrayList<>();
    for (DcOption option : data.dcOptions().values()) {
      if (option.authKey() == null) {
        continue;
      }
      if (!KnownDcs.all().containsKey(option.id())) {
        throw new IllegalArgumentException(
            format
                + ": expected auth keys for Telegram's DCs 1..5 only (tdata keeps no addresses),"
                + " found one for DC "
                + option.id()
                + " in account "
                + position);
      }
      if (TelegramTestDcs.isTestDc(option)) {
        throw new IllegalArgumentException(
            format
                + ": expected production DCs (tdata does not record test mode), found test DC "
                + option.id()
                + " in account "
                + position);
      }
      keyed.add(option);
    }
    long userId = 0;
    for (PeerInfo peer : data.peers().values()) {
      if (peer instanceof PeerInfo.User user && user.isSelf()) {
        if (Boolean.TRUE.equals(user.bot())) {
          throw new IllegalArgumentException(
              format
                  + ": expected a person's account (Telegram Desktop does not log in bots), found"
                  + " the bot "
                  + user.id()
                  + " as self user of account "
                  + position);
        }
        userId = user.id();
      }
    }
    return new Authorization(userId, home.id(), keyed);
  }

  void write(List<Authorization> accounts, byte[] passcode) {
    if (Files.exists(dir)) {
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException(
              TelegramDesktopData.FORMAT
                  + ": expected a new or empty folder to write, found "
                  + dir
                  + " with files in it (tgsession never overwrites a tdata folder)");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + dir, e);
      }
    }
    byte[] localKey = random.apply(TdataCrypto.LOCAL_KEY_LENGTH);
    try {
      Qt info = new Qt().int32(accounts.size());
      for (int i = 0; i < accounts.size(); i++) {
        info.int32(i);
      }
      info.int32(0);
      byte[] infoEncrypted = TdataCrypto.encryptLocal(info.bytes(), localKey, random);
      byte[] salt = random.apply(32);
      byte[] passcodeKey = TdataCrypto.passcodeKey(salt, passcode);
      byte[] keyEncrypted = TdataCrypto.encryptLocal(localKey, passcodeKey, random);
      Arrays.fill(passcodeKey, (byte) 0);
      writeTdf(
          "key_datas",
          new Qt().byteArray(salt).byteArray(keyEncrypted).byteArray(infoEncrypted).bytes());
      for (int i = 0; i < accounts.size(); i++) {
        Authorization account = accounts.get(i);
        Qt mtp = new Qt().int32(-1).int32(-1).int64(account.userId()).int32(account.mainDcId());
        mtp.int32(account.keyed().size());
        for (DcOption option : account.keyed()) {
          mtp.int32(option.id()).raw(option.authKey().bytes());
        }
        mtp.int32(0); // no keys to destroy
        byte[] settings = new Qt().int32(MTP_AUTHORIZATION).byteArray(mtp.bytes()).bytes();
        String name = TelegramDesktopData.fileName(i);
        writeTdf(
            name + "s",
            new Qt().byteArray(TdataCrypto.encryptLocal(settings, localKey, random)).bytes());
        byte[] emptyMap = TdataCrypto.encryptLocal(new byte[0], localKey, random);
        writeTdf(
            name + "/maps",
            new Qt().byteArray(new byte[0]).byteArray(new byte[0]).byteArray(emptyMap).bytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir, e);
    } finally {
      Arrays.fill(localKey, (byte) 0);
    }
  }

  private void writeTdf(String name, byte[] data) throws IOException {
    byte[] magic = "TDF$".getBytes(StandardCharsets.US_ASCII);
    byte[] version = le(TDF_VERSION);
    MessageDigest md5 = TdataCrypto.digest("MD5");
    md5.update(data);
    md5.update(le(data.length));
    md5.update(version);
    md5.update(magic);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(magic);
    out.write(version);
    out.write(data);
    out.write(md5.digest());
    Path file = dir.resolve(name);
    createPrivateDirectories(file.getParent());
    if (posix()) {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.write(file, out.toByteArray());
  }

  /** Folders readable by their owner only where the file system has POSIX permissions. */
  private void createPrivateDirectories(Path folder) throws IOException {
    if (Files.isDirectory(folder)) {
      return;
    }
    createPrivateDirectories(folder.toAbsolutePath().getParent());
    if (posix()) {
      Files.createDirectory(
          folder,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectory(folder);
    }
  }

  private boolean posix() {
    return dir.toAbsolutePath().getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static byte[] le(int value) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
  }

  /** Qt's QDataStream, big-endian, for writing. */
  private static final class Qt {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Qt int32(int value) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(value).array());
      return this;
    }

    Qt int64(long value) {
      out.writeBytes(ByteBuffer.allocate(8).putLong(value).array());
      return this;
    }

    Qt raw(byte[] bytes) {
      out.writeBytes(bytes);
      return this;
    }

    Qt byteArray(byte[] bytes) {
      return int32(bytes.length).raw(bytes);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
