package dev.tgsession.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tgsession.AddressFamily;
import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.Session;
import dev.tgsession.TempAuthKey;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * What 0.3.0 sessions hold beyond 0.2.0's document, in optional fields (absent: none, IPv4): {@code
 * homeDcFamily} ("ipv6" when the home DC was given as IPv6), {@code mediaDcOptions} (DC options
 * without keys) and {@code tempAuthKeys} ({@code {dcId, media, authKey, expiresAt}}). A document
 * without them is the one 0.2.0 wrote and reads as before.
 */
record JsonSessionExtras(
    AddressFamily homeDcFamily,
    Map<Integer, DcOption> mediaDcOptions,
    Map<Integer, TempAuthKey> tempAuthKeys,
    Map<Integer, TempAuthKey> mediaTempAuthKeys) {

  static final JsonSessionExtras NONE =
      new JsonSessionExtras(AddressFamily.IPV4, Map.of(), Map.of(), Map.of());

  private static final HexFormat HEX = HexFormat.of();

  /**
   * The extras of an open session (unexpired temporary keys only). A backend built against the SPI
   * before 0.3.0 stores none ({@code loadExtras} unsupported): it has the defaults.
   */
  static JsonSessionExtras of(Session session) {
    Map<Integer, TempAuthKey> temp = new TreeMap<>();
    Map<Integer, TempAuthKey> mediaTemp = new TreeMap<>();
    try {
      for (int dc : session.dcOptions().keySet()) {
        session.tempAuthKey(dc, false).ifPresent(key -> temp.put(dc, key));
        session.tempAuthKey(dc, true).ifPresent(key -> mediaTemp.put(dc, key));
      }
      return new JsonSessionExtras(
          session.homeDcFamily(), session.mediaDcOptions(), temp, mediaTemp);
    } catch (UnsupportedOperationException olderBackend) {
      return NONE;
    }
  }

  /** The extras {@code data} carries. */
  static JsonSessionExtras of(dev.tgsession.SessionData data) {
    return new JsonSessionExtras(
        data.homeDcFamily(), data.mediaDcOptions(), data.tempAuthKeys(), data.mediaTempAuthKeys());
  }

  /** Whether there is nothing but the defaults (IPv4, no media DCs, no temporary keys). */
  boolean isNone() {
    return homeDcFamily == AddressFamily.IPV4
        && mediaDcOptions.isEmpty()
        && tempAuthKeys.isEmpty()
        && mediaTempAuthKeys.isEmpty();
  }

  /** Writes the fields that differ from {@link #NONE}. */
  void write(JsonGenerator out) throws IOException {
    if (homeDcFamily == AddressFamily.IPV6) {
      out.writeStringField("homeDcFamily", "ipv6");
    }
    if (!mediaDcOptions.isEmpty()) {
      out.writeArrayFieldStart("mediaDcOptions");
      for (DcOption option : mediaDcOptions.values()) {
        out.writeStartObject();
        out.writeNumberField("id", option.id());
        out.writeStringField("ipv4", JsonSessionFormat.hostPort(option.ipv4()));
        out.writeStringField("ipv6", JsonSessionFormat.hostPort(option.ipv6()));
        out.writeEndObject();
      }
      out.writeEndArray();
    }
    if (!tempAuthKeys.isEmpty() || !mediaTempAuthKeys.isEmpty()) {
      out.writeArrayFieldStart("tempAuthKeys");
      writeTemp(tempAuthKeys, false, out);
      writeTemp(mediaTempAuthKeys, true, out);
      out.writeEndArray();
    }
  }

  private static void writeTemp(Map<Integer, TempAuthKey> keys, boolean media, JsonGenerator out)
      throws IOException {
    for (Map.Entry<Integer, TempAuthKey> entry : keys.entrySet()) {
      out.writeStartObject();
      out.writeNumberField("dcId", entry.getKey());
      out.writeBooleanField("media", media);
      out.writeStringField("authKey", HEX.formatHex(entry.getValue().key().bytes()));
      out.writeStringField("expiresAt", entry.getValue().expiresAt().toString());
      out.writeEndObject();
    }
  }

  /** Reads {@code homeDcFamily}'s value. */
  static AddressFamily family(JsonParser parser, BiFunction<String, String, RuntimeException> fail)
      throws IOException {
    String text = parser.currentToken() == JsonToken.VALUE_STRING ? parser.getText() : "";
    return switch (text) {
      case "ipv4" -> AddressFamily.IPV4;
      case "ipv6" -> AddressFamily.IPV6;
      default -> throw fail.apply("expected homeDcFamily to be \"ipv4\" or \"ipv6\"", "");
    };
  }

  /** Reads {@code tempAuthKeys} into {@code main} and {@code media}. */
  static void tempKeys(
      JsonParser parser,
      Map<Integer, TempAuthKey> main,
      Map<Integer, TempAuthKey> media,
      BiFunction<String, String, RuntimeException> fail)
      throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw fail.apply("expected tempAuthKeys to be an array", "");
    }
    while (parser.nextToken() == JsonToken.START_OBJECT) {
      Integer dc = null;
      Boolean isMedia = null;
      String hex = null;
      String expires = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "dcId" ->
              dc =
                  value == JsonToken.VALUE_NUMBER_INT && parser.getIntValue() > 0
                      ? parser.getIntValue()
                      : null;
          case "media" -> isMedia = value.isBoolean() ? value == JsonToken.VALUE_TRUE : null;
          case "authKey" -> hex = value == JsonToken.VALUE_STRING ? parser.getText() : null;
          case "expiresAt" -> expires = value == JsonToken.VALUE_STRING ? parser.getText() : null;
          default ->
              throw fail.apply(
                  "unknown field in a temporary key",
                  "expected only dcId, media, authKey and expiresAt");
        }
      }
      TempAuthKey key = key(hex, expires);
      if (dc == null || isMedia == null || key == null) {
        throw fail.apply(
            "expected a temporary key with a positive dcId, media true or false, a 512-digit hex"
                + " authKey and an ISO-8601 expiresAt, found one without (not shown)",
            "export the session again");
      }
      if ((isMedia ? media : main).put(dc, key) != null) {
        throw fail.apply("expected one temporary key per DC and kind, found two for DC " + dc, "");
      }
    }
    if (parser.currentToken() != JsonToken.END_ARRAY) {
      throw fail.apply("expected each temporary key to be an object", "");
    }
  }

  private static @Nullable TempAuthKey key(@Nullable String hex, @Nullable String expires) {
    if (hex == null || expires == null || hex.length() != 2 * AuthKey.LENGTH) {
      return null;
    }
    try {
      return new TempAuthKey(AuthKey.of(HEX.parseHex(hex)), Instant.parse(expires));
    } catch (IllegalArgumentException | DateTimeException e) {
      return null;
    }
  }

  /**
   * Puts the extras into a session: the home DC with its family, media DCs, unexpired temporary
   * keys. With nothing but the defaults, sets the home DC only (which every backend stores).
   */
  void writeTo(Session target, int homeDcId) {
    if (isNone()) {
      target.setHomeDcId(homeDcId);
      return;
    }
    for (DcOption option : mediaDcOptions.values()) {
      target.setMediaDcOption(option);
    }
    Instant now = Instant.now();
    tempAuthKeys.forEach(
        (dc, key) -> {
          if (!key.expiredAt(now)) {
            target.setTempAuthKey(dc, false, key);
          }
        });
    mediaTempAuthKeys.forEach(
        (dc, key) -> {
          if (!key.expiredAt(now)) {
            target.setTempAuthKey(dc, true, key);
          }
        });
    target.setHomeDc(homeDcId, homeDcFamily);
  }
}
