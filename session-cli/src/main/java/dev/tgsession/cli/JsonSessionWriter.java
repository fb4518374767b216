package dev.tgsession.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tgsession.AuthKey;
import dev.tgsession.ChannelKind;
import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.UpdatesState;
import java.io.IOException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** Writes the {@value JsonSessionFormat#FORMAT} document, streaming the peers. */
final class JsonSessionWriter {

  private static final HexFormat HEX = HexFormat.of();

  private JsonSessionWriter() {}

  static long write(SessionData data, JsonGenerator generator) throws IOException {
    return write(
        data.homeDcId(),
        data.dcOptions().values(),
        new JsonSessionExtras(
            data.homeDcFamily(),
            data.mediaDcOptions(),
            data.tempAuthKeys(),
            data.mediaTempAuthKeys()),
        data.updatesState(),
        data.peers().values().iterator(),
        generator);
  }

  static long write(Session session, JsonGenerator generator) throws IOException {
    try (Stream<PeerInfo> peers = session.peers()) {
      return write(
          session.homeDcId(),
          session.dcOptions().values(),
          JsonSessionExtras.of(session),
          session.updatesState(),
          peers.iterator(),
          generator);
    }
  }

  private static long write(
      int homeDcId,
      Collection<DcOption> dcOptions,
      JsonSessionExtras extras,
      UpdatesState state,
      Iterator<PeerInfo> peers,
      JsonGenerator out)
      throws IOException {
    out.setPrettyPrinter(new ExportPrettyPrinter());
    out.writeStartObject();
    out.writeStringField("format", JsonSessionFormat.FORMAT);
    out.writeNumberField("homeDcId", homeDcId);
    out.writeArrayFieldStart("dcOptions");
    for (DcOption option : dcOptions) {
      out.writeStartObject();
      out.writeNumberField("id", option.id());
      out.writeStringField("ipv4", JsonSessionFormat.hostPort(option.ipv4()));
      out.writeStringField("ipv6", JsonSessionFormat.hostPort(option.ipv6()));
      AuthKey key = option.authKey();
      out.writeStringField("authKey", key == null ? null : HEX.formatHex(key.bytes()));
      out.writeStringField("authKeyId", key == null ? null : JsonSessionFormat.keyIdHex(key));
      out.writeEndObject();
    }
    out.writeEndArray();
    extras.write(out);
    out.writeObjectFieldStart("updatesState");
    out.writeNumberField("pts", state.pts());
    out.writeNumberField("qts", state.qts());
    out.writeNumberField("date", state.date());
    out.writeNumberField("seq", state.seq());
    out.writeArrayFieldStart("channels");
    for (ChannelState channel : state.channels()) {
      out.writeStartObject();
      out.writeNumberField("id", channel.id());
      out.writeNumberField("pts", channel.pts());
      out.writeEndObject();
    }
    out.writeEndArray();
    out.writeEndObject();
    out.writeArrayFieldStart("peers");
    long count = 0;
    while (peers.hasNext()) {
      writePeer(peers.next(), out);
      count++;
    }
    out.writeEndArray();
    out.writeEndObject();
    out.writeRaw('\n');
    out.flush();
    return count;
  }

  private static void writePeer(PeerInfo peer, JsonGenerator out) throws IOException {
    out.writeStartObject();
    if (peer instanceof PeerInfo.User user) {
      out.writeStringField("type", "user");
      out.writeNumberField("id", user.id());
      writeAuth(user.auth(), out);
      writeBoolean("bot", user.bot(), out);
      writeBoolean("self", user.self(), out);
      writeUsernames(user.usernames(), out);
      out.writeStringField("phone", user.phone());
    } else if (peer instanceof PeerInfo.Chat chat) {
      out.writeStringField("type", "chat");
      out.writeNumberField("id", chat.id());
    } else if (peer instanceof PeerInfo.Channel channel) {
      out.writeStringField("type", "channel");
      out.writeNumberField("id", channel.id());
      writeAuth(channel.auth(), out);
      ChannelKind kind = channel.kind();
      out.writeStringField("kind", kind == null ? null : kind.name().toLowerCase(Locale.ROOT));
      writeUsernames(channel.usernames(), out);
    }
    out.writeEndObject();
  }

  private static void writeAuth(@Nullable PeerAuth auth, JsonGenerator out) throws IOException {
    out.writeStringField("accessHash", auth == null ? null : Long.toString(auth.accessHash()));
  }

  private static void writeBoolean(String name, @Nullable Boolean value, JsonGenerator out)
      throws IOException {
    out.writeFieldName(name);
    if (value == null) {
      out.writeNull();
    } else {
      out.writeBoolean(value);
    }
  }

  private static void writeUsernames(@Nullable List<String> usernames, JsonGenerator out)
      throws IOException {
    out.writeFieldName("usernames");
    if (usernames == null) {
      out.writeNull();
      return;
    }
    out.writeStartArray();
    for (String username : usernames) {
      out.writeString(username);
    }
    out.writeEndArray();
  }
}
