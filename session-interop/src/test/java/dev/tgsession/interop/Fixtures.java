package dev.tgsession.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/** The committed fixtures of src/test/resources/interop, made by fixtures/interop/*. */
final class Fixtures {
  private Fixtures() {}

  /** One session of a manifest; {@code toString} is its name, so test reports stay readable. */
  record Entry(String name, String string, JsonNode values) {
    int integer(String field) {
      return values.get(field).asInt();
    }

    String text(String field) {
      return values.get(field).asText();
    }

    boolean flag(String field) {
      return values.get(field).asBoolean();
    }

    long unsignedLong(String field) {
      return Long.parseUnsignedLong(values.get(field).asText());
    }

    byte[] key() {
      return HexFormat.of().parseHex(text("keyHex"));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static List<Entry> telethon() {
    return read("telethon-strings.json");
  }

  static List<Entry> gramJs() {
    return read("gramjs-strings.json");
  }

  static List<Entry> pyrogram() {
    return read("pyrogram-strings.json");
  }

  /**
   * mtcute v3 strings made by @mtcute/core and @mtcute/convert
   * (fixtures/interop/mtcute_fixtures.js).
   */
  static List<Entry> mtcute() {
    return read("mtcute-strings.json");
  }

  /** Telethon, GramJS and Pyrogram strings made by @mtcute/convert's converters (and GramJS). */
  static List<Entry> converted() {
    return read("converted-strings.json");
  }

  static List<Entry> converted(String format) {
    return converted().stream().filter(e -> e.text("format").equals(format)).toList();
  }

  static Entry named(List<Entry> entries, String name) {
    return entries.stream()
        .filter(entry -> entry.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no fixture " + name));
  }

  private static List<Entry> read(String file) {
    try (InputStream in =
        Objects.requireNonNull(
            Fixtures.class.getResourceAsStream("/interop/" + file), "missing fixture " + file)) {
      JsonNode root = new ObjectMapper().readTree(in);
      List<Entry> entries = new ArrayList<>();
      for (JsonNode session : root.get("sessions")) {
        entries.add(
            new Entry(session.get("name").asText(), session.get("string").asText(), session));
      }
      return List.copyOf(entries);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
