package dev.tgsession.mongo;

import dev.tgsession.AuthKey;
import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.StoredDcs;
import dev.tgsession.support.IpAddresses;
import dev.tgsession.support.QuotedValue;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.Document;
import org.bson.types.Binary;
import org.jspecify.annotations.Nullable;

/**
 * The document of the sessions collection, one per session name:
 *
 * <pre>
 * { _id: "bot", v: 1, homeDc: 4,
 *   dcs: { "4": { ipv4: "149.154.167.91", ipv4Port: 443, ipv6: "2001:67c:4e8:f004::a",
 *                 ipv6Port: 443, authKey: BinData(0, 256 bytes) } },
 *   updates: { pts: 10, qts: 0, date: 1700000000, seq: 3,
 *              channels: { "1234567890": 77 } },
 *   extras: { "home-family": BinData(0, ...), "media-dc:4": BinData(0, ...) },
 *   gen: "3f9c0d1e2a4b5c6d", fence: NumberLong(7), at: ISODate(...) }
 * </pre>
 *
 * <p>{@code extras} is the core's small name-to-bytes map (home DC family, media DCs, plain
 * temporary keys). {@code gen} names the generation the session's peers and names live under
 * ({@link #physicalKey}; absent: the session name itself): a replace stages a whole new generation
 * and switches to it by one write of this document. {@code fence} is the highest lease token that
 * may write the document: a leased write carries {@code fence <= its token} in its filter, and a
 * new lease holder raises it before it writes, so a paused old holder's write matches nothing and
 * writes nothing. {@code at} is the server's time of the document's last write (the directory's
 * "last write"). The document exists from the session's first write until it is deleted; {@code
 * clear()} empties it but keeps it (so the session stays listed).
 *
 * <p>DC options and channels are sub-documents keyed by id, so one {@code $set} of {@code "dcs.4"}
 * or {@code "updates.channels.1234567890"} changes exactly one entry atomically.
 *
 * <p>A session encrypted at rest ({@code encryption-key}) keeps no {@code authKey} in {@code dcs}:
 * the sealed keys are the {@code vault} field ({@code BinData}, see {@code KeyVault}), and the
 * document says {@code v: 2}, so a tgsession-mongo that predates the vault refuses it instead of
 * showing a logged-out session. A plain session's document stays {@code v: 1}.
 */
final class StateMongoCodec {

  /** The layout version of a plain session's document (no vault). */
  static final int VERSION = 1;

  /** The layout version of an encrypted session's document; the newest this code reads. */
  static final int VAULT_VERSION = 2;

  static final String VERSION_FIELD = "v";
  static final String HOME_DC = "homeDc";
  static final String DCS = "dcs";
  static final String UPDATES = "updates";
  static final String CHANNELS = "channels";
  static final String VAULT = "vault";
  static final String EXTRAS = "extras";
  static final String GEN = "gen";
  static final String FENCE = "fence";
  static final String AT = "at";

  /** Separates a session name from its generation: no session name has a control character. */
  static final char GENERATION_SEPARATOR = '\u0000';

  /** The {@code _id.s} of the peers and names of a session's generation. */
  static String physicalKey(String session, @Nullable String gen) {
    return gen == null ? session : session + GENERATION_SEPARATOR + gen;
  }

  /** The generation a session document points to, null for the session name itself. */
  static @Nullable String generation(@Nullable Document session) {
    Object gen = session == null ? null : session.get(GEN);
    return gen instanceof String text ? text : null;
  }

  /** The lease fence of a session document; 0 for none. */
  static long fenceOf(@Nullable Document session) {
    Number fence = session == null ? null : session.get(FENCE, Number.class);
    return fence == null ? 0 : fence.longValue();
  }

  /** The extras of a session document (name to bytes). */
  static Map<String, byte[]> extras(@Nullable Document session, String where) {
    if (session == null) {
      return Map.of();
    }
    checkVersion(session, where);
    Document extras = session.get(EXTRAS, Document.class);
    if (extras == null) {
      return Map.of();
    }
    Map<String, byte[]> out = new TreeMap<>();
    extras.forEach(
        (name, value) -> {
          if (!(value instanceof Binary binary)) {
            throw new IncompatibleSessionException(
                "expected extra '"
                    + QuotedValue.cut(name)
                    + "' of "
                    + where
                    + " as binary data, found "
                    + (value == null ? "null" : value.getClass().getSimpleName())
                    + "; was it written by another program?");
          }
          out.put(name, binary.getData());
        });
    return out;
  }

  /** The document of all DC options, keyed by id. */
  static Document dcOptions(Iterable<DcOption> options) {
    Document dcs = new Document();
    for (DcOption option : options) {
      dcs.append(Integer.toString(option.id()), dcOption(option));
    }
    return dcs;
  }

  private StateMongoCodec() {}

  static Document dcOption(DcOption option) {
    Document document =
        new Document("ipv4", option.ipv4().getAddress().getHostAddress())
            .append("ipv4Port", option.ipv4().getPort())
            .append("ipv6", option.ipv6().getAddress().getHostAddress())
            .append("ipv6Port", option.ipv6().getPort());
    AuthKey key = option.authKey();
    if (key != null) {
      document.append("authKey", new Binary(key.bytes()));
    }
    return document;
  }

  static Document updatesState(UpdatesState state) {
    Document channels = new Document();
    for (ChannelState channel : state.channels()) {
      channels.append(Long.toString(channel.id()), channel.pts());
    }
    return new Document("pts", state.pts())
        .append("qts", state.qts())
        .append("date", state.date())
        .append("seq", state.seq())
        .append(CHANNELS, channels);
  }

  /** The {@code $set} of one change to the updates state. */
  static Document updateStateSet(UpdateState update) {
    String prefix = UPDATES + ".";
    if (update instanceof UpdateState.All all) {
      return new Document(UPDATES, updatesState(all.state()));
    } else if (update instanceof UpdateState.Primary primary) {
      return new Document(prefix + "pts", primary.pts())
          .append(prefix + "date", primary.date())
          .append(prefix + "seq", primary.seq());
    } else if (update instanceof UpdateState.Secondary secondary) {
      return new Document(prefix + "qts", secondary.qts());
    }
    UpdateState.Channel channel = (UpdateState.Channel) update;
    return new Document(prefix + CHANNELS + "." + channel.id(), channel.pts());
  }

  /** Refuses a document written by a newer layout. */
  static void checkVersion(@Nullable Document session, String where) {
    if (session == null) {
      return;
    }
    Object version = session.get(VERSION_FIELD);
    if (version != null && (!(version instanceof Number n) || n.intValue() > VAULT_VERSION)) {
      throw new IncompatibleSessionException(
          "expected a session document of layout version "
              + VAULT_VERSION
              + " or older in "
              + where
              + ", found version "
              + version
              + "; use a newer tgsession-mongo to open it");
    }
  }

  /** The sealed auth keys of an encrypted session, or null for a plain one. */
  static byte @Nullable [] vault(@Nullable Document session, String where) {
    if (session == null) {
      return null;
    }
    checkVersion(session, where);
    Object vault = session.get(VAULT);
    if (vault == null) {
      return null;
    }
    if (vault instanceof Binary binary) {
      return binary.getData();
    }
    throw new IncompatibleSessionException(
        "expected the key vault of "
            + where
            + " as binary data, found a "
            + vault.getClass().getSimpleName()
            + "; was it written by another program?");
  }

  static StoredDcs storedDcs(@Nullable Document session, String where) {
    if (session == null) {
      return StoredDcs.NONE;
    }
    checkVersion(session, where);
    try {
      Number home = session.get(HOME_DC, Number.class);
      Map<Integer, DcOption> options = new TreeMap<>();
      Document dcs = session.get(DCS, Document.class);
      if (dcs != null) {
        for (Map.Entry<String, Object> entry : dcs.entrySet()) {
          int id = Integer.parseInt(entry.getKey());
          options.put(id, dcOption(id, (Document) entry.getValue(), where));
        }
      }
      return new StoredDcs(home == null ? 0 : home.intValue(), options);
    } catch (IncompatibleSessionException e) {
      throw e;
    } catch (RuntimeException e) {
      throw incompatible("DC options", where, e);
    }
  }

  private static DcOption dcOption(int id, Document document, String where) {
    Inet4Address ipv4 = literal(document.get("ipv4"), Inet4Address.class);
    Inet6Address ipv6 = literal(document.get("ipv6"), Inet6Address.class);
    if (ipv4 == null || ipv6 == null) {
      String field = ipv4 == null ? "ipv4" : "ipv6";
      throw new IncompatibleSessionException(
          "expected DC option "
              + id
              + " to store '"
              + field
              + "' as an IP"
              + (ipv4 == null ? "v4" : "v6")
              + " literal in "
              + where
              + ", found '"
              + QuotedValue.cut(String.valueOf(document.get(field)))
              + "' (host names are never resolved here); was it written by another program?");
    }
    Binary key = document.get("authKey", Binary.class);
    return new DcOption(
        id,
        new InetSocketAddress(ipv4, document.getInteger("ipv4Port")),
        new InetSocketAddress(ipv6, document.getInteger("ipv6Port")),
        key == null ? null : AuthKey.of(key.getData()));
  }

  /** An IP literal of one family ({@link IpAddresses#parseLiteral}: never a lookup), or null. */
  private static <A extends InetAddress> @Nullable A literal(
      @Nullable Object text, Class<A> family) {
    InetAddress address = text instanceof String string ? IpAddresses.parseLiteral(string) : null;
    return family.isInstance(address) ? family.cast(address) : null;
  }

  static UpdatesState updatesState(@Nullable Document session, String where) {
    if (session == null) {
      return UpdatesState.empty();
    }
    checkVersion(session, where);
    Document updates = session.get(UPDATES, Document.class);
    if (updates == null) {
      return UpdatesState.empty();
    }
    try {
      List<ChannelState> channels = new ArrayList<>();
      Document stored = updates.get(CHANNELS, Document.class);
      if (stored != null) {
        for (Map.Entry<String, Object> entry : stored.entrySet()) {
          channels.add(
              new ChannelState(
                  Long.parseLong(entry.getKey()), ((Number) entry.getValue()).intValue()));
        }
      }
      return new UpdatesState(
          intOrZero(updates, "pts"),
          intOrZero(updates, "qts"),
          intOrZero(updates, "date"),
          intOrZero(updates, "seq"),
          channels);
    } catch (RuntimeException e) {
      throw incompatible("updates state", where, e);
    }
  }

  private static int intOrZero(Document document, String field) {
    Number value = document.get(field, Number.class);
    return value == null ? 0 : value.intValue();
  }

  private static IncompatibleSessionException incompatible(
      String what, String where, Exception cause) {
    return new IncompatibleSessionException(
        "expected "
            + what
            + " written by tgsession in "
            + where
            + ", found a document it cannot read: "
            + QuotedValue.cut(cause.getMessage())
            + "; was it written by another program?",
        cause);
  }
}
