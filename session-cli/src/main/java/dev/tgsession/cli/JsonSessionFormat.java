package dev.tgsession.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.tgsession.AuthKey;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.support.IpAddresses;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Objects;

/**
 * The {@value #FORMAT} JSON format: everything a session holds in one document, written and read as
 * a stream so that a session of a million peers never sits in memory as a tree.
 *
 * <pre>{@code
 * {
 *   "format": "tgsession-export/1",
 *   "homeDcId": 2,
 *   "dcOptions": [
 *     {"id": 2, "ipv4": "149.154.167.41:443", "ipv6": "[2001:67c:4e8:f002::a]:443",
 *      "authKey": "<512 hex digits>", "authKeyId": "<16 hex digits>"}
 *   ],
 *   "updatesState": {"pts": 1, "qts": 0, "date": 1700000000, "seq": 2,
 *                    "channels": [{"id": 1234567890, "pts": 77}]},
 *   "peers": [
 *     {"type": "user", "id": 42, "accessHash": "-123", "bot": false, "self": true,
 *      "usernames": ["alice"], "phone": "15550100"},
 *     {"type": "chat", "id": 7},
 *     {"type": "channel", "id": 1234567890, "accessHash": "99", "kind": "megagroup",
 *      "usernames": null}
 *   ]
 * }
 * }</pre>
 *
 * <p>{@code null} means "not known" and stays distinct from {@code false} and {@code []}. Access
 * hashes are decimal strings because 64-bit integers do not survive JSON readers that use doubles
 * (JavaScript, jq). Auth keys are secrets: an export is a credential. {@code "format"} must be the
 * first field; a missing field of a peer reads as {@code null}; unknown fields are rejected.
 */
public final class JsonSessionFormat {

  /** The value of the {@code "format"} field this class writes and reads. */
  public static final String FORMAT = "tgsession-export/1";

  static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(16)
                  .maxStringLength(4096)
                  .maxNumberLength(40)
                  .build())
          .build()
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
          .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);

  private JsonSessionFormat() {}

  /**
   * Writes everything {@code session} holds, streaming its peers.
   *
   * @return how many peers were written
   * @throws IOException if {@code out} fails; {@code out} is flushed, not closed
   */
  public static long write(Session session, OutputStream out) throws IOException {
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      return JsonSessionWriter.write(session, generator);
    }
  }

  /** Writes like {@link #write(Session, OutputStream)}, as characters. */
  public static long write(Session session, Writer out) throws IOException {
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      return JsonSessionWriter.write(session, generator);
    }
  }

  /**
   * Writes a {@link SessionData}.
   *
   * @return how many peers were written
   * @throws IOException if {@code out} fails; {@code out} is flushed, not closed
   */
  public static long write(SessionData data, OutputStream out) throws IOException {
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      return JsonSessionWriter.write(data, generator);
    }
  }

  /**
   * Reads a document into {@code target}: its peers are cached in batches as they are read; the DC
   * options, home DC and updates state are applied once the whole document has been read. Like
   * {@link dev.tgsession.Sessions#copy}, what {@code target} held and the document does not have is
   * kept.
   *
   * <p>If the document turns out malformed half-way, the peers before the fault are already cached
   * in {@code target}; call {@link #validate} first when that matters and the input can be read
   * twice, or read into a {@code memory:} session first.
   *
   * @return how many peers were read
   * @throws IncompatibleSessionException if the input is not a {@value #FORMAT} document; the
   *     message names the line and column, and never shows a key
   * @throws IOException if {@code in} fails
   */
  public static long read(InputStream in, Session target) throws IOException {
    Objects.requireNonNull(target, "target");
    try (JsonParser parser = FACTORY.createParser(in)) {
      return JsonSessionReader.into(parser, target);
    }
  }

  /** Reads like {@link #read(InputStream, Session)}, from characters. */
  public static long read(Reader in, Session target) throws IOException {
    Objects.requireNonNull(target, "target");
    try (JsonParser parser = FACTORY.createParser(in)) {
      return JsonSessionReader.into(parser, target);
    }
  }

  /**
   * Reads a whole document and checks it as {@link #read} would, storing nothing.
   *
   * @return how many peers the document holds
   * @throws IncompatibleSessionException if the input is not a {@value #FORMAT} document
   * @throws IOException if {@code in} fails
   */
  public static long validate(InputStream in) throws IOException {
    try (JsonParser parser = FACTORY.createParser(in)) {
      return JsonSessionReader.validate(parser);
    }
  }

  /**
   * Reads a whole document into a {@link SessionData}, all in memory: for tests and small sessions.
   *
   * @throws IncompatibleSessionException if the input is not a {@value #FORMAT} document
   * @throws IOException if {@code in} fails
   */
  public static SessionData readData(InputStream in) throws IOException {
    try (JsonParser parser = FACTORY.createParser(in)) {
      return JsonSessionReader.data(parser);
    }
  }

  /** Formats an auth key id as tgsession shows it: 16 lower-case hex digits. */
  public static String keyIdHex(AuthKey key) {
    return String.format(Locale.ROOT, "%016x", key.keyId());
  }

  /** {@code a.b.c.d:port} or {@code [x:y::z]:port}, IPv6 in the RFC 5952 form, no scope id. */
  static String hostPort(InetSocketAddress address) {
    return IpAddresses.toText(address);
  }
}
