package dev.tgsession.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The lease fence of a generation's marker in a form a write can check by {@code _id} alone: the
 * marker's {@code gate} sub-document. A leased peer write's first operation {@code $set}s {@link
 * #writePaths} of its token ({@code gate.KEY.ok}); raising the fence to token {@code F} replaces
 * {@code gate} with {@link #closedBelow} of {@code F}, a scalar at every key that a token below
 * {@code F} writes under, so that write fails with PathNotViable (MongoDB and the emulator), as the
 * unleased check's {@code retired.live} does once {@code retired} is {@code true}.
 *
 * <p>The keys compare tokens bit by bit. A token {@code t} of {@code n} binary digits writes under
 * {@code Ln} and, for each digit {@code i > 0} that is 0, under {@code Pn_} + its first {@code i}
 * digits + {@code 1}. The gate of {@code F} ({@code m} digits) closes {@code L1 .. L(m-1)} (every
 * shorter token) and, for each digit {@code i > 0} of {@code F} that is 1, {@code Pm_} + its first
 * {@code i + 1} digits: the keys of exactly the tokens of {@code m} digits that first differ from
 * {@code F} at digit {@code i}, with a 0 there, i.e. that are below {@code F}. No key of a token at
 * or above {@code F} is closed. A gate has at most 2 x 63 keys, and replacing it drops the open
 * keys of earlier holders, so the marker stays small however many leases were taken.
 *
 * <p>Why not a filter on {@code fence}: mongo-java-server (the emulator of the tests and the
 * benchmarks) answers any filter beyond {@code _id} by scanning the whole peers collection, which
 * made every leased peer write cost a scan. {@code fence} is still kept (the highest token raised)
 * and is what a failed check reads to tell a lost lease from a retired generation.
 */
final class MongoGate {

  static final String GATE = "gate";

  private MongoGate() {}

  /**
   * The {@code $set} fields of a write under {@code token}: each fails once a higher one raised.
   */
  static Document writePaths(long token) {
    String bits = Long.toBinaryString(token);
    int n = bits.length();
    Document set = new Document(GATE + ".L" + n + ".ok", true);
    for (int i = 1; i < n; i++) {
      if (bits.charAt(i) == '0') {
        set.append(GATE + ".P" + n + "_" + bits.substring(0, i) + "1.ok", true);
      }
    }
    return set;
  }

  /** The gate of a fence raised to {@code token}: closes the keys of every lower token. */
  static Document closedBelow(long token) {
    String bits = Long.toBinaryString(token);
    int m = bits.length();
    Document gate = new Document();
    for (int n = 1; n < m; n++) {
      gate.append("L" + n, false);
    }
    for (int i = 1; i < m; i++) {
      if (bits.charAt(i) == '1') {
        gate.append("P" + m + "_" + bits.substring(0, i + 1), false);
      }
    }
    return gate;
  }

  /**
   * Raises the fence of the marker {@code markerId} to {@code token}: {@code fence} and {@code
   * gate} together, only where the stored fence is not higher (one conditional upsert; a duplicate
   * {@code _id} means a higher fence is there already, which stands).
   */
  static void raise(MongoCollection<Document> peers, Bson markerId, long token) {
    Bson filter = Filters.and(markerId, Filters.not(Filters.gt(PeerMongoCodec.FENCE, token)));
    try {
      peers.updateOne(
          filter,
          Updates.combine(
              Updates.set(PeerMongoCodec.FENCE, token), Updates.set(GATE, closedBelow(token))),
          new UpdateOptions().upsert(true));
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
        throw e;
      }
    }
  }
}
