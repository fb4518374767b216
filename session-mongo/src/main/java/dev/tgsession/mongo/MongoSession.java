package dev.tgsession.mongo;

import static dev.tgsession.mongo.PeerDocuments.ID;
import static dev.tgsession.mongo.PeerDocuments.PEER;
import static dev.tgsession.mongo.PeerDocuments.PHONE;
import static dev.tgsession.mongo.PeerDocuments.PHONE_AT;
import static dev.tgsession.mongo.PeerDocuments.SELF;
import static dev.tgsession.mongo.PeerDocuments.SELF_AT;
import static dev.tgsession.mongo.PeerDocuments.SESSION;
import static dev.tgsession.mongo.PeerDocuments.USERNAMES;
import static dev.tgsession.mongo.PeerDocuments.USERNAMES_AT;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateManyModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.tgsession.DcOption;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionStorageException;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.AbstractSession;
import dev.tgsession.spi.StoredDcs;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * A session in two collections of one database: its document in {@code PREFIXsessions} and one
 * document per peer in {@code PREFIXpeers} (see {@link SessionDocuments}, {@link PeerDocuments}).
 *
 * <p>Nothing here uses multi-document transactions. Each merge is one single-document upsert, and
 * the claims of a batch (a username, a phone, the self flag) are {@code updateMany}s that take the
 * claim from every other peer of the session, sent with the upserts in one unordered {@code
 * bulkWrite}. The final state does not depend on the order the server applies them in (the {@code
 * updateMany} filters exclude the claimers), but another reader or writer can see the moments in
 * between:
 *
 * <ul>
 *   <li>a username (phone, self flag) held by nobody, when the {@code updateMany} has run and the
 *       upsert not yet;
 *   <li>held by two peers, when the upsert ran first; and for good when two writers claim one name
 *       for different peers at the same time (each one's {@code updateMany} ran before the other's
 *       upsert). The loser keeps the name in its {@code usernames} until the name is claimed again
 *       or the peer is re-cached with a list.
 * </ul>
 *
 * <p>Lookups stay deterministic through both: {@code peerByUsername}, {@code peerByPhone} and the
 * self user take the holder whose claim the server stamped last ({@code $currentDate} timestamps),
 * then the lowest dialog id. On a replica set the stamps are the server's increasing cluster-time
 * ticks, so the latest claim wins, as the single-writer rule says.
 */
final class MongoSession extends AbstractSession {

  private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
  private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);

  private final MongoTarget target;
  private final SharedClients.Lease lease;
  private final String session;
  private final MongoCollection<Document> sessions;
  private final MongoCollection<Document> peers;
  private final Bson sessionFilter;
  private final Bson peersOfSession;

  private MongoSession(MongoTarget target, SharedClients.Lease lease) {
    super(target.toString());
    this.target = target;
    this.lease = lease;
    this.session = target.session();
    MongoDatabase database = lease.client().getDatabase(target.database());
    this.sessions = database.getCollection(target.sessionsCollection());
    this.peers = database.getCollection(target.peersCollection());
    this.sessionFilter = Filters.eq(ID, session);
    this.peersOfSession = Filters.eq(SESSION, session);
  }

  /**
   * Connects (sharing the client of the connection string) and creates the indexes.
   *
   * @throws SessionStorageException if the server cannot be reached or refuses
   */
  static MongoSession open(MongoTarget target) {
    SharedClients.Lease lease;
    try {
      lease = SharedClients.acquire(target.connectionString());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "expected a MongoDB connection string the driver accepts, found "
              + target
              + ": "
              + target.scrub(e.getMessage()));
    } catch (MongoException e) {
      throw failure(target, "resolving the connection string", e);
    }
    try {
      MongoSession opened = new MongoSession(target, lease);
      opened.createIndexes();
      return opened;
    } catch (RuntimeException e) {
      lease.release();
      throw e;
    }
  }

  private void createIndexes() {
    run(
        "creating the indexes of " + target.peersCollection(),
        () ->
            peers.createIndexes(
                List.of(
                    new IndexModel(
                        Indexes.ascending(SESSION, PEER),
                        new IndexOptions().name("session_peer").unique(true)),
                    new IndexModel(
                        Indexes.ascending(SESSION, USERNAMES),
                        new IndexOptions().name("session_username")),
                    new IndexModel(
                        Indexes.ascending(SESSION, PHONE),
                        new IndexOptions().name("session_phone")),
                    new IndexModel(
                        Indexes.ascending(SESSION, SELF),
                        new IndexOptions().name("session_self")))));
  }

  // ---- DCs ----------------------------------------------------------------------------------

  @Override
  protected StoredDcs loadDcs() {
    Document document =
        call(
            "reading the DC options",
            () ->
                sessions
                    .find(sessionFilter)
                    .projection(
                        Projections.include(
                            SessionDocuments.VERSION_FIELD,
                            SessionDocuments.HOME_DC,
                            SessionDocuments.DCS))
                    .first());
    return SessionDocuments.storedDcs(document, description());
  }

  @Override
  protected void storeHomeDcId(int dcId) {
    updateSession("writing the home DC", new Document(SessionDocuments.HOME_DC, dcId));
  }

  @Override
  protected void storeDcOption(DcOption option) {
    updateSession(
        "writing DC option " + option.id(),
        new Document(SessionDocuments.DCS + "." + option.id(), SessionDocuments.dcOption(option)));
  }

  private void updateSession(String what, Document set) {
    run(
        what,
        () ->
            sessions.updateOne(
                sessionFilter,
                Updates.combine(
                    new Document("$set", set),
                    Updates.setOnInsert(SessionDocuments.VERSION_FIELD, SessionDocuments.VERSION)),
                UPSERT));
  }

  // ---- peers --------------------------------------------------------------------------------

  @Override
  protected @Nullable PeerInfo loadPeer(PeerId id) {
    Document document =
        call(
            "reading peer " + id,
            () -> peers.find(Filters.eq(ID, PeerDocuments.id(session, id))).first());
    return document == null ? null : PeerDocuments.decode(document, description());
  }

  @Override
  protected PeerInfo.@Nullable User loadSelfUser() {
    PeerInfo found = latestClaim("reading the self user", Filters.eq(SELF, true), SELF_AT);
    return found instanceof PeerInfo.User user ? user : null;
  }

  @Override
  protected @Nullable PeerInfo loadPeerByUsername(String username) {
    return latestClaim(
        "looking up username '" + username + "'", Filters.eq(USERNAMES, username), USERNAMES_AT);
  }

  @Override
  protected @Nullable PeerInfo loadPeerByPhone(String phone) {
    return latestClaim("looking up a phone number", Filters.eq(PHONE, phone), PHONE_AT);
  }

  /** The holder of a claim whose claim was stamped last (see the class comment for why). */
  private @Nullable PeerInfo latestClaim(String what, Bson claim, String stampField) {
    Document document =
        call(
            what,
            () ->
                peers
                    .find(Filters.and(peersOfSession, claim))
                    .sort(Sorts.orderBy(Sorts.descending(stampField), Sorts.ascending(PEER)))
                    .limit(1)
                    .first());
    return document == null ? null : PeerDocuments.decode(document, description());
  }

  @Override
  protected void storePeers(List<PeerInfo> reducedBatch) {
    List<WriteModel<Document>> writes = new ArrayList<>(reducedBatch.size() + 3);
    addClaims(reducedBatch, writes);
    if (writes.isEmpty() && reducedBatch.size() == 1) {
      // the hot path: one peer and nothing to take from others is one plain upsert
      PeerInfo peer = reducedBatch.get(0);
      run(
          "caching peer " + peer.peerId(),
          () ->
              peers.updateOne(
                  Filters.eq(ID, PeerDocuments.id(session, peer.peerId())),
                  PeerDocuments.mergeUpdate(peer),
                  UPSERT));
      return;
    }
    for (PeerInfo peer : reducedBatch) {
      writes.add(
          new UpdateOneModel<>(
              Filters.eq(ID, PeerDocuments.id(session, peer.peerId())),
              PeerDocuments.mergeUpdate(peer),
              UPSERT));
    }
    run("caching " + reducedBatch.size() + " peer(s)", () -> peers.bulkWrite(writes, UNORDERED));
  }

  /**
   * One {@code updateMany} per kind of claim in the batch, taking the claimed usernames, phones and
   * self flag from every peer of the session that is not a claimer of that kind. Excluding all the
   * claimers is exact because the batch is reduced: no two records claim one thing, and each
   * claimer's own upsert sets its full list, phone or flag.
   */
  private void addClaims(List<PeerInfo> batch, List<WriteModel<Document>> writes) {
    List<String> usernames = new ArrayList<>();
    List<Long> usernameClaimers = new ArrayList<>();
    List<String> phones = new ArrayList<>();
    List<Long> phoneClaimers = new ArrayList<>();
    Long selfClaimer = null;
    for (PeerInfo peer : batch) {
      long dialogId = peer.peerId().botApiDialogId();
      if (peer.usernames() != null) {
        usernameClaimers.add(dialogId);
        usernames.addAll(peer.usernames());
      }
      if (peer instanceof PeerInfo.User user) {
        if (user.phone() != null) {
          phoneClaimers.add(dialogId);
          phones.add(user.phone());
        }
        if (user.isSelf()) {
          selfClaimer = dialogId;
        }
      }
    }
    if (!usernames.isEmpty()) {
      writes.add(
          new UpdateManyModel<>(
              Filters.and(
                  peersOfSession,
                  Filters.in(USERNAMES, usernames),
                  Filters.nin(PEER, usernameClaimers)),
              Updates.pullAll(USERNAMES, usernames)));
    }
    if (!phones.isEmpty()) {
      writes.add(
          new UpdateManyModel<>(
              Filters.and(
                  peersOfSession, Filters.in(PHONE, phones), Filters.nin(PEER, phoneClaimers)),
              Updates.combine(Updates.unset(PHONE), Updates.unset(PHONE_AT))));
    }
    if (selfClaimer != null) {
      writes.add(
          new UpdateManyModel<>(
              Filters.and(peersOfSession, Filters.eq(SELF, true), Filters.ne(PEER, selfClaimer)),
              Updates.set(SELF, false)));
    }
  }

  @Override
  protected Stream<PeerInfo> streamPeers() {
    MongoCursor<Document> cursor =
        call("listing the peers", () -> peers.find(peersOfSession).iterator());
    Iterator<PeerInfo> decoded =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return call("listing the peers", cursor::hasNext);
          }

          @Override
          public PeerInfo next() {
            return PeerDocuments.decode(call("listing the peers", cursor::next), description());
          }
        };
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(
                decoded, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT),
            false)
        .onClose(cursor::close);
  }

  @Override
  protected long countPeers() {
    return call("counting the peers", () -> peers.countDocuments(peersOfSession));
  }

  // ---- updates state ------------------------------------------------------------------------

  @Override
  protected UpdatesState loadUpdatesState() {
    Document document =
        call(
            "reading the updates state",
            () ->
                sessions
                    .find(sessionFilter)
                    .projection(
                        Projections.include(
                            SessionDocuments.VERSION_FIELD, SessionDocuments.UPDATES))
                    .first());
    return SessionDocuments.updatesState(document, description());
  }

  @Override
  protected void storeUpdateState(UpdateState update) {
    updateSession("writing the updates state", SessionDocuments.updateStateSet(update));
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  @Override
  protected void clearStore() {
    run("deleting the peers", () -> peers.deleteMany(peersOfSession));
    run("deleting the session document", () -> sessions.deleteOne(sessionFilter));
  }

  @Override
  protected void closeStore() {
    lease.release();
  }

  // ---- failures -----------------------------------------------------------------------------

  private void run(String what, Runnable body) {
    call(
        what,
        () -> {
          body.run();
          return null;
        });
  }

  private <T> T call(String what, Supplier<T> body) {
    try {
      return body.get();
    } catch (MongoException e) {
      throw failure(target, what, e);
    }
  }

  static SessionStorageException failure(MongoTarget target, String what, MongoException e) {
    return new SessionStorageException(
        "MongoDB failed "
            + what
            + " for session '"
            + target.session()
            + "' in database '"
            + target.database()
            + "' on "
            + target.hosts()
            + " ("
            + target
            + "): "
            + target.scrub(e.getMessage())
            + "; check that the server is running and reachable and that the user may write"
            + " there (serverSelectionTimeoutMS in the URI sets how long to wait)",
        e);
  }
}
