package dev.tgsession.cli;

import dev.tgsession.AuthKey;
import dev.tgsession.ChannelKind;
import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionEncryption;
import dev.tgsession.SessionLease;
import dev.tgsession.SessionLeasing;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.SessionUri;
import dev.tgsession.support.IpAddresses;
import dev.tgsession.support.QuotedValue;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    header =
        "Show home DC, DC key ids, encryption, lease, self user, peer counts and updates state.",
    name = "info",
    description = {
      "%nShows what a session holds: the home DC, each DC with the id of its auth key (never the key), whether the auth keys are encrypted at rest (and the key's fingerprint), who holds its lease and until when, the self user, peer counts by kind and the updates state.",
      "The session is only read: nothing is created, converted or written."
    })
final class InfoCommand extends SessionCommand {

  /** How many channel states are listed before the rest is summarised. */
  private static final int CHANNELS_SHOWN = 10;

  @Parameters(
      index = "0",
      paramLabel = "URI",
      description = "The session, e.g. sqlite:bot.session.")
  String uri;

  @Override
  public Integer call() {
    // Everything is read before anything is printed: a damaged session prints nothing partial.
    StringWriter text = new StringWriter();
    try (Session session = openReadOnly(uri)) {
      PrintWriter out = new PrintWriter(text);
      out.printf("session    %s%n", show(uri));
      out.printf("home DC    %d%n", session.homeDcId());
      for (DcOption option : session.dcOptions().values()) {
        AuthKey key = option.authKey();
        out.printf(
            Locale.ROOT,
            "DC %-7d %-21s %-30s %s%s%n",
            option.id(),
            IpAddresses.toText(option.ipv4()),
            IpAddresses.toText(option.ipv6()),
            key == null ? "no auth key" : "auth key id " + String.format("%016x", key.keyId()),
            option.id() == session.homeDcId() ? " (home)" : "");
      }
      out.printf("encryption %s%n", encryption(session));
      out.printf("lease      %s%n", lease(session));
      out.printf(
          "self user  %s%n",
          session.peer(PeerId.selfUser()).map(InfoCommand::describeSelf).orElse("none"));
      out.printf("peers      %s%n", counts(session));
      UpdatesState state = session.updatesState();
      out.printf(
          Locale.ROOT,
          "updates    pts %d, qts %d, date %d%s, seq %d%n",
          state.pts(),
          state.qts(),
          state.date(),
          state.date() == 0 ? "" : " (" + Instant.ofEpochSecond(state.date()) + ")",
          state.seq());
      List<ChannelState> channels = state.channels();
      List<String> shown = new ArrayList<>();
      for (ChannelState channel : channels.subList(0, Math.min(CHANNELS_SHOWN, channels.size()))) {
        shown.add(channel.id() + " pts " + channel.pts());
      }
      if (channels.size() > CHANNELS_SHOWN) {
        shown.add("... and " + (channels.size() - CHANNELS_SHOWN) + " more");
      }
      out.printf(
          "channels   %d%s%n",
          channels.size(), shown.isEmpty() ? "" : ": " + String.join(", ", shown));
      out.flush();
    }
    out().print(text);
    out().flush();
    return 0;
  }

  private String encryption(Session session) {
    String scheme = SessionUri.parse(uri).scheme();
    Optional<SessionEncryption> encryption = session.encryption();
    if (encryption.isEmpty()) {
      return "not supported by the " + scheme + ": backend (auth keys stored plain)";
    }
    return encryption
        .get()
        .fingerprint()
        .map(fingerprint -> "auth keys encrypted at rest, key fingerprint " + fingerprint)
        .orElse(
            "none: auth keys stored plain (tgsession rekey URI --to-key env:NAME encrypts them)");
  }

  private String lease(Session session) {
    String scheme = SessionUri.parse(uri).scheme();
    Optional<SessionLeasing> leasing = session.leasing();
    if (leasing.isEmpty()) {
      return "not supported by the " + scheme + ": backend";
    }
    Optional<SessionLease> lease = leasing.get().current();
    return lease
        .map(
            held ->
                "held by '"
                    + QuotedValue.cut(held.owner())
                    + "' until "
                    + held.expiresAt()
                    + " (token "
                    + held.token()
                    + ")")
        .orElse("none held");
  }

  private static String describeSelf(PeerInfo peer) {
    PeerInfo.User user = (PeerInfo.User) peer;
    StringBuilder line = new StringBuilder(Long.toString(user.id()));
    if (Boolean.TRUE.equals(user.bot())) {
      line.append(" (bot)");
    }
    if (user.usernames() != null && !user.usernames().isEmpty()) {
      line.append(" @").append(user.usernames().get(0));
    }
    return line.toString();
  }

  private static String counts(Session session) {
    long users = 0;
    long bots = 0;
    long chats = 0;
    long channels = 0;
    long[] channelKinds = new long[ChannelKind.values().length];
    long unknownKind = 0;
    try (Stream<PeerInfo> peers = session.peers()) {
      for (PeerInfo peer : (Iterable<PeerInfo>) peers::iterator) {
        if (peer instanceof PeerInfo.User user) {
          users++;
          if (Boolean.TRUE.equals(user.bot())) {
            bots++;
          }
        } else if (peer instanceof PeerInfo.Chat) {
          chats++;
        } else if (peer instanceof PeerInfo.Channel channel) {
          channels++;
          if (channel.kind() == null) {
            unknownKind++;
          } else {
            channelKinds[channel.kind().ordinal()]++;
          }
        }
      }
    }
    List<String> kinds = new ArrayList<>();
    for (ChannelKind kind : ChannelKind.values()) {
      if (channelKinds[kind.ordinal()] > 0) {
        kinds.add(channelKinds[kind.ordinal()] + " " + kind.name().toLowerCase(Locale.ROOT));
      }
    }
    if (unknownKind > 0) {
      kinds.add(unknownKind + " of unknown kind");
    }
    return (users + chats + channels)
        + " ("
        + plural(users, "user")
        + (bots > 0 ? " of which " + plural(bots, "bot") : "")
        + ", "
        + plural(chats, "chat")
        + ", "
        + plural(channels, "channel")
        + (kinds.isEmpty() ? "" : ": " + String.join(", ", kinds))
        + ")";
  }

  static String plural(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}
