package dev.tgsession.interop;

import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionData;
import dev.tgsession.UpdatesState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Reads the accounts of a Telegram Desktop {@code tdata} folder: for each account its user, its
 * main DC and the auth key of every DC it holds one for; and writes such a folder ({@link
 * #write(Path, List, char[])}).
 *
 * <p>What is read: {@code key_datas} (the local key, encrypted with a key derived from the local
 * passcode, and the list of accounts) and each account's {@code <name>s} file (its MTP
 * authorization: user id, main DC, auth keys). Files are Telegram Desktop's {@code TDF$} containers
 * (checked by MD5); the newer of {@code <name>0} and {@code <name>1} is used when {@code <name>s}
 * is absent, as Telegram Desktop does. Nothing else in the folder (chats, settings, media cache) is
 * read.
 *
 * <p>Each account becomes a {@link SessionData}: its main DC is the home DC; the DC options are
 * {@link KnownDcs#all()} (tdata keeps no addresses) with the account's auth keys; the user becomes
 * the self user ({@code PeerInfo.User} with {@code self = TRUE}, {@code bot = FALSE}: Telegram
 * Desktop logs in people only); no other peers; an empty updates state. The keys tdata lists as "to
 * destroy" are not read.
 *
 * <p>All or nothing: a folder that is not complete and intact throws {@link
 * IncompatibleSessionException} naming the file and what was wrong, never a partial result. A wrong
 * or missing local passcode throws {@link WrongPasscodeException} (an {@code
 * IncompatibleSessionException}).
 */
public final class TelegramDesktopData {

  static final String FORMAT = "Telegram Desktop tdata";
  private static final byte[] MAGIC = "TDF$".getBytes(StandardCharsets.US_ASCII);
  private static final int MTP_AUTHORIZATION = 75;

  /** The accounts a folder may hold: the reader refuses more, and so does the writer. */
  static final int MAX_ACCOUNTS = 100;

  /** The largest tdata file read (key_datas and account files are kilobytes; maps a few MB). */
  static final long MAX_FILE_BYTES = 16L << 20;

  private static final int MAX_KEYS = 1000;

  private TelegramDesktopData() {}

  /**
   * One account of the folder.
   *
   * @param index the account's index in the folder (0 for {@code data}, N - 1 for {@code data#N})
   * @param active whether it is the account Telegram Desktop shows first
   * @param userId the account's user id
   * @param session the session: home DC = main DC, every DC's auth key, the user as self user
   */
  public record Account(int index, boolean active, long userId, SessionData session) {}

  /** The local passcode given does not open the folder (or none was given and it has one). */
  public static final class WrongPasscodeException extends IncompatibleSessionException {
    private static final long serialVersionUID = 1L;

    WrongPasscodeException(String message) {
      super(message);
    }
  }

  /**
   * Reads every account of {@code tdataDir}, in the folder's order.
   *
   * @param tdataDir the {@code tdata} folder (holding {@code key_datas})
   * @param passcode the local passcode set in Telegram Desktop, or {@code null} (or empty) when
   *     none is set; not kept, and the bytes derived from it are cleared after use
   * @return one session per account
   * @throws WrongPasscodeException if the passcode does not open the folder
   * @throws IncompatibleSessionException if the folder is not a tdata folder, or is damaged
   * @throws UncheckedIOException if a file cannot be read
   */
  public static List<SessionData> read(Path tdataDir, char @Nullable [] passcode) {
    return readAccounts(tdataDir, passcode).stream().map(Account::session).toList();
  }

  /**
   * Reads every account of {@code tdataDir} with its index, user id and whether it is the active
   * one, in the folder's order.
   *
   * @throws WrongPasscodeException if the passcode does not open the folder
   * @throws IncompatibleSessionException if the folder is not a tdata folder, or is damaged
   * @throws UncheckedIOException if a file cannot be read
   */
  public static List<Account> readAccounts(Path tdataDir, char @Nullable [] passcode) {
    if (!Files.isDirectory(tdataDir)) {
      throw new IncompatibleSessionException(
          FORMAT + ": expected a tdata folder, found no folder " + tdataDir);
    }
    Qt keyFile = new Qt(readTdf(tdataDir, "key_data"), "key_datas");
    byte[] salt = keyFile.byteArray("the salt");
    byte[] keyEncrypted = keyFile.byteArray("the encrypted local key");
    byte[] infoEncrypted = keyFile.byteArray("the account list");
    byte[] localKey = localKey(salt, keyEncrypted, passcode);
    try {
      KeyData keyData = keyData(infoEncrypted, localKey);
      List<Account> accounts = new ArrayList<>();
      for (int index : keyData.order()) {
        accounts.add(account(tdataDir, localKey, index, index == keyData.active()));
      }
      return List.copyOf(accounts);
    } finally {
      Arrays.fill(localKey, (byte) 0);
    }
  }

  /**
   * Writes {@code accounts} as a new tdata folder, as mtcute's {@code convertToTdata} does (the
   * folder Telegram Desktop opens, logged in to each account): {@code key_datas} with a fresh
   * random local key, locked with {@code passcode} when one is given, and per account its MTP
   * authorization (the self user's id, or 0 without one; the home DC as main DC; the key of every
   * DC that has one) and an empty {@code maps} file, readable by their owner only. Nothing else of
   * a session (peers, updates state, addresses) has a place in tdata.
   *
   * @param tdataDir a folder that does not exist or is empty (an existing tdata is never
   *     overwritten)
   * @param passcode the local passcode to set, or {@code null} (or empty) for none
   * @throws IllegalArgumentException if there are no accounts, an account has no home key, a key
   *     for a DC other than 1..5 or a test DC, or a bot as self user, or the folder is not empty
   * @throws UncheckedIOException if a file cannot be written
   */
  public static void write(Path tdataDir, List<SessionData> accounts, char @Nullable [] passcode) {
    java.security.SecureRandom secure = new java.security.SecureRandom();
    write(
        tdataDir,
        accounts,
        passcode,
        n -> {
          byte[] bytes = new byte[n];
          secure.nextBytes(bytes);
          return bytes;
        });
  }

  /** {@link #write(Path, List, char[])} with the random bytes given (tests compare with mtcute). */
  static void write(
      Path tdataDir,
      List<SessionData> accounts,
      char @Nullable [] passcode,
      java.util.function.IntFunction<byte[]> random) {
    if (accounts.isEmpty()) {
      throw new IllegalArgumentException(FORMAT + ": expected at least one account, found none");
    }
    if (accounts.size() > MAX_ACCOUNTS) {
      throw new IllegalArgumentException(
          FORMAT
              + ": expected at most "
              + MAX_ACCOUNTS
              + " accounts (what Telegram Desktop's folder, and so its reader, allows), found "
              + accounts.size());
    }
    List<TdataWriter.Authorization> authorizations = new ArrayList<>();
    for (int i = 0; i < accounts.size(); i++) {
      authorizations.add(TdataWriter.authorization(FORMAT, i + 1, accounts.get(i)));
    }
    byte[] passcodeBytes = utf8(passcode == null ? new char[0] : passcode);
    try {
      new TdataWriter(tdataDir, random).write(authorizations, passcodeBytes);
    } finally {
      Arrays.fill(passcodeBytes, (byte) 0);
    }
  }

  private record KeyData(List<Integer> order, int active) {}

  /** Opens key_datas with the passcode: the 256-byte local key. */
  private static byte[] localKey(byte[] salt, byte[] keyEncrypted, char @Nullable [] passcode) {
    byte[] passcodeBytes = utf8(passcode == null ? new char[0] : passcode);
    byte[] passcodeKey = TdataCrypto.passcodeKey(salt, passcodeBytes);
    boolean hadPasscode = passcodeBytes.length > 0;
    Arrays.fill(passcodeBytes, (byte) 0);
    byte[] localKey;
    try {
      localKey = decrypt(keyEncrypted, passcodeKey, "key_datas", "the local key");
    } finally {
      Arrays.fill(passcodeKey, (byte) 0);
    }
    if (localKey == null) {
      throw new WrongPasscodeException(
          FORMAT
              + ": "
              + (hadPasscode
                  ? "the local passcode given is wrong: key_datas does not decrypt with it"
                  : "expected no local passcode, found a folder locked with one: give the"
                      + " passcode set in Telegram Desktop (Settings > Privacy > Local passcode)"));
    }
    if (localKey.length != TdataCrypto.LOCAL_KEY_LENGTH) {
      throw damaged("key_datas", "a 256-byte local key, found " + localKey.length + " bytes");
    }
    return localKey;
  }

  private static KeyData keyData(byte[] infoEncrypted, byte[] localKey) {
    byte[] info = decrypt(infoEncrypted, localKey, "key_datas", "the account list");
    if (info == null) {
      throw damaged(
          "key_datas", "the account list to decrypt with the local key, found it does not");
    }
    Qt list = new Qt(info, "key_datas");
    int count = list.int32("the account count");
    if (count < 1 || count > MAX_ACCOUNTS) {
      throw damaged("key_datas", "1.." + MAX_ACCOUNTS + " accounts, found " + count);
    }
    List<Integer> order = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < count; i++) {
      int index = list.int32("the account order");
      if (index < 0 || index >= MAX_ACCOUNTS || !seen.add(index)) {
        throw damaged(
            "key_datas", "distinct account indexes 0.." + (MAX_ACCOUNTS - 1) + ", found " + index);
      }
      order.add(index);
    }
    int active = list.int32("the active account");
    return new KeyData(List.copyOf(order), active);
  }

  private static Account account(Path dir, byte[] localKey, int index, boolean active) {
    String name = fileName(index);
    String what = name + "s (account " + index + ")";
    Qt container = new Qt(readTdf(dir, name), what);
    byte[] decrypted = decrypt(container.byteArray("the encrypted data"), localKey, what, "data");
    if (decrypted == null) {
      throw damaged(what, "data that decrypts with the local key, found data that does not");
    }
    Qt settings = new Qt(decrypted, what);
    int block = settings.int32("the first block id");
    if (block != MTP_AUTHORIZATION) {
      throw damaged(what, "the MTP authorization block (75) first, found block " + block);
    }
    Qt mtp = new Qt(settings.byteArray("the MTP authorization"), what);
    int legacyUser = mtp.int32("the user id");
    int legacyDc = mtp.int32("the main DC");
    long userId;
    int mainDc;
    if (legacyUser == -1 && legacyDc == -1) {
      userId = mtp.int64("the user id");
      mainDc = mtp.int32("the main DC");
    } else {
      userId = legacyUser & 0xFFFF_FFFFL;
      mainDc = legacyDc;
    }
    if (userId < 0 || userId > 0xFF_FFFF_FFFFL) {
      throw damaged(what, "a user id 0..1099511627775, found " + userId);
    }
    Map<Integer, DcOption> options = new TreeMap<>(KnownDcs.all());
    int keys = mtp.int32("the auth key count");
    if (keys < 0 || keys > MAX_KEYS) {
      throw damaged(what, "0.." + MAX_KEYS + " auth keys, found " + keys);
    }
    Set<Integer> keyed = new HashSet<>();
    for (int i = 0; i < keys; i++) {
      int dc = mtp.int32("an auth key's DC id");
      byte[] key = mtp.bytes(AuthKey.LENGTH, "the auth key of DC " + dc);
      DcOption known = KnownDcs.all().get(dc);
      if (known == null) {
        throw new IncompatibleSessionException(
            FORMAT
                + ": expected auth keys for Telegram's DCs 1..5 in "
                + what
                + ", found one for DC "
                + dc
                + ", whose address tgsession does not know");
      }
      if (!keyed.add(dc)) {
        throw damaged(what, "one auth key per DC, found two for DC " + dc);
      }
      options.put(dc, known.withAuthKey(AuthKey.of(key)));
      Arrays.fill(key, (byte) 0);
    }
    if (!keyed.contains(mainDc)) {
      throw new IncompatibleSessionException(
          FORMAT
              + ": expected an auth key for the main DC "
              + mainDc
              + " of account "
              + index
              + ", found keys for DCs "
              + new java.util.TreeSet<>(keyed)
              + " (an account that is logged out has nothing to import)");
    }
    Map<PeerId, PeerInfo> peers = new TreeMap<>();
    if (userId != 0) {
      PeerInfo.User self = new PeerInfo.User(userId, null, Boolean.FALSE, Boolean.TRUE, null, null);
      peers.put(self.peerId(), self);
    }
    SessionData session = new SessionData(mainDc, options, peers, UpdatesState.empty());
    return new Account(index, active, userId, session);
  }

  /** The file name of account {@code index}: MD5 of "data" or "data#N", 16 nibble-swapped hex. */
  static String fileName(int index) {
    String dataName = index == 0 ? "data" : "data#" + (index + 1);
    byte[] md5 = TdataCrypto.digest("MD5").digest(dataName.getBytes(StandardCharsets.UTF_8));
    String hex = "0123456789ABCDEF";
    StringBuilder name = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      name.append(hex.charAt(md5[i] & 0x0F)).append(hex.charAt((md5[i] >> 4) & 0x0F));
    }
    return name.toString();
  }

  private static byte @Nullable [] decrypt(byte[] encrypted, byte[] key, String file, String what) {
    try {
      return TdataCrypto.decryptLocal(encrypted, key);
    } catch (IllegalArgumentException e) {
      throw damaged(file, forWhat(e.getMessage(), what));
    }
  }

  /**
   * Puts "for WHAT" into a crypto message "expected X, found Y", without its own "expected" (which
   * {@link #damaged} says once).
   */
  static String forWhat(String message, String what) {
    String text = message.startsWith("expected ") ? message.substring(9) : message;
    int found = text.indexOf(", found");
    return found < 0
        ? text + " for " + what
        : text.substring(0, found) + " for " + what + text.substring(found);
  }

  /** Reads a TDF$ container: {@code name}s, else the newer intact one of {@code name}0/1. */
  private static byte[] readTdf(Path dir, String name) {
    List<Path> candidates = new ArrayList<>();
    Path modern = dir.resolve(name + "s");
    if (Files.isRegularFile(modern)) {
      candidates.add(modern);
    } else {
      Path zero = dir.resolve(name + "0");
      Path one = dir.resolve(name + "1");
      for (Path p : List.of(zero, one)) {
        if (Files.isRegularFile(p)) {
          candidates.add(p);
        }
      }
      if (candidates.size() == 2 && modified(one) > modified(zero)) {
        java.util.Collections.reverse(candidates);
      }
    }
    if (candidates.isEmpty()) {
      throw new IncompatibleSessionException(
          FORMAT
              + ": expected "
              + name
              + "s (or "
              + name
              + "0 / "
              + name
              + "1) in "
              + dir
              + ", found none"
              + (name.equals("key_data") ? ": is this a tdata folder?" : ""));
    }
    List<String> problems = new ArrayList<>();
    for (Path file : candidates) {
      byte[] bytes;
      try {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
          throw damaged(
              file.getFileName().toString(),
              "at most "
                  + MAX_FILE_BYTES
                  + " bytes (Telegram Desktop's files are far smaller), found "
                  + size
                  + " bytes; it was not read");
        }
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
      String problem = tdfProblem(bytes);
      if (problem.isEmpty()) {
        return Arrays.copyOfRange(bytes, 8, bytes.length - 16);
      }
      problems.add(file.getFileName() + " is damaged: expected " + problem);
    }
    throw new IncompatibleSessionException(FORMAT + ": " + String.join("; ", problems));
  }

  /** What is wrong with a TDF$ container ("" when nothing is). */
  private static String tdfProblem(byte[] bytes) {
    if (bytes.length < 24) {
      return "at least 24 bytes (TDF$, version, MD5), found " + bytes.length;
    }
    if (!Arrays.equals(bytes, 0, 4, MAGIC, 0, 4)) {
      return "the magic TDF$ first, found other bytes";
    }
    int dataSize = bytes.length - 24;
    MessageDigest md5 = TdataCrypto.digest("MD5");
    md5.update(bytes, 8, dataSize);
    md5.update(
        ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(dataSize).array());
    md5.update(bytes, 4, 4);
    md5.update(MAGIC);
    if (!Arrays.equals(md5.digest(), 0, 16, bytes, bytes.length - 16, bytes.length)) {
      return "an MD5 that matches the contents, found another (the file is damaged or truncated)";
    }
    return "";
  }

  private static long modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  private static byte[] utf8(char[] chars) {
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    if (encoded.hasArray()) {
      Arrays.fill(encoded.array(), (byte) 0);
    }
    return bytes;
  }

  static IncompatibleSessionException damaged(String file, String expectedFound) {
    return new IncompatibleSessionException(
        FORMAT + ": " + file + " is damaged: expected " + expectedFound);
  }

  /** Qt's QDataStream, big-endian: int32, int64, QByteArray (u32 length, 0xFFFFFFFF = null). */
  private static final class Qt {
    private final ByteBuffer buffer;
    private final String file;

    Qt(byte[] bytes, String file) {
      this.buffer = ByteBuffer.wrap(bytes);
      this.file = file;
    }

    private void need(int count, String what) {
      if (buffer.remaining() < count) {
        throw damaged(file, count + " more bytes for " + what + ", found " + buffer.remaining());
      }
    }

    int int32(String what) {
      need(4, what);
      return buffer.getInt();
    }

    long int64(String what) {
      need(8, what);
      return buffer.getLong();
    }

    byte[] bytes(int count, String what) {
      need(count, what);
      byte[] value = new byte[count];
      buffer.get(value);
      return value;
    }

    byte[] byteArray(String what) {
      int length = int32("the length of " + what);
      if (length == -1 || length == 0) {
        return new byte[0];
      }
      if (length < 0) {
        throw damaged(file, "a length for " + what + ", found " + (length & 0xFFFF_FFFFL));
      }
      return bytes(length, what);
    }
  }
}
