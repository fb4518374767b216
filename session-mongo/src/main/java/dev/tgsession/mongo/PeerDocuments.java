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
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * The documents of the peers collection: one per (session, peer), {@code _id: {s: session, p: Bot
 * API dialog id}}, and only the components that are known:
 *
 * <pre>
 * { _id: {s: "bot", p: NumberLong(-1001234567890)}, kind: "channel", hash: NumberLong(...),
 *   channelKind: "megagroup", usernames: ["news"] }
 * { _id: {s: "bot", p: NumberLong(42)}, kind: "user", hash: NumberLong(...), bot: false,
 *   self: true, selfAt: Timestamp(...), usernames: [], phone: "15550100" }
 * </pre>
 *
 * <p>{@code selfAt} is the server timestamp ({@code $currentDate}) of the last write that claimed
 * the self flag: the self lookup prefers the latest claim, so it stays deterministic in the moments
 * two users hold the flag (see {@link MongoSession}). Who holds a username or a phone is recorded
 * in the names collection ({@link NameDocuments}).
 */
final class PeerDocuments {

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

  private PeerDocuments() {}

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
  static BsonDocument byId(String session, long dialogId) {
    return new BsonDocument(
        ID, new BsonDocument("s", new BsonString(session)).append("p", new BsonInt64(dialogId)));
  }

  /**
   * The merge of {@code peer} into its document as one update: {@code $set} of the known (non-null)
   * components only, so a null keeps what is stored; {@code $currentDate} stamps a self claim.
   */
  static Bson mergeUpdate(PeerInfo peer) {
    BsonDocument set = new BsonDocument(KIND, new BsonString(kindName(peer)));
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
