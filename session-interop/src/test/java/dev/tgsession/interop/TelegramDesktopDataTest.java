package dev.tgsession.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionData;
import dev.tgsession.UpdatesState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("TelegramDesktopData (tdata written by @mtcute/convert 0.29.7)")
class TelegramDesktopDataTest {

  static final String PASSCODE = "correct horse battery staple";

  static List<JsonNode> folders() {
    return allFolders().stream().filter(f -> !f.get("refused").asBoolean()).toList();
  }

  static List<JsonNode> allFolders() {
    try (InputStream in =
        Objects.requireNonNull(
            TelegramDesktopDataTest.class.getResourceAsStream("/interop/tdata.json"))) {
      List<JsonNode> folders = new ArrayList<>();
      new ObjectMapper().readTree(in).get("folders").forEach(folders::add);
      return folders;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> writerLayoutFolders() {
    return List.of("one-account", "passcode-two-accounts");
  }

  static Path folder(String name) {
    try {
      return Path.of(
          Objects.requireNonNull(
                  TelegramDesktopDataTest.class.getResource("/interop/tdata/" + name))
              .toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  static char[] passcodeOf(JsonNode folder) {
    String passcode = folder.get("passcode").asText();
    return passcode.isEmpty() ? null : passcode.toCharArray();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("folders")
  @DisplayName("reads every account in the folder's order: user, main DC, every DC's key")
  void everyAccount(JsonNode folder) {
    List<TelegramDesktopData.Account> accounts =
        TelegramDesktopData.readAccounts(folder(folder.get("name").asText()), passcodeOf(folder));

    List<Integer> order = new ArrayList<>();
    folder.get("order").forEach(i -> order.add(i.asInt()));
    assertThat(accounts).extracting(TelegramDesktopData.Account::index).isEqualTo(order);
    for (TelegramDesktopData.Account account : accounts) {
      JsonNode expected = folder.get("accounts").get(account.index());
      assertThat(account.active()).isEqualTo(account.index() == folder.get("active").asInt());
      long userId = Long.parseLong(expected.get("userId").asText());
      assertThat(account.userId()).isEqualTo(userId);
      assertThat(account.session()).isEqualTo(expectedSession(expected));
      assertThat(TelegramDesktopData.fileName(account.index()))
          .isEqualTo(expected.get("fileName").asText());
    }
    assertThat(TelegramDesktopData.read(folder(folder.get("name").asText()), passcodeOf(folder)))
        .isEqualTo(accounts.stream().map(TelegramDesktopData.Account::session).toList());
  }

  @Test
  @DisplayName("a key for a DC other than 1..5, or none for the main DC, refuses the whole folder")
  void refusedFolders() {
    assertThatThrownBy(() -> TelegramDesktopData.read(folder("refused-unknown-dc-key"), null))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessage(
            "Telegram Desktop tdata: expected auth keys for Telegram's DCs 1..5 in"
                + " A7FDF864FBC10B77s (account 1), found one for DC 7, whose address tgsession does"
                + " not know");
    assertThatThrownBy(() -> TelegramDesktopData.read(folder("refused-no-main-dc-key"), null))
        .isInstanceOf(IncompatibleSessionException.class)
        .hasMessage(
            "Telegram Desktop tdata: expected an auth key for the main DC 4 of account 1, found"
                + " keys for DCs [2] (an account that is logged out has nothing to import)");
  }

  /** What the manifest says the account holds, built from the documented rules. */
  private static SessionData expectedSession(JsonNode account) {
    Map<Integer, DcOption> options = new TreeMap<>(KnownDcs.all());
    for (JsonNode key : account.get("keys")) {
      int dc = key.get("dcId").asInt();
      options.put(
          dc,
          KnownDcs.all()
              .get(dc)
              .withAuthKey(AuthKey.of(HexFormat.of().parseHex(key.get("keyHex").asText()))));
    }
    PeerInfo.User self =
        new PeerInfo.User(
            Long.parseLong(account.get("userId").asText()),
            null,
            Boolean.FALSE,
            Boolean.TRUE,
            null,
            null);
    return new SessionData(
        account.get("mainDcId").asInt(),
        options,
        Map.of(self.peerId(), self),
        UpdatesState.empty());
  }

  @Nested
  @DisplayName("the local passcode")
  class Passcode {
    private final Path locked = folder("passcode-three-accounts");

    @Test
    @DisplayName("a wrong passcode is a WrongPasscodeException saying the passcode is wrong")
    void wrong() {
      assertThatThrownBy(() -> TelegramDesktopData.read(locked, "correct horse".toCharArray()))
          .isInstanceOf(TelegramDesktopData.WrongPasscodeException.class)
          .isInstanceOf(IncompatibleSessionException.class)
          .hasMessage(
              "Telegram Desktop tdata: the local passcode given is wrong: key_datas does not"
                  + " decrypt with it")
          .hasMessageNotContaining("correct horse");
    }

    @Test
    @DisplayName("no passcode for a locked folder says a passcode is needed")
    void missing() {
      for (char[] none : Stream.of(null, new char[0]).toList()) {
        assertThatThrownBy(() -> TelegramDesktopData.read(locked, none))
            .isInstanceOf(TelegramDesktopData.WrongPasscodeException.class)
            .hasMessageContaining("expected no local passcode, found a folder locked with one");
      }
    }

    @Test
    @DisplayName("a passcode for a folder without one is wrong too; the caller's array is kept")
    void unexpected() {
      char[] passcode = PASSCODE.toCharArray();
      assertThatThrownBy(() -> TelegramDesktopData.read(folder("two-accounts"), passcode))
          .isInstanceOf(TelegramDesktopData.WrongPasscodeException.class)
          .hasMessageContaining("the local passcode given is wrong");
      assertThat(new String(passcode)).isEqualTo(PASSCODE);
    }
  }

  @Nested
  @DisplayName("writing")
  class Writing {
    @TempDir Path temp;

    /** The random stream of the generator's SeededCrypto: SHA-256 of "seed/counter" blocks. */
    private java.util.function.IntFunction<byte[]> seeded(String seed) {
      int[] counter = {0};
      return n -> {
        byte[] out = new byte[n];
        for (int pos = 0; pos < n; ) {
          byte[] block =
              TdataCrypto.digest("SHA-256")
                  .digest(
                      (seed + "/" + counter[0]++)
                          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
          int count = Math.min(block.length, n - pos);
          System.arraycopy(block, 0, out, pos, count);
          pos += count;
        }
        return out;
      };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tgsession.interop.TelegramDesktopDataTest#writerLayoutFolders")
    @DisplayName("with mtcute's random bytes, every file is byte for byte the one mtcute wrote")
    void byteForByte(String name) throws IOException {
      JsonNode folder =
          folders().stream().filter(f -> f.get("name").asText().equals(name)).findFirst().get();
      List<SessionData> accounts = TelegramDesktopData.read(folder(name), passcodeOf(folder));
      Path written = temp.resolve(name);

      TelegramDesktopData.write(written, accounts, passcodeOf(folder), seeded(name));

      assertThat(files(written)).isEqualTo(files(folder(name)));
      for (String file : files(folder(name))) {
        assertThat(Files.readAllBytes(written.resolve(file)))
            .as(file)
            .isEqualTo(Files.readAllBytes(folder(name).resolve(file)));
      }
    }

    @Test
    @DisplayName("what it writes (random keys) reads back equal, passcode or not")
    void roundTrip() {
      List<SessionData> accounts = TelegramDesktopData.read(folder("two-accounts"), null);
      char[] passcode = "über geheim".toCharArray();

      TelegramDesktopData.write(temp.resolve("plain"), accounts, null);
      TelegramDesktopData.write(temp.resolve("locked"), accounts, passcode);

      assertThat(TelegramDesktopData.read(temp.resolve("plain"), null)).isEqualTo(accounts);
      for (Path file : List.of(temp.resolve("plain"), temp.resolve("plain/key_datas"))) {
        try {
          assertThat(
                  java.nio.file.attribute.PosixFilePermissions.toString(
                      Files.getPosixFilePermissions(file)))
              .as(file.toString())
              .isEqualTo(Files.isDirectory(file) ? "rwx------" : "rw-------");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      assertThat(TelegramDesktopData.read(temp.resolve("locked"), passcode)).isEqualTo(accounts);
      assertThatThrownBy(() -> TelegramDesktopData.read(temp.resolve("locked"), null))
          .isInstanceOf(TelegramDesktopData.WrongPasscodeException.class);
    }

    @Test
    @DisplayName("refuses what tdata cannot hold, and never writes into a non-empty folder")
    void refusals() throws IOException {
      SessionData account = TelegramDesktopData.read(folder("one-account"), null).get(0);
      Path target = temp.resolve("t");
      TreeMap<Integer, DcOption> withDc7 = new TreeMap<>(account.dcOptions());
      withDc7.put(7, account.dcOptions().get(2).withAuthKey(account.homeAuthKey().get()));
      withDc7.put(
          7,
          new DcOption(
              7, withDc7.get(2).ipv4(), withDc7.get(2).ipv6(), account.homeAuthKey().get()));
      PeerInfo.User bot = new PeerInfo.User(42, null, true, true, null, null);

      assertThatThrownBy(() -> TelegramDesktopData.write(target, List.of(), null))
          .hasMessageContaining("expected at least one account, found none");
      assertThatThrownBy(
              () ->
                  TelegramDesktopData.write(
                      target,
                      List.of(new SessionData(2, withDc7, account.peers(), UpdatesState.empty())),
                      null))
          .hasMessageContaining("found one for DC 7 in account 1");
      assertThatThrownBy(
              () ->
                  TelegramDesktopData.write(
                      target,
                      List.of(
                          account,
                          new SessionData(
                              2,
                              account.dcOptions(),
                              Map.of(bot.peerId(), bot),
                              UpdatesState.empty())),
                      null))
          .hasMessageContaining("found the bot 42 as self user of account 2");
      assertThatThrownBy(
              () -> TelegramDesktopData.write(target, List.of(SessionData.empty()), null))
          .hasMessageContaining("expected an auth key for the home DC 2");
      assertThat(target).doesNotExist();
      TelegramDesktopData.write(target, List.of(account), null);
      assertThatThrownBy(() -> TelegramDesktopData.write(target, List.of(account), null))
          .hasMessageContaining("tgsession never overwrites a tdata folder");
    }

    private List<String> files(Path dir) throws IOException {
      try (Stream<Path> files = Files.walk(dir)) {
        return files
            .filter(Files::isRegularFile)
            .map(f -> dir.relativize(f).toString())
            .sorted()
            .toList();
      }
    }
  }

  @Nested
  @DisplayName("a damaged folder is an IncompatibleSessionException, never a partial result")
  class Damaged {
    @TempDir Path temp;

    private Path copy(String name) throws IOException {
      Path source = folder(name);
      Path target = temp.resolve(name);
      try (Stream<Path> files = Files.walk(source)) {
        for (Path file : files.toList()) {
          Path to = target.resolve(source.relativize(file).toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(to);
          } else {
            Files.copy(file, to);
          }
        }
      }
      return target;
    }

    private static void flip(Path file, int fromEnd) throws IOException {
      byte[] bytes = Files.readAllBytes(file);
      bytes[bytes.length - fromEnd] ^= 0x40;
      Files.write(file, bytes);
    }

    @Test
    @DisplayName("one flipped byte in any file, in every position class")
    void flippedByte() throws IOException {
      String second = TelegramDesktopData.fileName(1) + "s";
      for (String file : List.of("key_datas", second)) {
        for (int fromEnd : new int[] {1, 17, 40, 100}) {
          Path dir = copy("two-accounts");
          flip(dir.resolve(file), fromEnd);
          assertDamaged(dir, null)
              .isNotInstanceOf(TelegramDesktopData.WrongPasscodeException.class)
              .hasMessageContaining(file + " is damaged: expected an MD5 that matches");
          deleteTree(dir);
        }
      }
    }

    @Test
    @DisplayName("a missing account file, a truncated file, a folder without key_datas")
    void missingOrShort() throws IOException {
      Path dir = copy("two-accounts");
      Files.delete(dir.resolve(TelegramDesktopData.fileName(1) + "s"));
      assertDamaged(dir, null)
          .hasMessageContaining("expected " + TelegramDesktopData.fileName(1) + "s (or ");
      byte[] key = Files.readAllBytes(dir.resolve("key_datas"));
      Files.write(dir.resolve("key_datas"), java.util.Arrays.copyOf(key, 20));
      assertDamaged(dir, null).hasMessageContaining("key_datas is damaged: expected at least 24");
      Files.delete(dir.resolve("key_datas"));
      assertDamaged(dir, null).hasMessageContaining("is this a tdata folder?");
      assertDamaged(temp.resolve("absent"), null).hasMessageContaining("found no folder");
    }

    @Test
    @DisplayName("without <name>s, the newer intact one of <name>0 and <name>1 is read")
    void numberedFiles() throws IOException {
      Path dir = copy("one-account");
      String name = TelegramDesktopData.fileName(0);
      Path modern = dir.resolve(name + "s");
      Files.copy(modern, dir.resolve(name + "0"));
      Files.move(modern, dir.resolve(name + "1"));
      flip(dir.resolve(name + "1"), 1);
      Files.setLastModifiedTime(dir.resolve(name + "0"), FileTime.fromMillis(1_000_000));
      Files.setLastModifiedTime(dir.resolve(name + "1"), FileTime.fromMillis(2_000_000));
      Files.move(dir.resolve("key_datas"), dir.resolve("key_data0"));

      assertThat(TelegramDesktopData.read(dir, null))
          .isEqualTo(TelegramDesktopData.read(folder("one-account"), null));

      flip(dir.resolve(name + "0"), 1);
      assertDamaged(dir, null).hasMessageContaining(name + "0 is damaged");
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertDamaged(
        Path dir, char[] passcode) {
      var thrown =
          assertThatThrownBy(() -> TelegramDesktopData.read(dir, passcode))
              .isInstanceOf(IncompatibleSessionException.class)
              .hasMessageStartingWith("Telegram Desktop tdata: ");
      for (JsonNode folder : allFolders()) {
        for (JsonNode account : folder.get("accounts")) {
          for (JsonNode key : account.get("keys")) {
            thrown.hasMessageNotContaining(key.get("keyHex").asText().substring(0, 16));
          }
        }
      }
      return thrown;
    }

    private static void deleteTree(Path dir) throws IOException {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
  }
}
