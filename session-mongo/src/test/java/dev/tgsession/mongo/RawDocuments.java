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
    List<byte[]> raw = new ArrayList<>();
    for (String collection : database.listCollectionNames()) {
      for (RawBsonDocument document :
          database.getCollection(collection).withDocumentClass(RawBsonDocument.class).find()) {
        ByteBuf buffer = document.getByteBuffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        raw.add(bytes);
      }
    }
    return raw;
  }
}
