package dev.tgsession.mongo;

import com.mongodb.client.MongoDatabase;
import java.util.ArrayList;
import java.util.List;
import org.bson.ByteBuf;
import org.bson.RawBsonDocument;

/** The raw BSON of every document in a database, for the scans that look for auth keys. */
final class RawDocuments {

  private RawDocuments() {}

  /** Every document of every collection of {@code database}, each as the bytes the server sent. */
  static List<byte[]> all(MongoDatabase database) {
    return matching(database, new org.bson.Document());
  }

  /**
   * Every document of session {@code name} in every collection of {@code database} (its session and
   * lease documents, its peers and names under every generation), as the bytes the server sent.
   */
  static List<byte[]> ofSession(MongoDatabase database, String name) {
    return matching(
        database,
        com.mongodb.client.model.Filters.or(
            com.mongodb.client.model.Filters.eq("_id", name),
            com.mongodb.client.model.Filters.eq("_id.s", name),
            MongoReplace.generations("_id.s", name)));
  }

  private static List<byte[]> matching(MongoDatabase database, org.bson.conversions.Bson filter) {
    List<byte[]> raw = new ArrayList<>();
    for (String collection : database.listCollectionNames()) {
      for (RawBsonDocument document :
          database
              .getCollection(collection)
              .withDocumentClass(RawBsonDocument.class)
              .find(filter)) {
        ByteBuf buffer = document.getByteBuffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        raw.add(bytes);
      }
    }
    return raw;
  }
}
