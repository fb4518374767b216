package dev.tgsession.mongo;

import static dev.tgsession.mongo.PeerDocuments.ID;
import static dev.tgsession.mongo.PeerDocuments.PEER;
import static dev.tgsession.mongo.PeerDocuments.PHONE;
import static dev.tgsession.mongo.PeerDocuments.SELF;
import static dev.tgsession.mongo.PeerDocuments.SELF_AT;
import static dev.tgsession.mongo.PeerDocuments.SESSION;
import static dev.tgsession.mongo.PeerDocuments.USERNAMES;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
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
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionLease;
import dev.tgsession.SessionStorageException;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.AbstractSession;
import dev.tgsession.spi.LeaseStore;
import dev.tgsession.spi.PeerCache;
import dev.tgsession.spi.StoredDcs;
import dev.tgsession.spi.WriteFence;
import dev.tgsession.support.QuotedValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;
import org.jspecify.annotations.Nullable;

/**
 * A session in four collections of one database: its document in {@code PREFIXsessions}, one
 * document per peer in {@code PREFIXpeers}, one per claimed username or phone number in {@code
 * PREFIXnames} (see {@link SessionDocuments}, {@link PeerDocuments}, {@link NameDocuments}) and its
 * lease in {@code PREFIXleases} ({@link MongoLeaseStore}). Every read and write of a peer or a name
 * finds its document by {@code _id}.
 *
 * <p>Nothing here uses multi-document transactions. Each merge is one single-document upsert. A
 * batch that claims no username, phone or self flag is just its merges: one {@code updateOne}, or
 * one unordered {@code bulkWrite} of them. A batch that claims usernames or phones reads their name
 * documents (one {@code find} by {@code _id $in}) to learn the previous holders while its merges
 * are written (one unordered {@code bulkWrite}); then, only where something changes hands, one
 * unordered {@code bulkWrite} on the peers takes each name from its previous holder ({@code
 * $pullAll} by {@code _id}; {@code $unset} of the phone only if it is still that phone) and the
 * self flag from every other user ({@code updateMany}), and one on the names records the new
 * holders.
 *
 * <p>The holder read is a read-modify-write. One instance runs its claiming writes one at a time
 * ({@link #claimLock}), so its threads never race each other. Another instance (process) claiming
 * the same name for another peer at the same moment can leave the name in both peers' {@code
 * usernames} (or {@code phone}), or, if its take lands after this instance's re-claim, in neither.
 * The name document always names exactly one holder, the claim whose write reached it last, and the
 * lookups by username and phone go through it and check that the holder still lists the name, so
 * they stay deterministic (the holder, or nobody); a stale copy stays in the other peer's record
 * until that peer is re-cached with a list or phone, and a name held by nobody is back with the
 * next claim. Until the names are recorded a reader can see the previous holder, and for a moment
 * nobody. The self lookup takes the user whose self claim the server stamped last ({@code
 * $currentDate}), then the lowest dialog id.
 *
 * <p>Each write first checks the lease, when the session holds one ({@link #fence()}).
 */
final class MongoSession extends AbstractSession {

  private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
  private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);

  /**
   * Runs the holder reads of claiming batches next to their merges: daemon threads, created on
   * demand and gone after a minute idle.
   */
  private static final ExecutorService HOLDER_READS =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "tgsession-mongo-holders");
            thread.setDaemon(true);
            return thread;
          });

  /** Name ids per holder {@code find} (a 10,000-entry {@code $in} is well under 16 MB). */
  private static final int HOLDER_CHUNK = 10_000;

  private final MongoTarget target;
  private final SharedClients.Lease client;
  private final MongoLeaseStore leases;
  private final String session;
  private final MongoCollection<Document> sessions;
  private final MongoCollection<Document> peers;
  private final MongoCollection<Document> names;
  private final Bson sessionFilter;
  private final Bson peersOfSession;

  /**
   * Serializes this instance's claiming writes, so its holder reads never race its own claims: on
   * one instance the latest claim always wins, whatever the threads.
   */
  private final ReentrantLock claimLock = new ReentrantLock();

  /**
   * The vault as this instance last read or wrote it (null: none), which {@link #storeKeyVault}
   * requires to still be the stored one; written under AbstractSession's DC lock.
   */
  private volatile byte @Nullable [] knownVault;

  private MongoSession(MongoTarget target, SharedClients.Lease client, PeerCache peerCache) {
    super(target.toString(), peerCache);
    this.target = target;
    this.client = client;
    this.session = target.session();
    MongoDatabase database = client.client().getDatabase(target.database());
    this.sessions = database.getCollection(target.sessionsCollection());
    this.peers = database.getCollection(target.peersCollection());
    this.names = database.getCollection(target.namesCollection());
    this.sessionFilter = Filters.eq(ID, session);
    this.peersOfSession = Filters.eq(SESSION, session);
    this.leases =
        new MongoLeaseStore(
            database.getCollection(target.leasesCollection()), session, description(), this::call);
  }

  /**
   * Connects (sharing the client of the connection string) and creates the indexes.
   *
   * @throws SessionStorageException if the server cannot be reached or refuses
   */
  static MongoSession open(MongoTarget target, PeerCache peerCache) {
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
      throw failure(target, "resolve the connection string", e);
    }
    try {
      MongoSession opened = new MongoSession(target, lease, peerCache);
      opened.createIndexes();
      return opened;
    } catch (RuntimeException e) {
      lease.release();
      throw e;
    }
  }

  /**
   * Creates the one secondary index of the peers and the one of the names. The peers need no {@code
   * (session, peer)} index: {@code _id} is already unique and serves every write and lookup by id,
   * and {@code session_self}'s {@code _id.s} prefix serves the per-session scans (listing,
   * counting, clearing) as well as the self lookup. Each further index would cost every peer write.
   */
  private void createIndexes() {
    run(
        "create the indexes of " + target.peersCollection(),
        () ->
            peers.createIndex(
                Indexes.ascending(SESSION, SELF), new IndexOptions().name("session_self")));
    run(
        "create the indexes of " + target.namesCollection(),
        () ->
            names.createIndex(
                Indexes.ascending(NameDocuments.SESSION), new IndexOptions().name("session")));
  }

  // ---- DCs ----------------------------------------------------------------------------------

  @Override
  protected StoredDcs loadDcs() {
    Document document =
        call(
            "read the DC options",
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
  protected void storeHomeDcId(int dcId, WriteFence fence) {
    updateSession(fence, "write the home DC", new Document(SessionDocuments.HOME_DC, dcId));
  }

  /**
   * Writes a DC option of a session this instance holds plain (an encrypted one goes through {@link
   * #storeKeyVault}). The filter matches only a document without a vault: if another instance
   * encrypted the session since this one opened it, the upsert finds nothing, its insert hits the
   * {@code _id}, and nothing is written, so no plain key lands next to the vault.
   */
  @Override
  protected void storeDcOption(DcOption option, WriteFence fence) {
    fence(fence);
    Document update =
        new Document(
                "$set",
                new Document(
                    SessionDocuments.DCS + "." + option.id(), SessionDocuments.dcOption(option)))
            .append(
                "$setOnInsert",
                new Document(SessionDocuments.VERSION_FIELD, SessionDocuments.VERSION));
    Bson plainOnly = Filters.and(sessionFilter, Filters.exists(SessionDocuments.VAULT, false));
    upsertUnlessChanged("write DC option " + option.id(), plainOnly, update);
  }

  // ---- encryption at rest -------------------------------------------------------------------

  @Override
  protected byte @Nullable [] loadKeyVault() {
    Document document =
        call(
            "read the key vault",
            () ->
                sessions
                    .find(sessionFilter)
                    .projection(
                        Projections.include(SessionDocuments.VERSION_FIELD, SessionDocuments.VAULT))
                    .first());
    byte[] vault = SessionDocuments.vault(document, description());
    knownVault = vault;
    return vault;
  }

  /**
   * One upsert of the session document, atomic as every single-document write is: each option's
   * whole sub-document is replaced (so an old {@code authKey} field goes with it), the vault is set
   * or unset, and the layout version says which (see {@link SessionDocuments}). The filter also
   * requires the vault this instance knows: if another instance encrypted, rekeyed or decrypted the
   * session since, the upsert matches nothing, its insert hits the {@code _id}, and nothing is
   * written (so a stale instance never puts back an old vault next to keys another made plain).
   */
  @Override
  protected void storeKeyVault(List<DcOption> options, byte @Nullable [] vault, WriteFence fence) {
    fence(fence);
    Document set = new Document();
    for (DcOption option : options) {
      set.append(SessionDocuments.DCS + "." + option.id(), SessionDocuments.dcOption(option));
    }
    Document update = new Document();
    if (vault == null) {
      set.append(SessionDocuments.VERSION_FIELD, SessionDocuments.VERSION);
      update.append("$unset", new Document(SessionDocuments.VAULT, ""));
    } else {
      set.append(SessionDocuments.VAULT, new Binary(vault))
          .append(SessionDocuments.VERSION_FIELD, SessionDocuments.VAULT_VERSION);
    }
    update.append("$set", set);
    byte[] known = knownVault;
    Bson unchanged =
        Filters.and(
            sessionFilter,
            known == null
                ? Filters.exists(SessionDocuments.VAULT, false)
                : Filters.eq(SessionDocuments.VAULT, new Binary(known)));
    String what =
        vault == null ? "write the DC options without a key vault" : "write the key vault";
    upsertUnlessChanged(what, unchanged, update);
    knownVault = vault;
  }

  /**
   * Upserts the session document where {@code filter} (its {@code _id} and its encryption as this
   * instance knows it) matches; a document that exists but no longer matches is refused.
   *
   * @throws IncompatibleSessionException when another instance changed the session's encryption
   */
  private void upsertUnlessChanged(String what, Bson filter, Document update) {
    try {
      sessions.updateOne(filter, update, UPSERT);
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
        throw new IncompatibleSessionException(
            "session "
                + description()
                + " had its encryption at rest changed by another instance (encrypted, rekeyed or"
                + " made plain) after this one read it; nothing was written (failed to "
                + what
                + "). Open it again, with the encryption-key it has now",
            null);
      }
      throw failure(target, what, e);
    } catch (MongoException e) {
      throw failure(target, what, e);
    }
  }

  /** One upsert of the session document: {@code $set} plus the layout version on insert. */
  private void updateSession(WriteFence fence, String what, Document set) {
    fence(fence);
    Document update =
        new Document("$set", set)
            .append(
                "$setOnInsert",
                new Document(SessionDocuments.VERSION_FIELD, SessionDocuments.VERSION));
    run(what, () -> sessions.updateOne(sessionFilter, update, UPSERT));
  }

  // ---- peers --------------------------------------------------------------------------------

  @Override
  protected @Nullable PeerInfo loadPeer(PeerId id) {
    Document document =
        call(
            "read peer " + id,
            () -> peers.find(PeerDocuments.byId(session, id.botApiDialogId())).first());
    return document == null ? null : PeerDocuments.decode(document, description());
  }

  @Override
  protected PeerInfo.@Nullable User loadSelfUser() {
    PeerInfo found = latestClaim("read the self user", Filters.eq(SELF, true), SELF_AT);
    return found instanceof PeerInfo.User user ? user : null;
  }

  @Override
  protected @Nullable PeerInfo loadPeerByUsername(String username) {
    PeerInfo holder =
        holder(
            "look up username '" + QuotedValue.cut(username) + "'",
            NameDocuments.username(session, username));
    return holder != null && holder.usernames() != null && holder.usernames().contains(username)
        ? holder
        : null;
  }

  @Override
  protected @Nullable PeerInfo loadPeerByPhone(String phone) {
    PeerInfo holder = holder("look up a phone number", NameDocuments.phone(session, phone));
    return holder instanceof PeerInfo.User user && phone.equals(user.phone()) ? holder : null;
  }

  /**
   * The peer the name document {@code nameId} names as the last claimer, or null; the caller checks
   * that it still holds the name.
   */
  private @Nullable PeerInfo holder(String what, Document nameId) {
    Document name = call(what, () -> names.find(NameDocuments.byId(nameId)).first());
    if (name == null) {
      return null;
    }
    long owner = name.get(NameDocuments.OWNER, Number.class).longValue();
    Document document = call(what, () -> peers.find(PeerDocuments.byId(session, owner)).first());
    return document == null ? null : PeerDocuments.decode(document, description());
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
  protected void storePeers(List<PeerInfo> reducedBatch, Instant cachedAt, WriteFence fence) {
    fence(fence);
    Claims claims = new Claims(reducedBatch);
    if (claims.isEmpty()) {
      storeClaimFree(reducedBatch);
      return;
    }
    claimLock.lock();
    try {
      storeClaiming(reducedBatch, claims);
    } finally {
      claimLock.unlock();
    }
  }

  /**
   * The hot path: records that claim no username, phone or self flag take nothing from other peers,
   * so they need no holder read, no names write and no {@link #claimLock}: one upsert per record by
   * {@code _id}, a single {@code updateOne} or one unordered {@code bulkWrite}. Each upsert is a
   * single-document merge, so concurrent writers (threads, instances, processes) lose no component.
   */
  private void storeClaimFree(List<PeerInfo> reducedBatch) {
    if (reducedBatch.size() == 1) {
      PeerInfo peer = reducedBatch.get(0);
      run(
          "cache peer " + peer.peerId(),
          () -> peers.updateOne(byId(peer), PeerDocuments.mergeUpdate(peer), UPSERT));
      return;
    }
    List<WriteModel<Document>> merges = merges(reducedBatch, 0);
    run("cache " + reducedBatch.size() + " peers", () -> peers.bulkWrite(merges, UNORDERED));
  }

  /** The merge upserts of a batch, with room for {@code extra} further writes. */
  private List<WriteModel<Document>> merges(List<PeerInfo> reducedBatch, int extra) {
    List<WriteModel<Document>> writes = new ArrayList<>(reducedBatch.size() + extra);
    for (PeerInfo peer : reducedBatch) {
      writes.add(new UpdateOneModel<>(byId(peer), PeerDocuments.mergeUpdate(peer), UPSERT));
    }
    return writes;
  }

  /** The filter of a peer's document: its {@code _id}, nothing else. */
  private Bson byId(PeerInfo peer) {
    return PeerDocuments.byId(session, peer.peerId().botApiDialogId());
  }

  /**
   * Reads the holders of the claimed names while the merges are written (they need nothing from the
   * holders), then takes the names from their previous holders and records the new ones (see
   * above).
   */
  private void storeClaiming(List<PeerInfo> reducedBatch, Claims claims) {
    String what = "cache " + reducedBatch.size() + " peer(s)";
    CompletableFuture<Map<Document, Long>> holdersRead =
        claims.names.isEmpty()
            ? CompletableFuture.completedFuture(Map.of())
            : CompletableFuture.supplyAsync(() -> holders(what, claims.names), HOLDER_READS);
    List<WriteModel<Document>> merges = merges(reducedBatch, 0);
    try {
      run(what, () -> peers.bulkWrite(merges, UNORDERED));
    } finally {
      awaitQuietly(holdersRead);
    }
    Map<Document, Long> holders = joined(holdersRead);
    List<WriteModel<Document>> takes = new ArrayList<>();
    Map<Long, List<String>> lostUsernames = new LinkedHashMap<>();
    List<WriteModel<Document>> nameWrites = new ArrayList<>();
    for (Claim claim : claims.names.values()) {
      Long previous = holders.get(claim.nameId());
      if (previous != null && previous == claim.claimer()) {
        continue; // already the holder: nothing to take, nothing to record
      }
      if (previous != null) {
        if (claim.phone() == null) {
          if (!claims.usernameClaimers.contains(previous)) {
            lostUsernames.computeIfAbsent(previous, p -> new ArrayList<>()).add(claim.username());
          }
        } else if (!claims.phoneClaimers.contains(previous)) {
          takes.add(
              new UpdateOneModel<>(
                  Filters.and(
                      PeerDocuments.byId(session, previous), Filters.eq(PHONE, claim.phone())),
                  Updates.unset(PHONE)));
        }
      }
      nameWrites.add(
          new UpdateOneModel<>(
              NameDocuments.byId(claim.nameId()),
              Updates.set(NameDocuments.OWNER, claim.claimer()),
              UPSERT));
    }
    lostUsernames.forEach(
        (previous, usernames) ->
            takes.add(
                new UpdateOneModel<>(
                    PeerDocuments.byId(session, previous), Updates.pullAll(USERNAMES, usernames))));
    if (claims.selfClaimer != null) {
      takes.add(
          new UpdateManyModel<>(
              Filters.and(
                  peersOfSession, Filters.eq(SELF, true), Filters.ne(PEER, claims.selfClaimer)),
              Updates.set(SELF, false)));
    }
    if (!takes.isEmpty()) {
      run(what, () -> peers.bulkWrite(takes, UNORDERED));
    }
    if (!nameWrites.isEmpty()) {
      run(what, () -> names.bulkWrite(nameWrites, UNORDERED));
    }
  }

  /** Waits for a read, whatever its outcome (so none is left running after a failed write). */
  private static void awaitQuietly(CompletableFuture<?> read) {
    try {
      read.join();
    } catch (RuntimeException e) {
      // reported by joined(), or superseded by the write's failure
    }
  }

  /** The read's value, or the exception it threw. */
  private static <T> T joined(CompletableFuture<T> read) {
    try {
      return read.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** The current holder of each claimed name that has one, read by {@code _id} in chunks. */
  private Map<Document, Long> holders(String what, Map<Document, Claim> claimed) {
    Map<Document, Long> holders = new HashMap<>();
    List<Document> ids = new ArrayList<>(claimed.keySet());
    for (int from = 0; from < ids.size(); from += HOLDER_CHUNK) {
      List<Document> chunk = ids.subList(from, Math.min(ids.size(), from + HOLDER_CHUNK));
      run(
          what,
          () -> {
            for (Document name : names.find(Filters.in(NameDocuments.ID, chunk))) {
              holders.put(
                  name.get(NameDocuments.ID, Document.class),
                  name.get(NameDocuments.OWNER, Number.class).longValue());
            }
          });
    }
    return holders;
  }

  /** One claimed username ({@code phone} null) or phone ({@code username} null). */
  private record Claim(
      Document nameId, long claimer, @Nullable String username, @Nullable String phone) {}

  /**
   * The claims of a reduced batch: no two records claim one name, and each claimer's own upsert
   * sets its full list, phone or flag, so a claimer never needs a name taken from it by the batch.
   */
  private final class Claims {
    final Map<Document, Claim> names = new LinkedHashMap<>();
    final Set<Long> usernameClaimers = new HashSet<>();
    final Set<Long> phoneClaimers = new HashSet<>();
    @Nullable Long selfClaimer;

    Claims(List<PeerInfo> batch) {
      for (PeerInfo peer : batch) {
        long dialogId = peer.peerId().botApiDialogId();
        if (peer.usernames() != null) {
          usernameClaimers.add(dialogId);
          for (String username : peer.usernames()) {
            Document id = NameDocuments.username(session, username);
            names.put(id, new Claim(id, dialogId, username, null));
          }
        }
        if (peer instanceof PeerInfo.User user) {
          if (user.phone() != null) {
            phoneClaimers.add(dialogId);
            Document id = NameDocuments.phone(session, user.phone());
            names.put(id, new Claim(id, dialogId, null, user.phone()));
          }
          if (user.isSelf()) {
            selfClaimer = dialogId;
          }
        }
      }
    }

    boolean isEmpty() {
      return names.isEmpty() && selfClaimer == null;
    }
  }

  @Override
  protected Stream<PeerInfo> streamPeers() {
    MongoCursor<Document> cursor =
        call("list the peers", () -> peers.find(peersOfSession).iterator());
    Iterator<PeerInfo> decoded =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return call("list the peers", cursor::hasNext);
          }

          @Override
          public PeerInfo next() {
            return PeerDocuments.decode(call("list the peers", cursor::next), description());
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
    return call("count the peers", () -> peers.countDocuments(peersOfSession));
  }

  // ---- updates state ------------------------------------------------------------------------

  @Override
  protected UpdatesState loadUpdatesState() {
    Document document =
        call(
            "read the updates state",
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
  protected void storeUpdateState(UpdateState update, WriteFence fence) {
    updateSession(fence, "write the updates state", SessionDocuments.updateStateSet(update));
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  @Override
  protected void clearStore(WriteFence fence) {
    fence(fence);
    run("delete the peers", () -> peers.deleteMany(peersOfSession));
    run("delete the names", () -> names.deleteMany(Filters.eq(NameDocuments.SESSION, session)));
    run("delete the session document", () -> sessions.deleteOne(sessionFilter));
    knownVault = null;
  }

  @Override
  protected void closeStore() {
    client.release();
  }

  // ---- leases -------------------------------------------------------------------------------

  @Override
  protected LeaseStore leaseStore() {
    return leases;
  }

  /**
   * Fencing, right before each write (not atomic with it: see {@link MongoLeaseStore}): throws
   * {@link dev.tgsession.SessionLeaseLostException} when this session holds a lease whose token is
   * no longer the stored one.
   */
  private void fence(WriteFence fence) {
    SessionLease held = fence.lease();
    if (held != null && !leases.confirmHeld(held)) {
      throw fence.lost();
    }
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

  /**
   * {@code MongoDB at HOSTS/DATABASE failed to OPERATION for session 'NAME': CAUSE}, the cause with
   * every credential scrubbed, then what to check.
   */
  static SessionStorageException failure(MongoTarget target, String operation, MongoException e) {
    return new SessionStorageException(
        "MongoDB at "
            + target.where()
            + " failed to "
            + operation
            + " for session '"
            + QuotedValue.cut(target.session())
            + "': "
            + target.scrub(e.getMessage())
            + advice(e),
        e);
  }

  private static String advice(MongoException e) {
    if (e instanceof MongoSecurityException) {
      return "; check the user, password and authSource in the URI";
    }
    if (e instanceof MongoTimeoutException || e instanceof MongoSocketException) {
      return "; check that the server is running and reachable (serverSelectionTimeoutMS in the"
          + " URI sets how long to wait)";
    }
    if (e instanceof MongoCommandException command && command.getErrorCode() == 13) {
      return "; check that the user may read and write this database";
    }
    return "";
  }
}
