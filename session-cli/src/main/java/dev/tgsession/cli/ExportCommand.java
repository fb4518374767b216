package dev.tgsession.cli;

import dev.tgsession.AddressFamily;
import dev.tgsession.DcOption;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.SessionEncryption;
import dev.tgsession.UpdatesState;
import dev.tgsession.interop.TelegramDesktopData;
import dev.tgsession.interop.TelethonSessionFile;
import dev.tgsession.support.QuotedValue;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(
    header =
        "Write a session as a string session, a Telethon, Pyrogram or Kurigram session file,"
            + " tgsession-export/1 JSON or a tdata folder.",
    name = "export",
    description = {
      "%nWrites a session in another format, to standard output or to --out FILE (created readable by its owner only; an existing FILE is refused unless --force). A string written to FILE is exactly the string, without a line break; on standard output it ends with one.",
      "telethon-file (database version 7, which every Telethon 1.x opens; --telethon-version 8 for Telethon 1.43+), pyrogram-file (schema 3) and kurigram-file (schema 6) need --out FILE.",
      "The output is a credential: whoever holds it controls the account. Standard error says what the chosen format cannot carry.",
      "An encrypted session (encryption-key= in the URI) is exported decrypted, with a warning on standard error. The session is only read."
    })
final class ExportCommand extends SessionCommand {

  @Parameters(index = "0", paramLabel = "URI", description = "The session to export.")
  String uri;

  @Option(
      names = "--format",
      required = true,
      paramLabel = "FORMAT",
      converter = SessionFormat.ExportConverter.class,
      description =
          "telethon-string, telethon-file, pyrogram-string, pyrogram-file, kurigram-file,"
              + " gramjs-string, mtcute-string, json or tdata (a folder: needs --out DIR).")
  SessionFormat format;

  @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE, not standard output.")
  @Nullable Path outFile;

  @Option(
      names = "--api-id",
      paramLabel = "N",
      description =
          "The api_id a Pyrogram string carries (required for pyrogram-string; optional for"
              + " pyrogram-file and kurigram-file, which store it).")
  @Nullable Integer apiId;

  @Option(
      names = "--telethon-version",
      paramLabel = "N",
      description = "telethon-file: the database version to write, 7 (the default) or 8.")
  @Nullable Integer telethonVersion;

  @Option(names = "--force", description = "Replace --out FILE if it exists.")
  boolean force;

  @Option(
      names = "--passcode-file",
      paramLabel = "FILE",
      description =
          "tdata: the file holding the local passcode to lock the folder with (- for standard"
              + " input); one trailing line break is ignored.")
  @Nullable String passcodeFile;

  @Override
  public Integer call() throws IOException {
    if (format != SessionFormat.TDATA && passcodeFile != null) {
      throw new ParameterException(
          spec.commandLine(),
          "expected --passcode-file only with --format tdata, found it with " + format);
    }
    if (format == SessionFormat.TDATA && outFile == null) {
      throw new ParameterException(
          spec.commandLine(),
          "expected --out DIR with --format tdata (a tdata export is a folder), found none");
    }
    if (format == SessionFormat.PYROGRAM_STRING && apiId == null) {
      throw new ParameterException(
          spec.commandLine(),
          "expected --api-id N with --format pyrogram-string (a Pyrogram string carries the"
              + " api_id of the app that made it), found none");
    }
    boolean storesApiId =
        format == SessionFormat.PYROGRAM_STRING
            || format == SessionFormat.PYROGRAM_FILE
            || format == SessionFormat.KURIGRAM_FILE;
    if (!storesApiId && apiId != null) {
      throw new ParameterException(
          spec.commandLine(),
          "expected --api-id only with --format pyrogram-string, pyrogram-file or kurigram-file,"
              + " found it with "
              + format);
    }
    if (telethonVersion != null && format != SessionFormat.TELETHON_FILE) {
      throw new ParameterException(
          spec.commandLine(),
          "expected --telethon-version only with --format telethon-file, found it with " + format);
    }
    if (telethonVersion != null && telethonVersion != 7 && telethonVersion != 8) {
      throw new ParameterException(
          spec.commandLine(), "expected --telethon-version 7 or 8, found " + telethonVersion);
    }
    if (format.isSessionFile() && outFile == null) {
      throw new ParameterException(
          spec.commandLine(),
          "expected --out FILE with --format " + format + " (a session file), found none");
    }
    if (outFile != null && format != SessionFormat.TDATA && !force && Files.exists(outFile)) {
      throw new IllegalArgumentException(
          "expected --out to name a new file, found an existing "
              + QuotedValue.cut(outFile.toString())
              + "; it was left as it was (pass --force to replace it)");
    }
    if (force && (outFile == null || format == SessionFormat.TDATA)) {
      throw new ParameterException(
          spec.commandLine(),
          "expected --force only with --out FILE (a tdata folder is never overwritten), found it"
              + (outFile == null ? " without --out" : " with --format tdata"));
    }
    try (Session session = openReadOnly(uri)) {
      warnIfDecrypted(session);
      if (format.isSessionFile()) {
        exportSessionFile(session, Objects.requireNonNull(outFile));
      } else if (format == SessionFormat.JSON) {
        exportJson(session);
      } else if (format == SessionFormat.TDATA) {
        exportTdata(session, Objects.requireNonNull(outFile));
      } else {
        exportString(session);
      }
    }
    return 0;
  }

  private void exportTdata(Session session, Path dir) throws IOException {
    Map<PeerId, PeerInfo> peers = new java.util.HashMap<>();
    Optional<PeerInfo> self = session.peer(PeerId.selfUser());
    self.ifPresent(user -> peers.put(user.peerId(), user));
    SessionData data =
        new SessionData(session.homeDcId(), session.dcOptions(), peers, UpdatesState.empty());
    char[] passcode = passcodeFile == null ? null : TdataImport.passcode(passcodeFile, root);
    try {
      TelegramDesktopData.write(dir, List.of(data), passcode);
    } finally {
      if (passcode != null) {
        Arrays.fill(passcode, '\0');
      }
    }
    List<Integer> keyed =
        session.dcOptions().values().stream()
            .filter(o -> o.authKey() != null)
            .map(DcOption::id)
            .toList();
    long otherPeers = session.peerCount() - (self.isPresent() ? 1 : 0);
    err()
        .printf(
            "note: tdata carries the home DC, the auth keys (here of DCs %s) and the self user's"
                + " id%s; this export drops %s and the updates state%n",
            keyed,
            self.isPresent() ? "" : " (none is cached: the folder's account has user id 0)",
            InfoCommand.plural(otherPeers, "peer"));
    err()
        .printf(
            "wrote a Telegram Desktop tdata folder to %s%s (readable by you only)%n",
            dir, passcode == null ? "" : ", locked with the local passcode");
  }

  private void exportJson(Session session) throws IOException {
    long keys = session.dcOptions().values().stream().filter(o -> o.authKey() != null).count();
    long peers;
    if (outFile == null) {
      // A first pass reads (and so checks) everything: a damaged session prints nothing partial.
      peers = JsonSessionFormat.write(session, OutputStream.nullOutputStream());
      note(keys, peers);
      warnIfTerminal();
      PrintWriter out = out();
      JsonSessionFormat.write(session, out);
      out.flush();
    } else {
      long[] written = new long[1];
      CredentialFile.write(
          outFile, stream -> written[0] = JsonSessionFormat.write(session, stream));
      peers = written[0];
      note(keys, peers);
      err().printf("wrote %s to %s%n", InfoCommand.plural(peers, "peer"), outFile);
    }
  }

  private void note(long keys, long peers) {
    err()
        .printf(
            "note: json carries everything: %s, %s and the updates state%n",
            InfoCommand.plural(keys, "auth key"), InfoCommand.plural(peers, "peer"));
  }

  private void exportString(Session session) throws IOException {
    int home = session.homeDcId();
    Optional<DcOption> homeOption = session.dcOption(home);
    if (homeOption.isEmpty() || homeOption.get().authKey() == null) {
      throw new IllegalArgumentException(
          "expected an auth key for the home DC "
              + home
              + " of "
              + show(uri)
              + ", found none: a string session is that key, so there is nothing to export"
              + " (log in with the session first)");
    }
    Map<PeerId, PeerInfo> peers = new java.util.HashMap<>();
    Optional<PeerInfo> self = session.peer(PeerId.selfUser());
    boolean carriesSelf =
        format == SessionFormat.PYROGRAM_STRING || format == SessionFormat.MTCUTE_STRING;
    if (carriesSelf) {
      self.ifPresent(user -> peers.put(user.peerId(), user));
    }
    // the family the home DC was given in, and (mtcute) the media DC: an IPv6 string comes back
    JsonSessionExtras extras = JsonSessionExtras.of(session);
    SessionData data =
        new SessionData(home, session.dcOptions(), peers, UpdatesState.empty())
            .withExtras(extras.mediaDcOptions(), Map.of(), Map.of(), extras.homeDcFamily());
    String text = ForeignFormats.encode(format, data, apiId == null ? 0 : apiId);
    root.secret(text);
    err().println("note: " + losses(session, self.isPresent()));
    if (format == SessionFormat.PYROGRAM_STRING && self.isEmpty()) {
      err()
          .println(
              "note: no self user is cached, so the string carries user_id 0, which Pyrogram"
                  + " takes as not logged in (it asks to log in again): cache the self user first"
                  + " if the string is for Pyrogram");
    }
    if (outFile == null) {
      warnIfTerminal();
      out().println(text);
      out().flush();
    } else {
      CredentialFile.write(
          outFile,
          stream -> {
            // exactly the string: a line break after it makes StringSession(open(f).read()) fail
            Writer writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            writer.write(text);
            writer.flush();
          });
      err().printf("wrote the %s to %s%n", format, outFile);
    }
  }

  private void exportSessionFile(Session session, Path file) throws IOException {
    Map<PeerId, PeerInfo> peers = new java.util.LinkedHashMap<>();
    try (java.util.stream.Stream<PeerInfo> all = session.peers()) {
      all.forEach(peer -> peers.put(peer.peerId(), peer));
    }
    JsonSessionExtras extras = JsonSessionExtras.of(session);
    SessionData data =
        new SessionData(session.homeDcId(), session.dcOptions(), peers, session.updatesState())
            .withExtras(
                extras.mediaDcOptions(),
                extras.tempAuthKeys(),
                extras.mediaTempAuthKeys(),
                extras.homeDcFamily());
    int version = telethonVersion == null ? TelethonSessionFile.VERSION : telethonVersion;
    boolean ipv6 = data.homeDcFamily() == AddressFamily.IPV6;
    ForeignFormats.writeSessionFile(format, file, data, version, apiId, force);
    long otherKeys =
        data.dcOptions().values().stream()
            .filter(o -> o.id() != data.homeDcId() && o.authKey() != null)
            .count();
    List<String> lost = new ArrayList<>();
    if (otherKeys > 0) {
      lost.add("the auth keys of " + InfoCommand.plural(otherKeys, "other DC"));
    }
    String carries;
    if (format == SessionFormat.TELETHON_FILE) {
      carries =
          "telethon-file (version "
              + version
              + ") carries the home DC's "
              + (ipv6 ? "IPv6" : "IPv4")
              + " address, port and auth key"
              + (version >= 8 ? " (and its temporary key)" : "")
              + ", every peer with its access hash, first username and phone, and the updates"
              + " state";
      lost.add("bot flags, self flag and channel kinds (Telethon keeps none)");
    } else {
      boolean kurigram = format == SessionFormat.KURIGRAM_FILE;
      carries =
          format
              + " carries the home DC id and its auth key, the self user's id and bot flag, "
              + (apiId == null ? "no api_id (pass --api-id)" : "api_id " + apiId)
              + ", every peer with its access hash, type, phone and "
              + (kurigram ? "all its usernames, and the updates state" : "first username");
      if (!kurigram && !data.updatesState().equals(UpdatesState.empty())) {
        lost.add("the updates state");
      }
      lost.add("the DC's address (Pyrogram uses its own table)");
    }
    err().println("note: " + carries + "; this export drops " + String.join(", ", lost));
    err().printf("wrote a %s to %s (readable by you only)%n", format, file);
  }

  /** What the string format drops from this session, counted. */
  private String losses(Session session, boolean hasSelf) {
    int home = session.homeDcId();
    List<String> lost = new ArrayList<>();
    long otherKeys =
        session.dcOptions().values().stream()
            .filter(o -> o.id() != home && o.authKey() != null)
            .count();
    long peers = session.peerCount();
    boolean keepsSelf =
        hasSelf
            && (format == SessionFormat.PYROGRAM_STRING || format == SessionFormat.MTCUTE_STRING);
    if (keepsSelf) {
      peers--;
    }
    if (peers > 0) {
      lost.add(InfoCommand.plural(peers, keepsSelf ? "other peer" : "peer"));
    }
    UpdatesState state = session.updatesState();
    if (!state.equals(UpdatesState.empty())) {
      lost.add("the updates state");
    }
    if (otherKeys > 0) {
      lost.add("the auth keys of " + InfoCommand.plural(otherKeys, "other DC"));
    }
    JsonSessionExtras extras = JsonSessionExtras.of(session);
    int media = extras.mediaDcOptions().size();
    if (media > 0 && format != SessionFormat.MTCUTE_STRING) {
      lost.add(InfoCommand.plural(media, "media DC address"));
    }
    long temporary = extras.tempAuthKeys().size() + extras.mediaTempAuthKeys().size();
    if (temporary > 0) {
      lost.add(InfoCommand.plural(temporary, "temporary key"));
    }
    String family =
        " (its "
            + (extras.homeDcFamily() == AddressFamily.IPV6 ? "IPv6" : "IPv4")
            + " address, the family the session was given it in, with its port)";
    String carries =
        switch (format) {
          case PYROGRAM_STRING ->
              "pyrogram-string carries the home DC id and its auth key, the api_id and the self"
                  + " user's id and bot flag"
                  + " (not the DC address: Pyrogram uses its own table)";
          case TELETHON_STRING ->
              "telethon-string carries the home DC's address" + family + " and auth key only";
          case MTCUTE_STRING ->
              "mtcute-string carries the home DC's address"
                  + family
                  + " and auth key, its media DC's address, test mode, and the self user's id and"
                  + " bot flag";
          default -> "gramjs-string carries the home DC's address" + family + " and auth key only";
        };
    return carries
        + (lost.isEmpty()
            ? "; this session holds nothing else, so nothing is lost"
            : "; this export drops " + String.join(", ", lost));
  }

  /** An encrypted session is exported with its keys in plain: the user's explicit choice, said. */
  private void warnIfDecrypted(Session session) {
    session
        .encryption()
        .flatMap(SessionEncryption::fingerprint)
        .ifPresent(
            fingerprint ->
                err()
                    .printf(
                        "warning: %s keeps its auth keys encrypted at rest (key fingerprint %s);"
                            + " this export holds them decrypted, in plain%n",
                        show(uri), fingerprint));
  }

  private void warnIfTerminal() {
    if (root.terminal().interactive()) {
      err()
          .println(
              "warning: the output is a credential: whoever holds it controls the account;"
                  + " prefer --out FILE (created readable by you only)");
    }
  }
}
