package dev.tgsession.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.tgsession.AddressFamily;
import dev.tgsession.AuthKey;
import dev.tgsession.ChannelKind;
import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.TempAuthKey;
import dev.tgsession.UpdatesState;
import dev.tgsession.support.IpAddresses;
import dev.tgsession.support.QuotedValue;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Reads the {@value JsonSessionFormat#FORMAT} document in one pass, checking every value, into a
 * session, into memory, or nowhere (to validate it).
 */
final class JsonSessionReader {

  private static final String FORMAT = JsonSessionFormat.FORMAT;
  private static final String FORMAT_FAMILY = "tgsession-export/";
  private static final int BATCH_SIZE = 1000;
  private static final HexFormat HEX = HexFormat.of();

  private JsonSessionReader() {}

  static long into(JsonParser parser, Session target) throws IOException {
    return new DocumentReader(parser, new DocumentSink.Into(target)).read();
  }

  static long validate(JsonParser parser) throws IOException {
    return new DocumentReader(parser, DocumentSink.DISCARD).read();
  }

  static SessionData data(JsonParser parser) throws IOException {
    DocumentSink.Collect sink = new DocumentSink.Collect();
    new DocumentReader(parser, sink).read();
    return sink.data();
  }

  /** Where a reader puts what it has read. */
  /** One pass over one document. */
  private static final class DocumentReader {
    private static final String PEER_FIELDS =
        "type, id, accessHash, bot, self, usernames, phone, kind";

    private final JsonParser parser;
    private final DocumentSink sink;

    /** Where the object being read began: what a fault found at its end points to. */
    private @Nullable JsonLocation objectStart;

    DocumentReader(JsonParser parser, DocumentSink sink) {
      this.parser = parser;
      this.sink = sink;
    }

    long read() throws IOException {
      try {
        return document();
      } catch (JsonProcessingException e) {
        // Jackson's message quotes the offending text, which may be a key: show only where.
        JsonLocation where = e.getLocation();
        throw new IncompatibleSessionException(
            "expected a "
                + FORMAT
                + " JSON document, found malformed JSON"
                + (where == null
                    ? ""
                    : " at line " + where.getLineNr() + ", column " + where.getColumnNr())
                + "; is this a JSON export? (string sessions are imported with the"
                + " telethon-string, pyrogram-string or gramjs-string formats)");
      }
    }

    private long document() throws IOException {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw fail(
            "expected a " + FORMAT + " JSON document, found an empty input", "export it again");
      }
      if (first != JsonToken.START_OBJECT || parser.nextToken() != JsonToken.FIELD_NAME) {
        throw notAnExport();
      }
      if (!"format".equals(parser.currentName())) {
        throw notAnExport();
      }
      String format = parser.nextToken() == JsonToken.VALUE_STRING ? parser.getText() : null;
      if (format == null || !format.startsWith(FORMAT_FAMILY)) {
        throw notAnExport();
      }
      if (!format.equals(FORMAT)) {
        throw fail(
            "expected format '" + FORMAT + "', found '" + QuotedValue.cut(format) + "'",
            "this tgsession reads "
                + FORMAT
                + " only; use the tgsession version that wrote the file, or a newer one");
      }
      Integer homeDcId = null;
      Map<Integer, DcOption> dcOptions = null;
      UpdatesState state = null;
      long peers = -1;
      AddressFamily family = AddressFamily.IPV4;
      Map<Integer, DcOption> media = Map.of();
      Map<Integer, TempAuthKey> temp = new TreeMap<>();
      Map<Integer, TempAuthKey> mediaTemp = new TreeMap<>();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        switch (name) {
          case "homeDcId" -> homeDcId = positiveInt("homeDcId");
          case "dcOptions" -> dcOptions = dcOptions();
          case "updatesState" -> state = updatesState();
          case "peers" -> peers = peers();
          case "homeDcFamily" -> family = JsonSessionExtras.family(parser, this::fail);
          case "mediaDcOptions" -> media = dcOptions();
          case "tempAuthKeys" -> JsonSessionExtras.tempKeys(parser, temp, mediaTemp, this::fail);
          default ->
              throw fail(
                  "unknown field '" + QuotedValue.cut(name) + "' in the document",
                  "expected only format, homeDcId, homeDcFamily, dcOptions, mediaDcOptions,"
                      + " tempAuthKeys, updatesState and peers");
        }
      }
      if (homeDcId == null || dcOptions == null || state == null || peers < 0) {
        throw fail(
            "expected the fields homeDcId, dcOptions, updatesState and peers, found "
                + (homeDcId == null ? "no homeDcId" : "")
                + (dcOptions == null ? " no dcOptions" : "")
                + (state == null ? " no updatesState" : "")
                + (peers < 0 ? " no peers" : ""),
            "export the session again");
      }
      if (parser.nextToken() != null) {
        throw fail("expected the end of the input after the document, found more", "");
      }
      sink.finish(
          homeDcId,
          dcOptions.values(),
          state,
          new JsonSessionExtras(family, media, temp, mediaTemp));
      return peers;
    }

    private IncompatibleSessionException notAnExport() {
      return fail(
          "expected a tgsession export starting with {\"format\": \""
              + FORMAT
              + "\", found "
              + describe(parser.currentToken()),
          "is this a JSON export written by tgsession export --format json?");
    }

    private Map<Integer, DcOption> dcOptions() throws IOException {
      expect(JsonToken.START_ARRAY, "dcOptions to be an array");
      Map<Integer, DcOption> options = new TreeMap<>();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        DcOption option = dcOption();
        if (options.put(option.id(), option) != null) {
          throw fail("expected one entry per DC in dcOptions, found two for DC " + option.id(), "");
        }
      }
      return options;
    }

    private DcOption dcOption() throws IOException {
      expect(JsonToken.START_OBJECT, "each DC option to be an object");
      objectStart = parser.currentTokenLocation();
      Integer id = null;
      InetSocketAddress ipv4 = null;
      InetSocketAddress ipv6 = null;
      AuthKey key = null;
      String keyId = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        switch (name) {
          case "id" -> id = positiveInt("id");
          case "ipv4" -> ipv4 = address("ipv4", false);
          case "ipv6" -> ipv6 = address("ipv6", true);
          case "authKey" -> key = authKey();
          case "authKeyId" -> keyId = nullableString("authKeyId");
          default ->
              throw fail(
                  "unknown field '" + QuotedValue.cut(name) + "' in a DC option",
                  "expected only id, ipv4, ipv6, authKey and authKeyId");
        }
      }
      if (id == null || ipv4 == null || ipv6 == null) {
        throw fail("expected a DC option with id, ipv4 and ipv6, found one without", "");
      }
      if (keyId != null
          && (key == null || !keyId.equalsIgnoreCase(JsonSessionFormat.keyIdHex(key)))) {
        throw fail(
            "expected authKeyId to match the auth key of DC "
                + id
                + ", found "
                + (key == null ? "no key" : "another id")
                + "; the key was altered or truncated",
            "export the session again");
      }
      int dc = id;
      InetSocketAddress v4 = ipv4;
      InetSocketAddress v6 = ipv6;
      AuthKey authKey = key;
      return build(() -> new DcOption(dc, v4, v6, authKey));
    }

    private @Nullable AuthKey authKey() throws IOException {
      if (parser.currentToken() == JsonToken.VALUE_NULL) {
        return null;
      }
      String hex = parser.currentToken() == JsonToken.VALUE_STRING ? parser.getText() : null;
      if (hex == null || hex.length() != AuthKey.LENGTH * 2 || !isHex(hex)) {
        // Never echo the value: it may be most of a key.
        throw fail(
            "expected authKey to be "
                + AuthKey.LENGTH * 2
                + " hex digits or null, found "
                + (hex == null
                    ? describe(parser.currentToken())
                    : "a string of " + hex.length() + " characters"),
            "");
      }
      return AuthKey.of(HEX.parseHex(hex));
    }

    private static boolean isHex(String text) {
      for (int i = 0; i < text.length(); i++) {
        if (Character.digit(text.charAt(i), 16) < 0) {
          return false;
        }
      }
      return true;
    }

    /** One of the DC option's addresses, through the one IP-literal parser (never a lookup). */
    private InetSocketAddress address(String name, boolean ipv6) throws IOException {
      String form = ipv6 ? "'[x:y::z]:port'" : "'a.b.c.d:port'";
      if (parser.currentToken() != JsonToken.VALUE_STRING) {
        throw fail(
            "expected " + name + " to be " + form + ", found " + describe(parser.currentToken()),
            "");
      }
      String text = parser.getText();
      InetSocketAddress address;
      try {
        address = IpAddresses.socketAddress(text, name);
      } catch (IllegalArgumentException e) {
        throw fail(e.getMessage(), "");
      }
      if (address.getPort() == 0) {
        throw fail("expected a port in 1..65535 in " + name + ", found 0", "");
      }
      if (ipv6 != address.getAddress() instanceof Inet6Address) {
        throw fail(
            "expected " + name + " to be " + form + ", found '" + QuotedValue.cut(text) + "'", "");
      }
      return address;
    }

    private UpdatesState updatesState() throws IOException {
      expect(JsonToken.START_OBJECT, "updatesState to be an object");
      int pts = 0;
      int qts = 0;
      int date = 0;
      int seq = 0;
      List<ChannelState> channels = List.of();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        switch (name) {
          case "pts" -> pts = intValue("pts");
          case "qts" -> qts = intValue("qts");
          case "date" -> date = intValue("date");
          case "seq" -> seq = intValue("seq");
          case "channels" -> channels = channels();
          default ->
              throw fail(
                  "unknown field '" + QuotedValue.cut(name) + "' in updatesState",
                  "expected only pts, qts, date, seq and channels");
        }
      }
      int p = pts;
      int q = qts;
      int d = date;
      int s = seq;
      List<ChannelState> c = channels;
      return build(() -> new UpdatesState(p, q, d, s, c));
    }

    private List<ChannelState> channels() throws IOException {
      expect(JsonToken.START_ARRAY, "channels to be an array");
      List<ChannelState> channels = new ArrayList<>();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        expect(JsonToken.START_OBJECT, "each channel state to be an object");
        objectStart = parser.currentTokenLocation();
        Long id = null;
        Integer pts = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          switch (name) {
            case "id" -> id = longValue("id");
            case "pts" -> pts = intValue("pts");
            default ->
                throw fail(
                    "unknown field '" + QuotedValue.cut(name) + "' in a channel state",
                    "expected only id and pts");
          }
        }
        if (id == null || pts == null) {
          throw fail("expected a channel state with id and pts, found one without", "");
        }
        long i = id;
        int p = pts;
        channels.add(build(() -> new ChannelState(i, p)));
      }
      return channels;
    }

    private long peers() throws IOException {
      expect(JsonToken.START_ARRAY, "peers to be an array");
      long count = 0;
      List<PeerInfo> batch = new ArrayList<>(BATCH_SIZE);
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        batch.add(peer());
        count++;
        if (batch.size() == BATCH_SIZE) {
          sink.peers(batch);
          batch = new ArrayList<>(BATCH_SIZE);
        }
      }
      if (!batch.isEmpty()) {
        sink.peers(batch);
      }
      return count;
    }

    private PeerInfo peer() throws IOException {
      expect(JsonToken.START_OBJECT, "each peer to be an object");
      objectStart = parser.currentTokenLocation();
      String type = null;
      Long id = null;
      PeerAuth auth = null;
      Boolean bot = null;
      Boolean self = null;
      List<String> usernames = null;
      String phone = null;
      String kind = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        switch (name) {
          case "type" -> type = nullableString("type");
          case "id" -> id = longValue("id");
          case "accessHash" -> auth = accessHash();
          case "bot" -> bot = nullableBoolean("bot");
          case "self" -> self = nullableBoolean("self");
          case "usernames" -> usernames = usernames();
          case "phone" -> phone = nullableString("phone");
          case "kind" -> kind = nullableString("kind");
          default ->
              throw fail(
                  "unknown field '" + QuotedValue.cut(name) + "' in a peer",
                  "expected only " + PEER_FIELDS);
        }
      }
      if (type == null || id == null) {
        throw fail("expected a peer with type and id, found one without", "");
      }
      long bareId = id;
      PeerAuth peerAuth = auth;
      List<String> names = usernames;
      switch (type) {
        case "user" -> {
          notFor("user", "kind", kind);
          Boolean b = bot;
          Boolean s = self;
          String ph = phone;
          return build(() -> new PeerInfo.User(bareId, peerAuth, b, s, names, ph));
        }
        case "chat" -> {
          notFor("chat", "accessHash", auth);
          notFor("chat", "bot", bot);
          notFor("chat", "self", self);
          notFor("chat", "usernames", usernames);
          notFor("chat", "phone", phone);
          notFor("chat", "kind", kind);
          return build(() -> new PeerInfo.Chat(bareId));
        }
        case "channel" -> {
          notFor("channel", "bot", bot);
          notFor("channel", "self", self);
          notFor("channel", "phone", phone);
          ChannelKind channelKind = kind == null ? null : channelKind(kind);
          return build(() -> new PeerInfo.Channel(bareId, peerAuth, channelKind, names));
        }
        default ->
            throw fail(
                "expected a peer type user, chat or channel, found '" + QuotedValue.cut(type) + "'",
                "");
      }
    }

    private void notFor(String type, String field, @Nullable Object value) {
      if (value != null) {
        throw fail(
            "expected no "
                + field
                + " in a "
                + type
                + ", found "
                + QuotedValue.cut(String.valueOf(value)),
            "");
      }
    }

    private ChannelKind channelKind(String kind) {
      for (ChannelKind candidate : ChannelKind.values()) {
        if (candidate.name().toLowerCase(Locale.ROOT).equals(kind)) {
          return candidate;
        }
      }
      throw fail(
          "expected a channel kind broadcast, megagroup, gigagroup or null, found '"
              + QuotedValue.cut(kind)
              + "'",
          "");
    }

    private @Nullable PeerAuth accessHash() throws IOException {
      String text = nullableString("accessHash");
      if (text == null) {
        return null;
      }
      try {
        return new PeerAuth(Long.parseLong(text));
      } catch (NumberFormatException e) {
        throw fail(
            "expected accessHash to be a signed 64-bit integer as a decimal string, found '"
                + QuotedValue.cut(text)
                + "'",
            "");
      }
    }

    private @Nullable List<String> usernames() throws IOException {
      if (parser.currentToken() == JsonToken.VALUE_NULL) {
        return null;
      }
      expect(JsonToken.START_ARRAY, "usernames to be an array of strings or null");
      List<String> usernames = new ArrayList<>();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        expect(JsonToken.VALUE_STRING, "usernames to be an array of strings or null");
        usernames.add(parser.getText());
      }
      return usernames;
    }

    private @Nullable String nullableString(String name) throws IOException {
      return switch (parser.currentToken()) {
        case VALUE_NULL -> null;
        case VALUE_STRING -> parser.getText();
        default ->
            throw fail(
                "expected " + name + " to be a string or null, found " + describe(token()), "");
      };
    }

    private @Nullable Boolean nullableBoolean(String name) {
      return switch (token()) {
        case VALUE_NULL -> null;
        case VALUE_TRUE -> Boolean.TRUE;
        case VALUE_FALSE -> Boolean.FALSE;
        default ->
            throw fail(
                "expected " + name + " to be true, false or null, found " + describe(token()), "");
      };
    }

    private int positiveInt(String name) throws IOException {
      int value = intValue(name);
      if (value <= 0) {
        throw fail("expected " + name + " to be positive, found " + value, "");
      }
      return value;
    }

    private int intValue(String name) throws IOException {
      if (token() != JsonToken.VALUE_NUMBER_INT
          || parser.getNumberType() != JsonParser.NumberType.INT) {
        throw fail(
            "expected " + name + " to be a 32-bit whole number, found " + describe(token()), "");
      }
      return parser.getIntValue();
    }

    private long longValue(String name) throws IOException {
      JsonParser.NumberType type =
          token() == JsonToken.VALUE_NUMBER_INT ? parser.getNumberType() : null;
      if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
        throw fail(
            "expected " + name + " to be a 64-bit whole number, found " + describe(token()), "");
      }
      return parser.getLongValue();
    }

    private JsonToken token() {
      return parser.currentToken();
    }

    private void expect(JsonToken token, String what) {
      if (parser.currentToken() != token) {
        throw fail("expected " + what + ", found " + describe(parser.currentToken()), "");
      }
    }

    private <T> T build(java.util.function.Supplier<T> constructor) {
      try {
        return constructor.get();
      } catch (IllegalArgumentException e) {
        throw fail(e.getMessage(), "");
      }
    }

    private String describe(@Nullable JsonToken token) {
      if (token == null) {
        return "the end of the input";
      }
      return switch (token) {
        case START_OBJECT -> "an object";
        case START_ARRAY -> "an array";
        case END_OBJECT -> "the end of an object";
        case END_ARRAY -> "the end of an array";
        case FIELD_NAME -> "a field name";
        case VALUE_STRING -> "a string";
        case VALUE_NUMBER_INT -> "a whole number";
        case VALUE_NUMBER_FLOAT -> "a fraction";
        case VALUE_TRUE, VALUE_FALSE -> "a boolean";
        case VALUE_NULL -> "null";
        default -> token.toString();
      };
    }

    private IncompatibleSessionException fail(String message, String advice) {
      JsonLocation where =
          parser.currentToken() == JsonToken.END_OBJECT && objectStart != null
              ? objectStart
              : parser.currentTokenLocation();
      return new IncompatibleSessionException(
          message
              + " at line "
              + where.getLineNr()
              + ", column "
              + where.getColumnNr()
              + (advice.isEmpty() ? "" : "; " + advice));
    }
  }
}
