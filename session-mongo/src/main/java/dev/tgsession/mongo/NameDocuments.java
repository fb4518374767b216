package dev.tgsession.mongo;

import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.Document;

/**
 * The documents of the names collection: who holds each username and each phone number of a
 * session, one document per name, found by {@code _id} alone:
 *
 * <pre>
 * { _id: {s: "bot", u: "alice"},    p: NumberLong(42) }
 * { _id: {s: "bot", ph: "15550100"}, p: NumberLong(42) }
 * </pre>
 *
 * <p>{@code p} is the Bot API dialog id of the peer that claimed the name last (each claim is one
 * single-document write, so the server's order of those writes decides). The peer's own document is
 * the truth about its names: a name document whose peer no longer lists the name (the peer was
 * re-cached without it) means nobody holds it, and lookups check that. Such documents stay until
 * the name is claimed again or the session is cleared.
 */
final class NameDocuments {

  static final String ID = "_id";
  static final String SESSION = "_id.s";
  static final String OWNER = "p";

  private NameDocuments() {}

  /** The {@code _id} of a (normalized) username of a session. */
  static Document username(String session, String username) {
    return new Document("s", session).append("u", username);
  }

  /** The filter {@code {_id: nameId}} of a name document, as BSON (no codec looked up). */
  static BsonDocument byId(Document nameId) {
    BsonDocument id = new BsonDocument();
    nameId.forEach((key, value) -> id.append(key, new BsonString((String) value)));
    return new BsonDocument(ID, id);
  }

  /** The {@code _id} of a (normalized) phone number of a session. */
  static Document phone(String session, String phone) {
    return new Document("s", session).append("ph", phone);
  }
}
