package dev.tgsession.cli;

import dev.tgsession.DcOption;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionData;
import dev.tgsession.interop.TelegramDesktopData;
import dev.tgsession.support.QuotedValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ParameterException;

/**
 * {@code import tdata DIR TO}: reads every account of a Telegram Desktop folder (all or nothing),
 * then writes the chosen ones, each into its own session.
 */
final class TdataImport {

  static final String ACCOUNT_NUMBER = "{n}";

  private final ImportCommand command;

  TdataImport(ImportCommand command) {
    this.command = command;
  }

  int run(
      String source,
      String to,
      @Nullable Integer account,
      boolean all,
      @Nullable String passcodeFile)
      throws IOException {
    if (account != null && all) {
      throw usage("expected --account N or --all, found both");
    }
    if (account != null && account < 1) {
      throw usage(
          "expected --account N with N = 1 or more (1 = the first account), found " + account);
    }
    Path dir = Path.of(source);
    char[] passcode = passcodeFile == null ? null : passcode(passcodeFile, command.root);
    List<TelegramDesktopData.Account> accounts;
    try {
      accounts = TelegramDesktopData.readAccounts(dir, passcode);
    } finally {
      if (passcode != null) {
        Arrays.fill(passcode, '\0');
      }
    }
    List<Integer> chosen = new ArrayList<>();
    if (all) {
      if (accounts.size() > 1 && !to.contains(ACCOUNT_NUMBER)) {
        throw usage(
            "expected TO to hold {n} with --all (one session per account, e.g."
                + " sqlite:acct-{n}.session), found "
                + command.quote(to)
                + " for "
                + accounts.size()
                + " accounts");
      }
      for (int n = 1; n <= accounts.size(); n++) {
        chosen.add(n);
      }
    } else if (account != null) {
      if (account > accounts.size()) {
        throw new IllegalArgumentException(
            "expected --account 1.."
                + accounts.size()
                + ", found "
                + account
                + "; "
                + describe(accounts));
      }
      chosen.add(account);
    } else if (accounts.size() == 1) {
      chosen.add(1);
    } else {
      throw new IllegalArgumentException(
          "expected --account N or --all for a folder of "
              + accounts.size()
              + " accounts, found neither; "
              + describe(accounts));
    }
    for (int n : chosen) {
      write(accounts.get(n - 1), n, dir, to.replace(ACCOUNT_NUMBER, Integer.toString(n)));
    }
    return 0;
  }

  private void write(TelegramDesktopData.Account account, int n, Path dir, String uri)
      throws IOException {
    SessionData data = account.session();
    List<Integer> keyed = new ArrayList<>();
    ImportCommand.MergeNote note = command.new MergeNote();
    command.writeTarget(
        uri,
        command.force,
        target -> {
          note.check(target);
          // Only the DCs tdata holds keys for: TO's keys for other DCs stay.
          for (DcOption option : data.dcOptions().values()) {
            if (option.authKey() != null) {
              target.setDcOption(option);
              keyed.add(option.id());
            }
          }
          List<PeerInfo> self = new ArrayList<>(data.peers().values());
          target.cachePeers(self);
          target.setHomeDcId(data.homeDcId());
          return null;
        });
    note.print(uri);
    command
        .out()
        .printf(
            "imported account %d (user %d, home DC %d, auth keys for DCs %s) from Telegram Desktop"
                + " folder %s into %s%n",
            n,
            account.userId(),
            data.homeDcId(),
            keyed,
            QuotedValue.cut(dir.toString()),
            command.show(uri));
  }

  private static String describe(List<TelegramDesktopData.Account> accounts) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < accounts.size(); i++) {
      TelegramDesktopData.Account a = accounts.get(i);
      lines.add(
          (i + 1)
              + ": user "
              + a.userId()
              + ", home DC "
              + a.session().homeDcId()
              + (a.active() ? " (active)" : ""));
    }
    return "the folder holds " + String.join("; ", lines);
  }

  /** The passcode from FILE or standard input, without one trailing line break. */
  static char[] passcode(String file, Tgsession root) throws IOException {
    byte[] bytes;
    if (file.equals("-")) {
      InputStream stdin = root.terminal().stdin();
      bytes =
          SecretInput.read(
              stdin, SecretInput.PASSCODE_LIMIT, "the local passcode", "standard input");
    } else {
      bytes = SecretInput.read(file, SecretInput.PASSCODE_LIMIT, "the local passcode");
    }
    int length = bytes.length;
    if (length > 0 && bytes[length - 1] == '\n') {
      length--;
      if (length > 0 && bytes[length - 1] == '\r') {
        length--;
      }
    }
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, 0, length));
      char[] passcode = new char[chars.remaining()];
      chars.get(passcode);
      if (chars.hasArray()) {
        Arrays.fill(chars.array(), '\0');
      }
      if (passcode.length >= 4) {
        root.secret(new String(passcode));
      }
      return passcode;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "expected the local passcode as UTF-8 text, found bytes that are not");
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(command.spec.commandLine(), message);
  }
}
