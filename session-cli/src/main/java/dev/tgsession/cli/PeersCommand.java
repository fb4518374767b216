package dev.tgsession.cli;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(
    header = "List the cached peers.",
    name = "peers",
    description = {
      "%nLists the cached peers: id (Bot API form), kind, access hash, bot and self flags, phone, usernames. ? marks what the session does not know.",
      "The session is only read: nothing is created, converted or written."
    })
final class PeersCommand extends SessionCommand {

  /** The peer kinds {@code --kind} accepts. */
  enum Kind {
    USER,
    CHAT,
    CHANNEL
  }

  private static final String ROW = "%-15s %-8s %-10s %-21s %-5s %-5s %-15s %s%n";

  @Parameters(
      index = "0",
      paramLabel = "URI",
      description = "The session, e.g. sqlite:bot.session.")
  String uri;

  @Option(
      names = "--kind",
      paramLabel = "KIND",
      description = "Only peers of this kind: user, chat or channel.")
  @Nullable Kind kind;

  @Option(
      names = "--username",
      paramLabel = "NAME",
      description = "Only the peer that owns this username ('@' optional, any case).")
  @Nullable String username;

  @Option(names = "--limit", paramLabel = "N", description = "List at most N peers.")
  @Nullable Long limit;

  @Override
  public Integer call() {
    if (limit != null && limit < 0) {
      throw new ParameterException(
          spec.commandLine(), "expected --limit to be 0 or more, found " + limit);
    }
    try (Session session = openReadOnly(uri)) {
      // A first pass reads (and so checks) every row listed: a damaged session prints nothing.
      list(session, peer -> {});
      PrintWriter out = out();
      out.printf(ROW, "ID", "KIND", "SUBTYPE", "ACCESS HASH", "BOT", "SELF", "PHONE", "USERNAMES");
      long listed = list(session, peer -> row(peer, out));
      out.flush();
      err().printf("%s listed%n", InfoCommand.plural(listed, "peer"));
    }
    return 0;
  }

  private long list(Session session, Consumer<PeerInfo> action) {
    long listed = 0;
    if (username != null) {
      Optional<PeerInfo> owner = session.peerByUsername(username);
      if (owner.isPresent() && matches(owner.get()) && (limit == null || limit > 0)) {
        action.accept(owner.get());
        listed++;
      }
      return listed;
    }
    try (Stream<PeerInfo> peers = session.peers()) {
      Stream<PeerInfo> selected = peers.filter(this::matches);
      if (limit != null) {
        selected = selected.limit(limit);
      }
      for (PeerInfo peer : (Iterable<PeerInfo>) selected::iterator) {
        action.accept(peer);
        listed++;
      }
    }
    return listed;
  }

  private boolean matches(PeerInfo peer) {
    if (kind == null) {
      return true;
    }
    return switch (kind) {
      case USER -> peer instanceof PeerInfo.User;
      case CHAT -> peer instanceof PeerInfo.Chat;
      case CHANNEL -> peer instanceof PeerInfo.Channel;
    };
  }

  private static void row(PeerInfo peer, PrintWriter out) {
    if (peer instanceof PeerInfo.User user) {
      out.printf(
          ROW,
          peer.peerId(),
          "user",
          user.bot() == null ? "?" : user.bot() ? "bot" : "person",
          hash(user.auth()),
          flag(user.bot()),
          flag(user.self()),
          user.phone() == null ? "?" : "+" + user.phone(),
          usernames(user.usernames()));
    } else if (peer instanceof PeerInfo.Channel channel) {
      out.printf(
          ROW,
          peer.peerId(),
          "channel",
          channel.kind() == null ? "?" : channel.kind().name().toLowerCase(Locale.ROOT),
          hash(channel.auth()),
          "-",
          "-",
          "-",
          usernames(channel.usernames()));
    } else {
      out.printf(ROW, peer.peerId(), "chat", "-", "-", "-", "-", "-", "-");
    }
  }

  private static String hash(@Nullable PeerAuth auth) {
    return auth == null ? "?" : Long.toString(auth.accessHash());
  }

  private static String flag(@Nullable Boolean value) {
    return value == null ? "?" : value ? "yes" : "no";
  }

  private static String usernames(@Nullable List<String> usernames) {
    if (usernames == null) {
      return "?";
    }
    if (usernames.isEmpty()) {
      return "-";
    }
    return "@" + String.join(" @", usernames);
  }
}
