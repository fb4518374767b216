package dev.tgsession.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The session files fixtures/interop/session_files.py made with Telethon 1.25.1, Pyrogram and
 * Kurigram, and its manifest of what each library reads back from them.
 */
final class SessionFileFixtures {
  static final Path DIR = Path.of("..", "fixtures", "interop", "session-files");

  private static JsonNode manifest;

  private SessionFileFixtures() {}

  static synchronized JsonNode manifest() {
    if (manifest == null) {
      try {
        manifest = new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return manifest;
  }

  static Path file(String name) {
    return DIR.resolve(name);
  }

  /** A copy of the fixture in {@code dir}, so that a test can never change the committed one. */
  static Path copy(String name, Path dir) throws IOException {
    Path copy = dir.resolve(name);
    Files.copy(file(name), copy);
    return copy;
  }

  /** The Telethon files that Telethon 1.25.1 opens: versions 1 to 7. */
  static List<String> telethonFiles() {
    return List.of(
        "telethon-v1.session",
        "telethon-v2.session",
        "telethon-v3.session",
        "telethon-v4.session",
        "telethon-v5.session",
        "telethon-v6.session",
        "telethon-v7-ipv4.session",
        "telethon-v7-ipv6.session");
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
