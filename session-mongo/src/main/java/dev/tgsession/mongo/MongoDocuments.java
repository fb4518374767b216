package dev.tgsession.mongo;

import static dev.tgsession.mongo.PeerMongoCodec.ID;
import static dev.tgsession.mongo.PeerMongoCodec.PEER;
import static dev.tgsession.mongo.PeerMongoCodec.SELF;
import static dev.tgsession.mongo.PeerMongoCodec.SELF_AT;
import static dev.tgsession.mongo.PeerMongoCodec.SESSION;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.tgsession.mongo.PeerMongoCodec.Names;
import dev.tgsession.spi.WriteFence;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * The documents of one session as {@link MongoSession} reads and writes them: which generation
 * (physical key) its peers and names are under, and the fenced writes.
 *
 * <p>Fencing is in the write. A leased write of the session document carries {@code fence <= token}
 * in its filter (atomic: one document). A peer write is one ordered command whose first operation
 * checks the generation's marker (not retired, no higher token raised: {@link MongoGate}); MongoDB
 * stops an ordered command at its first error, so nothing after a failed check is written. Each
 * leased merge also carries the peer document's own {@code fence <= token}, so a write never lands
 * on a peer a newer holder wrote. A new lease holder raises both fences before its open returns
 * ({@link #raiseFence}). mongo-java-server (the emulator the tests use) does not stop an ordered
 * command at its first error: there, peers the new holder has not written yet can still take a
 * paused holder's write; the check before the command ({@link MongoLeaseStore#confirmHeld}) narrows
 * that to a pause between check and write.
 */
final class MongoDocuments {

  private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
  private static final BulkWriteOptions ORDERED = new BulkWriteOptions().ordered(true);

  private final String session;
  private final MongoTarget target;
  private final MongoFailures failures;
  final MongoCollection<Document> sessions;
  final MongoCollection<Document> peers;
  final MongoCollection<Document> names;
  private final Bson sessionFilter;
  private volatile @Nullable MongoLeaseStore leases;

  /** The physical key of the generation this instance reads and writes; null until read. */
  private volatile @Nullable String key;

  /** Whether the session document is known to exist (this instance wrote it or read it). */
  private volatile boolean listed;

  MongoDocuments(
      MongoTarget target,
      MongoFailures failures,
      MongoCollection<Document> sessions,
      MongoCollection<Document> peers,
      MongoCollection<Document> names) {
    this.session = target.session();
    this.target = target;
    this.failures = failures;
    this.sessions = sessions;
    this.peers = peers;
    this.names = names;
    this.sessionFilter = Filters.eq(ID, session);
  }

  void leases(MongoLeaseStore leases) {
    this.leases = leases;
  }

  /** After a replace switched this instance to another generation. */
  void switched(String newKey) {
    key = newKey;
  }

  // ---- generations --------------------------------------------------------------------------

  /** The physical key of the current generation, read from the session document the first time. */
  String key() {
    String known = key;
    return known != null ? known : refreshKey();
  }

  String refreshKey() {
    Document document =
        failures.call(
            "read the session document",
            () ->
                sessions
                    .find(sessionFilter)
                    .projection(Projections.include(StateMongoCodec.GEN))
                    .first());
    return learn(document);
  }

  /** Takes the generation from a session document read with {@link StateMongoCodec#GEN}. */
  private String learn(@Nullable Document document) {
    String learned = StateMongoCodec.physicalKey(session, StateMongoCodec.generation(document));
    key = learned;
    if (document != null) {
      listed = true;
    }
    return learned;
  }

  /** A projection of the session document that always includes the generation. */
  private static Bson projection(String... fields) {
    List<String> all = new ArrayList<>(List.of(fields));
    all.add(StateMongoCodec.GEN);
    all.add(StateMongoCodec.VERSION_FIELD);
    return Projections.include(all);
  }

  @Nullable Document readSession(String what, String... fields) {
    Document document =
        failures.call(
            what, () -> sessions.find(sessionFilter).projection(projection(fields)).first());
    learn(document);
    return document;
  }

  /** Signals that this instance's generation was retired by a replace: read it again, retry. */
  static final class Retired extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Retired() {
      super(null, null, false, false);
    }
  }

  /** Runs {@code body} on the current generation, once more on the next if it was retired. */
  <T> T onGeneration(String what, Function<String, T> body) {
    try {
      return body.apply(key());
    } catch (Retired first) {
      try {
        return body.apply(refreshKey());
      } catch (Retired again) {
        throw MongoFailures.storage(
            target, what, new MongoException("the session was replaced twice meanwhile"));
      }
    }
  }

  // ---- fences -------------------------------------------------------------------------------

  /** The session document's condition for a write fenced with {@code fence}. */
  private Bson sessionFence(WriteFence fence) {
    return fence.leased()
        ? Filters.and(sessionFilter, Filters.not(Filters.gt(StateMongoCodec.FENCE, fence.token())))
        : sessionFilter;
  }

  /**
   * The first operation of every peer write, by the marker's {@code _id} alone (the emulator scans
   * for anything more): {@code $set} of {@code retired.live}, which fails (PathNotViable) once a
   * replace has set {@code retired} to {@code true}, and with a lease of the token's {@link
   * MongoGate#writePaths}, one of which fails once a higher token raised the fence. A failure stops
   * the ordered command before any write.
   */
  private static WriteModel<Document> markCheck(String key, WriteFence fence) {
    Bson byId = Filters.eq(ID, PeerMongoCodec.markValue(key));
    Document set = new Document(PeerMongoCodec.RETIRED + ".live", true);
    if (fence.leased()) {
      set.putAll(MongoGate.writePaths(fence.token()));
    }
    return new UpdateOneModel<>(byId, new Document("$set", set), UPSERT);
  }

  /** Writes {@code writes} under {@code key} in one ordered command after the marker check. */
  BulkWriteResult writePeers(
      String what, String key, WriteFence fence, List<WriteModel<Document>> writes) {
    MongoLeaseStore store = leases;
    if (fence.lease() != null && store != null && !store.confirmHeld(fence.lease())) {
      throw fence.lost();
    }
    List<WriteModel<Document>> all = new ArrayList<>(writes.size() + 1);
    all.add(markCheck(key, fence));
    all.addAll(writes);
    try {
      return peers.bulkWrite(all, ORDERED);
    } catch (MongoBulkWriteException e) {
      // the check failed: a duplicate _id (the leased filter did not match) or PathNotViable
      if (!e.getWriteErrors().isEmpty() && e.getWriteErrors().get(0).getIndex() == 0) {
        Document mark =
            failures.call(
                what, () -> peers.find(Filters.eq(ID, PeerMongoCodec.markValue(key))).first());
        if (fence.leased() && PeerMongoCodec.fenceOf(mark) > fence.token()) {
          throw fence.lost();
        }
        if (mark != null && Boolean.TRUE.equals(mark.get(PeerMongoCodec.RETIRED))) {
          throw new Retired();
        }
      }
      throw failures.storage(what, e);
    } catch (MongoException e) {
      throw failures.storage(what, e);
    }
  }

  /**
   * Called by the lease store right after this instance took the lease with {@code token}: raises
   * the fence of the session document and of the current generation's marker, so that a previous
   * holder paused in the middle of a write can no longer write either.
   */
  void raiseFence(long token) {
    failures.run(
        "raise the lease fence",
        () -> {
          sessions.updateOne(sessionFilter, Updates.max(StateMongoCodec.FENCE, token));
          MongoGate.raise(peers, Filters.eq(ID, PeerMongoCodec.markValue(key())), token);
        });
  }

  // ---- the session document -----------------------------------------------------------------

  /**
   * One upsert of the session document where {@code condition} (its {@code _id}, the fence and
   * whatever else the caller requires) matches. {@code update} gets the time of the write and, if
   * it sets no layout version, version 1 at least. A document that exists but no longer matches is
   * refused: by the fence ({@link WriteFence#lost()}), or else by {@code refused}'s exception.
   */
  void writeSession(
      String what,
      WriteFence fence,
      @Nullable Bson condition,
      Document update,
      @Nullable Function<String, RuntimeException> refused) {
    Document full = new Document(update);
    full.append("$currentDate", new Document(StateMongoCodec.AT, true));
    Document set = (Document) full.get("$set");
    if (set == null || !set.containsKey(StateMongoCodec.VERSION_FIELD)) {
      full.append("$max", new Document(StateMongoCodec.VERSION_FIELD, StateMongoCodec.VERSION));
    }
    Bson filter =
        condition == null ? sessionFence(fence) : Filters.and(sessionFence(fence), condition);
    try {
      sessions.updateOne(filter, full, UPSERT);
      listed = true;
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
        Document stored =
            failures.call(
                what,
                () ->
                    sessions
                        .find(sessionFilter)
                        .projection(Projections.include(StateMongoCodec.FENCE))
                        .first());
        if (fence.leased() && StateMongoCodec.fenceOf(stored) > fence.token()) {
          throw fence.lost();
        }
        if (refused != null) {
          throw refused.apply(what);
        }
      }
      throw failures.storage(what, e);
    } catch (MongoException e) {
      throw failures.storage(what, e);
    }
  }

  /** Makes sure the session document exists: a session is listed from its first write. */
  void ensureListed() {
    if (!listed) {
      failures.run(
          "create the session document",
          () ->
              sessions.updateOne(
                  sessionFilter,
                  new Document(
                          "$max",
                          new Document(StateMongoCodec.VERSION_FIELD, StateMongoCodec.VERSION))
                      .append("$currentDate", new Document(StateMongoCodec.AT, true)),
                  UPSERT));
      listed = true;
    }
  }

  // ---- reads that notice a retired generation ----------------------------------------------

  /**
   * The peer document with {@code dialogId} of the current generation, fetched together with the
   * generation's marker ({@code $in}, one round trip) to notice a retired generation.
   */
  @Nullable Document peerDocument(String what, long dialogId) {
    return onGeneration(
        what,
        k ->
            failures.call(
                what,
                () -> {
                  Document found = null;
                  for (Document document :
                      peers.find(
                          Filters.in(
                              ID,
                              PeerMongoCodec.idValue(k, dialogId),
                              PeerMongoCodec.markValue(k)))) {
                    if (!PeerMongoCodec.isMark(document)) {
                      found = document;
                    } else if (Boolean.TRUE.equals(document.get(PeerMongoCodec.RETIRED))) {
                      throw new Retired();
                    }
                  }
                  return found;
                }));
  }

  /**
   * The user whose self claim was stamped last: the generation's marker comes with it (it sorts
   * last, without {@code selfAt}) and tells a retired generation.
   */
  @Nullable Document selfDocument() {
    Document found =
        onGeneration(
            "read the self user",
            k ->
                failures.call(
                    "read the self user",
                    () -> {
                      for (Document document :
                          peers
                              .find(
                                  Filters.and(
                                      Filters.eq(SESSION, k),
                                      Filters.or(
                                          Filters.eq(SELF, true),
                                          Filters.eq(PEER, PeerMongoCodec.MARK))))
                              .sort(Sorts.orderBy(Sorts.descending(SELF_AT), Sorts.ascending(PEER)))
                              .limit(2)) {
                        if (!PeerMongoCodec.isMark(document)) {
                          return document;
                        }
                        if (Boolean.TRUE.equals(document.get(PeerMongoCodec.RETIRED))) {
                          throw new Retired();
                        }
                      }
                      return null;
                    }));
    return found;
  }

  /**
   * The dialog id the name document names as the last claimer, or null; read with the generation's
   * names marker ({@code $in}, one round trip).
   */
  @Nullable Long nameOwner(String what, Function<String, Document> nameId) {
    Long owner =
        onGeneration(
            what,
            k ->
                failures.call(
                    what,
                    () -> {
                      Document id = nameId.apply(k);
                      Long found = null;
                      for (Document name :
                          names.find(
                              Filters.in(Names.ID, Names.value(id), Names.value(Names.mark(k))))) {
                        if (name.get(Names.ID, Document.class).equals(id)) {
                          Number number = name.get(Names.OWNER, Number.class);
                          found = number == null ? null : number.longValue();
                        } else if (Boolean.TRUE.equals(name.get(PeerMongoCodec.RETIRED))) {
                          throw new Retired();
                        }
                      }
                      return found;
                    }));
    return owner;
  }
}
