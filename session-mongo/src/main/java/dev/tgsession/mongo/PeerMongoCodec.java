package dev.tgsession.mongo;

import dev.tgsession.ChannelKind;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import java.util.List;
import java.util.Locale;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.Document;
import org.jspecify.annotations.Nullable;

/**
 * The documents of the peers and names collections. Peers: one per (session, peer), {@code _id: {s:
 * physical key, p: Bot API dialog id}}, and only the components that are known:
 *
 * <pre>
 * { _id: {s: "bot", p: NumberLong(-1001234567890)}, kind: "channel", hash: NumberLong(...),
 *   channelKind: "megagroup", usernames: ["news"] }
 * { _id: {s: "bot", p: NumberLong(42)}, kind: "user", hash: NumberLong(...), bot: false,
 *   self: true, selfAt: Timestamp(...), usernames: [], phone: "15550100" }
 * </pre>
 *
 * <p>{@code at} is when the peer was last cached (nanoseconds since the epoch, from the writer's
 * clock): every merge sets it, so a merge that keeps the hash still refreshes it.
 *
 * <p>Each physical key ({@code _id.s}: the session name, or the name and a generation after a
 * replace, see {@link StateMongoCodec#physicalKey}) has one marker document, {@code {_id: {s: KEY,
 * p: MARK}}}: it carries the lease fence of the generation ({@code fence}, the highest lease token
 * that may write) and, once a replace moved the session to another generation, {@code retired:
 * true} (a live marker's {@code retired} is a sub-document). Every peer write checks it first, in
 * the same ordered command; every read by id fetches it with the peer ({@code $in}) to notice a
 * retired generation.
 *
 * <p>{@code selfAt} is the server timestamp ({@code $currentDate}) of the last write that claimed
 * the self flag: the self lookup prefers the latest claim, so it stays deterministic in the moments
 * two users hold the flag (see {@link MongoClaims}). Who holds a username or a phone is recorded in
 * the names collection ({@link Names}).
 */
final class PeerMongoCodec {

  static final String ID = "_id";
  static final String SESSION = "_id.s";
  static final String PEER = "_id.p";
  static final String KIND = "kind";
  static final String HASH = "hash";
  static final String BOT = "bot";
  static final String SELF = "self";
  static final String SELF_AT = "selfAt";
  static final String USERNAMES = "usernames";
  static final String PHONE = "phone";
  static final String CHANNEL_KIND = "channelKind";
  static final String AT = "at";
  static final String FENCE = "fence";
  static final String RETIRED = "retired";

  /** The {@code _id.p} of a physical key's marker document: no dialog id is this low. */
  static final long MARK = Long.MIN_VALUE;

  private PeerMongoCodec() {}

  /** The {@code _id} of one peer of one session. */
  static Document id(String session, PeerId peer) {
    return id(session, peer.botApiDialogId());
  }

  /** The {@code _id} of one peer of one session, by Bot API dialog id. */
  static Document id(String session, long dialogId) {
    return new Document("s", session).append("p", dialogId);
  }

  /**
   * The filter {@code {_id: {s: session, p: dialogId}}}, built as BSON: the hot paths then look up
   * no codec to encode it.
   */
  static BsonDocument byId(String key, long dialogId) {
    return new BsonDocument(ID, idValue(key, dialogId));
  }

  /** The {@code _id} value of one peer of a physical key. */
  static BsonDocument idValue(String key, long dialogId) {
    return new BsonDocument("s", new BsonString(key)).append("p", new BsonInt64(dialogId));
  }

  /** The {@code _id} value of a physical key's marker document. */
  static BsonDocument markValue(String key) {
    return idValue(key, MARK);
  }

  /** Whether a document read from the peers collection is a marker, not a peer. */
  static boolean isMark(Document document) {
    Document id = document.get(ID, Document.class);
    return id != null && id.get("p", Number.class).longValue() == MARK;
  }

  /** The lease fence a marker holds; 0 for none. */
  static long fenceOf(@Nullable Document document) {
    Number fence = document == null ? null : document.get(FENCE, Number.class);
    return fence == null ? 0 : fence.longValue();
  }

  /** The time a peer document was last cached, or null (written before 0.3.0). */
  static java.time.@Nullable Instant cachedAt(Document document) {
    Number at = document.get(AT, Number.class);
    return at == null ? null : nanosToInstant(at.longValue());
  }

  static long instantToNanos(java.time.Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
  }

  static java.time.Instant nanosToInstant(long nanos) {
    return java.time.Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  /**
   * The documents of the names collection: who holds each username and each phone number of a
   * physical key, one document per name, found by {@code _id} alone:
   *
   * <pre>
   * { _id: {s: "bot", u: "alice"},    p: NumberLong(42) }
   * { _id: {s: "bot", ph: "15550100"}, p: NumberLong(42) }
   * { _id: {s: "bot", u: ""}, retired: true }       (the marker of a retired generation)
   * </pre>
   *
   * <p>{@code p} is the Bot API dialog id of the peer that claimed the name last (each claim is one
   * single-document write, so the server's order of those writes decides). The peer's own document
   * is the truth about its names: a name document whose peer no longer lists the name (re-cached
   * without it, or pruned) means nobody holds it, and lookups check that. Such documents stay until
   * the name is claimed again or the session is cleared.
   */
  static final class Names {
    static final String ID = "_id";
    static final String SESSION = "_id.s";
    static final String USERNAME = "_id.u";
    static final String OWNER = "p";

    private Names() {}

    /** The {@code _id} of a (normalized) username of a physical key. */
    static Document username(String key, String username) {
      return new Document("s", key).append("u", username);
    }

    /** The {@code _id} of a (normalized) phone number of a physical key. */
    static Document phone(String key, String phone) {
      return new Document("s", key).append("ph", phone);
    }

    /** The {@code _id} of a physical key's names marker (no username is empty). */
    static Document mark(String key) {
      return username(key, "");
    }

    /** The filter {@code {_id: nameId}} of a name document, as BSON (no codec looked up). */
    static BsonDocument byId(Document nameId) {
      return new BsonDocument(ID, value(nameId));
    }

    static BsonDocument value(Document nameId) {
      BsonDocument id = new BsonDocument();
      nameId.forEach((key, value) -> id.append(key, new BsonString((String) value)));
      return id;
    }
  }

  /**
   * The merge of {@code peer} into its document as one update: {@code $set} of the known (non-null)
   * components only, so a null keeps what is stored; {@code at} is the time it was cached; {@code
   * $currentDate} stamps a self claim.
   */
  static BsonDocument mergeUpdate(PeerInfo peer, long atNanos) {
    BsonDocument set =
        new BsonDocument(KIND, new BsonString(kindName(peer))).append(AT, new BsonInt64(atNanos));
    BsonDocument update = new BsonDocument("$set", set);
    if (peer instanceof PeerInfo.User user) {
      putAuth(set, user.auth());
      if (user.bot() != null) {
        set.append(BOT, BsonBoolean.valueOf(user.bot()));
      }
      if (user.self() != null) {
        set.append(SELF, BsonBoolean.valueOf(user.self()));
        if (user.self()) {
          update.append(
              "$currentDate",
              new BsonDocument(SELF_AT, new BsonDocument("$type", new BsonString("timestamp"))));
        }
      }
      if (user.phone() != null) {
        set.append(PHONE, new BsonString(user.phone()));
      }
    } else if (peer instanceof PeerInfo.Channel channel) {
      putAuth(set, channel.auth());
      if (channel.kind() != null) {
        set.append(CHANNEL_KIND, new BsonString(channel.kind().name().toLowerCase(Locale.ROOT)));
      }
    }
    List<String> usernames = peer.usernames();
    if (usernames != null) {
      BsonArray array = new BsonArray(usernames.size());
      for (String username : usernames) {
        array.add(new BsonString(username));
      }
      set.append(USERNAMES, array);
    }
    return update;
  }

  private static void putAuth(BsonDocument set, @Nullable PeerAuth auth) {
    if (auth != null) {
      set.append(HASH, new BsonInt64(auth.accessHash()));
    }
  }

  private static String kindName(PeerInfo peer) {
    if (peer instanceof PeerInfo.User) {
      return "user";
    }
    return peer instanceof PeerInfo.Chat ? "chat" : "channel";
  }

  /**
   * Reads a peer document.
   *
   * @throws IncompatibleSessionException if it is not one this backend wrote
   */
  static PeerInfo decode(Document document, String where) {
    try {
      Document id = document.get(ID, Document.class);
      PeerId peerId = new PeerId(id.get("p", Number.class).longValue());
      PeerAuth auth =
          document.containsKey(HASH)
              ? new PeerAuth(document.get(HASH, Number.class).longValue())
              : null;
      List<String> usernames = document.getList(USERNAMES, String.class);
      return switch (peerId.kind()) {
        case USER ->
            new PeerInfo.User(
                peerId.bareId(),
                auth,
                document.getBoolean(BOT),
                document.getBoolean(SELF),
                usernames,
                document.getString(PHONE));
        case CHAT -> new PeerInfo.Chat(peerId.bareId());
        case CHANNEL -> {
          String kind = document.getString(CHANNEL_KIND);
          yield new PeerInfo.Channel(
              peerId.bareId(),
              auth,
              kind == null ? null : ChannelKind.valueOf(kind.toUpperCase(Locale.ROOT)),
              usernames);
        }
        case USER_SELF -> throw new IllegalArgumentException("the self marker is no stored peer");
      };
    } catch (RuntimeException e) {
      throw new IncompatibleSessionException(
          "expected a peer document written by tgsession in "
              + where
              + ", found one it cannot read (_id "
              + document.get(ID)
              + "): "
              + e.getMessage()
              + "; was the collection written by another program or a newer version?",
          e);
    }
  }
}
