package dev.tgsession.cli;

import dev.tgsession.DcOption;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.Sessions;
import dev.tgsession.UpdateState;
import dev.tgsession.support.QuotedValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(
    header =
        "Read a Telethon, Pyrogram, Kurigram, GramJS, mtcute, Telegram Desktop or JSON session into a session.",
    name = "import",
    description = {
      "%nReads a session made elsewhere into TO, merged into what TO holds (run clear first to replace it).",
      "SOURCE is read whole (and so checked) before TO is opened: a damaged SOURCE leaves TO unchanged, or not created. TO is held under a short lease where its backend has leases (refused, exit 3, when someone else holds it, unless --force).",
      "telethon-string, pyrogram-string, gramjs-string, mtcute-string: SOURCE is the string, or - to read it from standard input, or @FILE to read it from a file (either keeps it out of the shell history).",
      "telethon-file: SOURCE is a Telethon .session file (database versions 1 to 8). pyrogram-file, kurigram-file: SOURCE is a Pyrogram (schema 3) or Kurigram/Pyrofork (schema 6) .session file. What the file holds that a session does not keep is listed on standard error.",
      "auto: the kind of SOURCE (a file or folder, @FILE, - or the string itself) is detected and said on standard error; a string that decodes as several kinds is refused, naming them.",
      "tdata: SOURCE is a Telegram Desktop tdata folder; one account per TO: --account N, or --all with TO a template such as sqlite:acct-{n}.session ({n} = the account's number, 1 = the first).",
      "json: SOURCE is a tgsession-export/1 file, or - for standard input."
    })
final class ImportCommand extends SessionCommand {

  private static final int BATCH_SIZE = 1000;

  @Parameters(
      index = "0",
      paramLabel = "FORMAT",
      converter = SessionFormat.ImportConverter.class,
      description =
          "telethon-string, telethon-file, pyrogram-string, pyrogram-file, kurigram-file,"
              + " gramjs-string, mtcute-string, tdata, json or auto.")
  SessionFormat format;

  @Parameters(index = "1", paramLabel = "SOURCE", description = "What to read (see above).")
  String source;

  @Parameters(
      index = "2",
      paramLabel = "TO",
      description = "The session to write (tdata: may hold {n}, the account's number).")
  String to;

  @Option(
      names = "--account",
      paramLabel = "N",
      description = "tdata: import the N-th account of the folder (1 = the first).")
  @Nullable Integer account;

  @Option(
      names = "--all",
      description = "tdata: import every account, each into TO with {n} replaced by its number.")
  boolean all;

  @Option(
      names = "--passcode-file",
      paramLabel = "FILE",
      description =
          "tdata: the file holding Telegram Desktop's local passcode (- for standard input);"
              + " one trailing line break is ignored.")
  @Nullable String passcodeFile;

  @Option(
      names = "--force",
      description = "Write TO even when another owner holds its lease (take no lease).")
  boolean force;

  @Override
  public Integer call() throws IOException {
    if (format != SessionFormat.TDATA
        && format != SessionFormat.AUTO
        && (account != null || all || passcodeFile != null)) {
      throw new ParameterException(
          spec.commandLine(),
          "expected --account, --all and --passcode-file only with the tdata format, found them"
              + " with "
              + format);
    }
    String stdinText = null;
    if (format == SessionFormat.AUTO) {
      if (source.equals("-")) {
        stdinText =
            new String(
                SecretInput.read(
                    root.terminal().stdin(),
                    SecretInput.STRING_SESSION_LIMIT,
                    "the string session",
                    "standard input"),
                java.nio.charset.StandardCharsets.UTF_8);
        if (stdinText.stripLeading().startsWith("{")) {
          throw new IllegalArgumentException(
              "expected a string session on standard input for auto, found a JSON document:"
                  + " import it with 'tgsession import json - TO'");
        }
      }
      AutoDetect.Found found = AutoDetect.detect(source, stdinText == null ? "" : stdinText);
      err().println("found " + found.description());
      if (found.format() == SessionFormat.AUTO) {
        return importSqlite(found.source());
      }
      format = found.format();
      source = found.source();
    }
    if (format == SessionFormat.TDATA) {
      return new TdataImport(this).run(source, to, account, all, passcodeFile);
    }
    if (format.isString() && SecretInput.isLiteral(source)) {
      root.secret(source);
    }
    if (format == SessionFormat.JSON) {
      return importJson();
    }
    if (format.isSessionFile()) {
      Path file = existingFile(source);
      return apply(
          ForeignFormats.readSessionFile(format, file, err()),
          (format == SessionFormat.TELETHON_FILE
                  ? "Telethon file "
                  : format == SessionFormat.PYROGRAM_FILE ? "Pyrogram file " : "Kurigram file ")
              + QuotedValue.cut(file.toString()),
          true);
    }
    return importString(stdinText);
  }

  /** A grammers/tgsession file found by auto: copied, read-only, as {@code copy} would. */
  private int importSqlite(String file) throws IOException {
    SessionData data;
    try (Session from =
        Sessions.open("sqlite:" + Path.of(file).toAbsolutePath() + "?mode=read-only")) {
      data = from.snapshot();
    }
    return apply(data, "sqlite file " + QuotedValue.cut(file), true);
  }

  private int importString(@Nullable String stdinText) throws IOException {
    String text =
        stdinText != null
            ? stdinText.strip()
            : SecretInput.resolve(source, root.terminal().stdin());
    root.secret(text);
    if (SecretInput.isLiteral(source)) {
      err()
          .println(
              "note: a string session given as an argument stays in your shell history;"
                  + " pass '-' (standard input) or @FILE instead");
    }
    SessionData data = ForeignFormats.decode(format, text, err());
    String origin =
        "a "
            + format
            + (source.equals("-")
                ? " from standard input"
                : source.startsWith("@") ? " from " + QuotedValue.cut(source.substring(1)) : "");
    return apply(data, origin, false);
  }

  private int importJson() throws IOException {
    long peers;
    String origin;
    MergeNote note;
    if (source.equals("-")) {
      // Standard input cannot be read twice: read it whole into memory first.
      Session memory = Sessions.open("memory:");
      try (StagedSession staged = stageJson(memory)) {
        note = new MergeNote();
        peers =
            writeTarget(
                to,
                force,
                target -> {
                  note.check(target);
                  return staged.writeTo(target, (done, total) -> {});
                });
      }
      origin = "standard input";
    } else {
      Path file = existingFile(source.startsWith("@") ? source.substring(1) : source);
      // Check the whole file first, so that a damaged one leaves TO untouched.
      try (InputStream in = Files.newInputStream(file)) {
        JsonSessionFormat.validate(in);
      }
      note = new MergeNote();
      peers =
          writeTarget(
              to,
              force,
              target -> {
                note.check(target);
                try (InputStream in = Files.newInputStream(file)) {
                  return JsonSessionFormat.read(in, target);
                }
              });
      origin = QuotedValue.cut(file.toString());
    }
    note.print(to);
    out()
        .printf(
            "imported %s from json %s into %s%n",
            InfoCommand.plural(peers, "peer"), origin, show(to));
    return 0;
  }

  private StagedSession stageJson(Session memory) throws IOException {
    try {
      JsonSessionFormat.read(root.terminal().stdin(), memory);
      return StagedSession.ofMemory(memory);
    } catch (IOException | RuntimeException e) {
      memory.close();
      throw e;
    }
  }

  private int apply(SessionData data, String origin, boolean everything) throws IOException {
    MergeNote note = new MergeNote();
    writeTarget(
        to,
        force,
        target -> {
          note.check(target);
          write(data, everything, target);
          return null;
        });
    note.print(to);
    out()
        .printf(
            "imported %s%s from %s into %s (home DC %d)%n",
            InfoCommand.plural(data.peers().size(), "peer"),
            everything ? "" : " and the home DC's auth key",
            origin,
            show(to),
            data.homeDcId());
    return 0;
  }

  private static void write(SessionData data, boolean everything, Session target) {
    List<PeerInfo> batch = new ArrayList<>(BATCH_SIZE);
    for (PeerInfo peer : data.peers().values()) {
      batch.add(peer);
      if (batch.size() == BATCH_SIZE) {
        target.cachePeers(batch);
        batch.clear();
      }
    }
    target.cachePeers(batch);
    if (everything) {
      for (DcOption option : data.dcOptions().values()) {
        target.setDcOption(option);
      }
      target.setUpdateState(new UpdateState.All(data.updatesState()));
    } else {
      // A string carries the home DC only: the other DCs' keys in TO stay as they are.
      DcOption home = data.dcOptions().get(data.homeDcId());
      if (home != null) {
        target.setDcOption(home);
      }
    }
    // the family the source gave the home DC in (an export gives the same address back), media
    // DCs and temporary keys
    JsonSessionExtras.of(data).writeTo(target, data.homeDcId());
  }

  /**
   * What TO held before the import, said once the import has succeeded (never before: a failed
   * import merges nothing).
   */
  final class MergeNote {
    private long peers;
    private boolean hasKey;

    void check(Session target) {
      hasKey = target.dcOptions().values().stream().anyMatch(o -> o.authKey() != null);
      peers = target.peerCount();
    }

    void print(String uri) {
      if (hasKey || peers > 0) {
        err()
            .printf(
                "note: %s already held %s%s; the import is merged into it (run 'tgsession clear'"
                    + " first to replace it)%n",
                show(uri), InfoCommand.plural(peers, "peer"), hasKey ? " and auth keys" : "");
      }
    }
  }

  private static Path existingFile(String name) {
    Path file;
    try {
      file = Path.of(name);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "expected a file to import, found an invalid path '" + QuotedValue.cut(name) + "'");
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "expected a file to import, found no file " + QuotedValue.cut(name));
    }
    return file;
  }
}
