package dev.tgsession.mongo;

import static dev.tgsession.mongo.PeerMongoCodec.PEER;
import static dev.tgsession.mongo.PeerMongoCodec.SELF;
import static dev.tgsession.mongo.PeerMongoCodec.SESSION;

import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.DeleteManyModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionStorageException;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.mongo.PeerMongoCodec.Names;
import dev.tgsession.spi.AbstractSession;
import dev.tgsession.spi.LeaseStore;
import dev.tgsession.spi.PeerCache;
import dev.tgsession.spi.StoredDcs;
import dev.tgsession.spi.WriteFence;
import dev.tgsession.support.QuotedValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;
import org.jspecify.annotations.Nullable;

/**
 * A session in four collections of one database: its document in {@code PREFIXsessions} ({@link
 * StateMongoCodec}), one document per peer in {@code PREFIXpeers}, one per claimed username or
 * phone number in {@code PREFIXnames} ({@link PeerMongoCodec}) and its lease in {@code
 * PREFIXleases} ({@link MongoLeaseStore}). Every read and write of a peer or a name finds its
 * document by {@code _id}.
 *
 * <p>No multi-document transactions (a standalone server has none). Each merge is one
 * single-document upsert; a batch that claims no username, phone or self flag is just its merges in
 * one command; claims are {@link MongoClaims}. The self lookup takes the user whose self claim the
 * server stamped last ({@code $currentDate}), then the lowest dialog id.
 *
 * <p>Fencing is in the write: a leased write of the session document carries {@code fence <= token}
 * in its filter, and every peer write is one ordered command whose first operation checks the
 * physical key's marker (not retired, {@code fence <= token}) and stops the command when it fails.
 * A new lease holder raises both fences before its open returns ({@link #raiseFence}).
 *
 * <p>{@link #replaceStore} stages the new peers and names under a new generation and switches to it
 * with one write of the session document (see {@link MongoReplace}).
 */
final class MongoSession extends AbstractSession {

  private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

  private final MongoTarget target;
  private final MongoConnections.Lease client;
  private final MongoFailures failures;
  private final MongoLeaseStore leases;
  private final MongoClaims claims;
  private final String session;
  final MongoCollection<Document> sessions;
  final MongoCollection<Document> peers;
  final MongoCollection<Document> names;
  private final MongoDocuments documents;

  /** The {@code at} of the last peer write: the next is later, so its merges modify documents. */
  private final AtomicLong lastAt = new AtomicLong();

  /** Serializes this instance's claiming writes (see {@link MongoClaims}). */
  private final ReentrantLock claimLock = new ReentrantLock();

  /**
   * The vault as this instance last read or wrote it (null: none), which {@link #storeKeyVault}
   * requires to still be the stored one; written under AbstractSession's DC lock.
   */
  private volatile byte @Nullable [] knownVault;

  /** The replace being staged by one thread, whose store operations it records. */
  private volatile @Nullable MongoReplace replacing;

  private MongoSession(MongoTarget target, MongoConnections.Lease client, PeerCache peerCache) {
    super(target.toString(), peerCache);
    this.target = target;
    this.client = client;
    this.session = target.session();
    this.failures = new MongoFailures(target);
    MongoDatabase database = client.client().getDatabase(target.database());
    this.sessions = database.getCollection(target.sessionsCollection());
    this.peers = database.getCollection(target.peersCollection());
    this.names = database.getCollection(target.namesCollection());
    this.documents = new MongoDocuments(target, failures, sessions, peers, names);
    this.claims = new MongoClaims(peers, names, failures);
    this.leases =
        new MongoLeaseStore(
            database.getCollection(target.leasesCollection()),
            session,
            description(),
            failures,
            documents::raiseFence);
    documents.leases(leases);
  }

  /**
   * Connects (sharing the client of the connection string) and creates the indexes once per client.
   *
   * @throws SessionStorageException if the server cannot be reached or refuses
   */
  static MongoSession open(MongoTarget target, PeerCache peerCache) {
    MongoConnections.Lease lease = MongoConnections.acquire(target);
    try {
      MongoSession opened = new MongoSession(target, lease, peerCache);
      createIndexes(target, lease, opened.failures);
      return opened;
    } catch (RuntimeException e) {
      lease.release();
      throw e;
    }
  }

  /**
   * Creates the one secondary index of the peers and the one of the names, once per client. The
   * peers need no {@code (session, peer)} index: {@code _id} serves every write and lookup by id,
   * and {@code session_self}'s {@code _id.s} prefix the per-session scans and the self lookup. The
   * sessions are listed by {@code _id}.
   */
  static void createIndexes(
      MongoTarget target, MongoConnections.Lease lease, MongoFailures failures) {
    MongoDatabase database = lease.client().getDatabase(target.database());
    MongoConnections.ensureIndexes(
        lease,
        target.database() + "/" + target.peersCollection(),
        () -> {
          failures.run(
              "create the indexes of " + target.peersCollection(),
              () ->
                  database
                      .getCollection(target.peersCollection())
                      .createIndex(
                          Indexes.ascending(SESSION, SELF),
                          new IndexOptions().name("session_self")));
          failures.run(
              "create the indexes of " + target.namesCollection(),
              () ->
                  database
                      .getCollection(target.namesCollection())
                      .createIndex(
                          Indexes.ascending(Names.SESSION), new IndexOptions().name("session")));
        });
  }

  private void updateSession(WriteFence fence, String what, Document set) {
    MongoReplace stage = staging();
    if (stage != null) {
      stage.set(set);
      return;
    }
    documents.writeSession(what, fence, null, new Document("$set", set), null);
  }

  private IncompatibleSessionException encryptionChanged(String what) {
    return new IncompatibleSessionException(
        "session "
            + description()
            + " had its encryption at rest changed by another instance (encrypted, rekeyed or"
            + " made plain) after this one read it; nothing was written (failed to "
            + what
            + "). Open it again, with the encryption-key it has now",
        null);
  }

  /** The filter part requiring the vault this instance knows (none, or exactly that one). */
  Bson knownVaultCondition() {
    byte[] known = knownVault;
    return known == null
        ? Filters.exists(StateMongoCodec.VAULT, false)
        : Filters.eq(StateMongoCodec.VAULT, new Binary(known));
  }

  // ---- DCs ----------------------------------------------------------------------------------

  @Override
  protected StoredDcs loadDcs() {
    Document document =
        documents.readSession("read the DC options", StateMongoCodec.HOME_DC, StateMongoCodec.DCS);
    return StateMongoCodec.storedDcs(document, description());
  }

  @Override
  protected void storeHomeDcId(int dcId, WriteFence fence) {
    updateSession(fence, "write the home DC", new Document(StateMongoCodec.HOME_DC, dcId));
  }

  /**
   * Writes a DC option of a session this instance holds plain (an encrypted one goes through {@link
   * #storeKeyVault}). The filter matches only a document without a vault: if another instance
   * encrypted the session since this one opened it, nothing is written.
   */
  @Override
  protected void storeDcOption(DcOption option, WriteFence fence) {
    MongoReplace stage = staging();
    if (stage != null) {
      stage.dc(option);
      return;
    }
    Document set =
        new Document(StateMongoCodec.DCS + "." + option.id(), StateMongoCodec.dcOption(option));
    documents.writeSession(
        "write DC option " + option.id(),
        fence,
        Filters.exists(StateMongoCodec.VAULT, false),
        new Document("$set", set),
        this::encryptionChanged);
  }

  // ---- encryption at rest -------------------------------------------------------------------

  @Override
  protected byte @Nullable [] loadKeyVault() {
    Document document = documents.readSession("read the key vault", StateMongoCodec.VAULT);
    byte[] vault = StateMongoCodec.vault(document, description());
    knownVault = vault;
    return vault;
  }

  /**
   * One upsert of the session document: each option's whole sub-document is replaced, the vault is
   * set or unset, and the layout version says which. The filter also requires the vault this
   * instance knows: if another instance encrypted, rekeyed or decrypted the session since, nothing
   * is written.
   */
  @Override
  protected void storeKeyVault(List<DcOption> options, byte @Nullable [] vault, WriteFence fence) {
    MongoReplace stage = staging();
    if (stage != null) {
      stage.vault(options, vault);
      return;
    }
    Document set = new Document();
    for (DcOption option : options) {
      set.append(StateMongoCodec.DCS + "." + option.id(), StateMongoCodec.dcOption(option));
    }
    Document update = new Document();
    if (vault == null) {
      set.append(StateMongoCodec.VERSION_FIELD, StateMongoCodec.VERSION);
      update.append("$unset", new Document(StateMongoCodec.VAULT, ""));
    } else {
      set.append(StateMongoCodec.VAULT, new Binary(vault))
          .append(StateMongoCodec.VERSION_FIELD, StateMongoCodec.VAULT_VERSION);
    }
    update.append("$set", set);
    String what =
        vault == null ? "write the DC options without a key vault" : "write the key vault";
    documents.writeSession(what, fence, knownVaultCondition(), update, this::encryptionChanged);
    knownVault = vault;
  }

  // ---- extras -------------------------------------------------------------------------------

  @Override
  protected Map<String, byte[]> loadExtras() {
    Document document = documents.readSession("read the extras", StateMongoCodec.EXTRAS);
    return StateMongoCodec.extras(document, description());
  }

  @Override
  protected void storeExtra(String name, byte @Nullable [] value, WriteFence fence) {
    if (name.isEmpty() || name.indexOf('.') >= 0 || name.startsWith("$")) {
      throw new IllegalArgumentException(
          "expected an extra name without '.' that does not start with '$', found '"
              + QuotedValue.cut(name)
              + "'");
    }
    MongoReplace stage = staging();
    if (stage != null) {
      stage.extra(name, value);
      return;
    }
    String field = StateMongoCodec.EXTRAS + "." + name;
    Document update =
        value == null
            ? new Document("$unset", new Document(field, ""))
            : new Document("$set", new Document(field, new Binary(value)));
    documents.writeSession(
        "write extra '" + QuotedValue.cut(name) + "'", fence, null, update, null);
  }

  // ---- peers --------------------------------------------------------------------------------

  @Override
  protected @Nullable PeerInfo loadPeer(PeerId id) {
    Document document = documents.peerDocument("read peer " + id, id.botApiDialogId());
    return document == null ? null : PeerMongoCodec.decode(document, description());
  }

  @Override
  protected @Nullable Instant loadPeerCachedAt(PeerId id) {
    Document document =
        documents.peerDocument("read when peer " + id + " was cached", id.botApiDialogId());
    return document == null ? null : PeerMongoCodec.cachedAt(document);
  }

  /**
   * The user whose self claim was stamped last: the generation's marker comes with it (it sorts
   * last, without {@code selfAt}) and tells a retired generation.
   */
  @Override
  protected PeerInfo.@Nullable User loadSelfUser() {
    Document found = documents.selfDocument();
    PeerInfo peer = found == null ? null : PeerMongoCodec.decode(found, description());
    return peer instanceof PeerInfo.User user ? user : null;
  }

  @Override
  protected @Nullable PeerInfo loadPeerByUsername(String username) {
    PeerInfo holder =
        holder(
            "look up username '" + QuotedValue.cut(username) + "'",
            k -> Names.username(k, username));
    return holder != null && holder.usernames() != null && holder.usernames().contains(username)
        ? holder
        : null;
  }

  @Override
  protected @Nullable PeerInfo loadPeerByPhone(String phone) {
    PeerInfo holder = holder("look up a phone number", k -> Names.phone(k, phone));
    return holder instanceof PeerInfo.User user && phone.equals(user.phone()) ? holder : null;
  }

  /**
   * The peer the name document names as the last claimer, or null; read with the generation's names
   * marker. The caller checks that the peer still holds the name.
   */
  private @Nullable PeerInfo holder(String what, Function<String, Document> nameId) {
    Long owner = documents.nameOwner(what, nameId);
    if (owner == null) {
      return null;
    }
    Document document = documents.peerDocument(what, owner);
    return document == null ? null : PeerMongoCodec.decode(document, description());
  }

  @Override
  protected void storePeers(List<PeerInfo> reducedBatch, Instant cachedAt, WriteFence fence) {
    long stamp = PeerMongoCodec.instantToNanos(cachedAt);
    long at = lastAt.updateAndGet(last -> Math.max(last + 1, stamp));
    String what = "cache " + reducedBatch.size() + " peer(s)";
    MongoReplace stage = staging();
    if (stage != null) {
      storePeersUnder(what, stage.key(), reducedBatch, at, fence);
      return;
    }
    documents.ensureListed();
    documents.onGeneration(
        what,
        k -> {
          storePeersUnder(what, k, reducedBatch, at, fence);
          return null;
        });
  }

  /**
   * The merges in one command. A batch always claims, its holders read beside the merges. A lone
   * claimer's names follow in an upsert of their own ({@link MongoClaims#namesFirst}) after its
   * merge, which always modifies ({@code at} only grows): modified 1, inserted 0 = no name changed.
   */
  private void storePeersUnder(
      String what, String k, List<PeerInfo> reducedBatch, long at, WriteFence fence) {
    boolean claimFree = MongoClaims.claimFree(reducedBatch);
    boolean split = !claimFree && reducedBatch.size() == 1; // a batch: 2 updates a peer cost more
    List<WriteModel<Document>> merges = new ArrayList<>(reducedBatch.size() + 1);
    for (PeerInfo peer : reducedBatch) {
      Bson byId = PeerMongoCodec.byId(k, peer.peerId().botApiDialogId());
      BsonDocument merge = PeerMongoCodec.mergeUpdate(peer, at);
      BsonDocument names = split ? MongoClaims.namesFirst(merge) : null;
      merges.add(new UpdateOneModel<>(byId, merge, UPSERT)); // with at: a prune cannot take it
      if (names != null) {
        merges.add(new UpdateOneModel<>(byId, names, UPSERT));
      }
    }
    if (claimFree) {
      documents.writePeers(what, k, fence, merges);
      return;
    }
    claimLock.lock();
    try {
      if (!split) {
        claims.storeBeside(k, reducedBatch, () -> documents.writePeers(what, k, fence, merges));
      } else {
        BulkWriteResult written = documents.writePeers(what, k, fence, merges);
        if (!written.getUpserts().isEmpty() || written.getModifiedCount() > 1) {
          claims.store(k, reducedBatch); // a new peer, or its names changed too
        }
      }
    } finally {
      claimLock.unlock();
    }
  }

  /**
   * Deletes the peers last cached before {@code olderThan} (and those stored before peers had a
   * time), never the self user: one {@code deleteMany} behind the marker check, so a cache write
   * racing it either lands after it or refreshes {@code at} first and keeps its peer. Their names
   * are released: a name document whose holder is gone finds nobody.
   */
  @Override
  protected long prunePeers(Instant olderThan, WriteFence fence) {
    long before = PeerMongoCodec.instantToNanos(olderThan);
    String what = "prune the peers cached before " + olderThan;
    return documents.onGeneration(
        what,
        k ->
            (long)
                documents
                    .writePeers(
                        what,
                        k,
                        fence,
                        List.of(
                            new DeleteManyModel<>(
                                Filters.and(
                                    Filters.eq(SESSION, k),
                                    Filters.ne(PEER, PeerMongoCodec.MARK),
                                    Filters.ne(SELF, true),
                                    Filters.or(
                                        Filters.lt(PeerMongoCodec.AT, before),
                                        Filters.exists(PeerMongoCodec.AT, false))))))
                    .getDeletedCount());
  }

  @Override
  protected Stream<PeerInfo> streamPeers() {
    String k = documents.refreshKey();
    MongoCursor<Document> cursor =
        failures.call(
            "list the peers",
            () ->
                peers
                    .find(
                        Filters.and(Filters.eq(SESSION, k), Filters.ne(PEER, PeerMongoCodec.MARK)))
                    .iterator());
    Iterator<PeerInfo> decoded =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return failures.call("list the peers", cursor::hasNext);
          }

          @Override
          public PeerInfo next() {
            return PeerMongoCodec.decode(
                failures.call("list the peers", cursor::next), description());
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
    String k = documents.refreshKey();
    return failures.call(
        "count the peers",
        () ->
            peers.countDocuments(
                Filters.and(Filters.eq(SESSION, k), Filters.ne(PEER, PeerMongoCodec.MARK))));
  }

  // ---- updates state ------------------------------------------------------------------------

  @Override
  protected UpdatesState loadUpdatesState() {
    Document document = documents.readSession("read the updates state", StateMongoCodec.UPDATES);
    return StateMongoCodec.updatesState(document, description());
  }

  @Override
  protected void storeUpdateState(UpdateState update, WriteFence fence) {
    updateSession(fence, "write the updates state", StateMongoCodec.updateStateSet(update));
  }

  // ---- replace, clear, close ----------------------------------------------------------------

  /** The replace the calling thread is staging, or null. */
  private @Nullable MongoReplace staging() {
    MongoReplace stage = replacing;
    return stage != null && stage.isStagedBy(Thread.currentThread()) ? stage : null;
  }

  /**
   * Replaces the session as one unit to every reader: the core's single writes are recorded (peers
   * written under a new generation nobody reads yet), then one write of the session document
   * switches to it; see {@link MongoReplace}.
   */
  @Override
  protected void replaceStore(
      dev.tgsession.SessionData data, byte @Nullable [] vault, Instant cachedAt, WriteFence fence) {
    Document current =
        documents.readSession(
            "read the session document", StateMongoCodec.VAULT, StateMongoCodec.FENCE);
    if (fence.leased() && StateMongoCodec.fenceOf(current) > fence.token()) {
      throw fence.lost();
    }
    MongoReplace stage =
        new MongoReplace(
            documents, session, StateMongoCodec.generation(current), Thread.currentThread());
    replacing = stage;
    try {
      stage.begin(fence);
      super.replaceStore(data, vault, cachedAt, fence);
    } catch (RuntimeException e) {
      replacing = null;
      stage.abandon(failures);
      throw e;
    }
    replacing = null;
    stage.switchTo(fence, failures, knownVaultCondition(), this::encryptionChanged);
    documents.switched(stage.key());
    knownVault = vault;
    stage.retireOld(failures);
  }

  /**
   * Empties the session document (it stays, so the session stays listed), then deletes the
   * generation's peers behind the marker check, then its names.
   */
  @Override
  protected void clearStore(WriteFence fence) {
    if (staging() != null) {
      return; // a replace starts from nothing anyway
    }
    Document unset = new Document();
    for (String field :
        List.of(
            StateMongoCodec.HOME_DC,
            StateMongoCodec.DCS,
            StateMongoCodec.UPDATES,
            StateMongoCodec.EXTRAS,
            StateMongoCodec.VAULT)) {
      unset.append(field, "");
    }
    documents.writeSession(
        "clear the session document",
        fence,
        null,
        new Document("$unset", unset)
            .append("$set", new Document(StateMongoCodec.VERSION_FIELD, StateMongoCodec.VERSION)),
        null);
    knownVault = null;
    documents.onGeneration(
        "delete the peers",
        k -> {
          documents.writePeers(
              "delete the peers",
              k,
              fence,
              List.of(
                  new DeleteManyModel<>(
                      Filters.and(Filters.eq(SESSION, k), Filters.ne(PEER, PeerMongoCodec.MARK)))));
          failures.run(
              "delete the names",
              () ->
                  names.deleteMany(
                      Filters.and(Filters.eq(Names.SESSION, k), Filters.ne(Names.USERNAME, ""))));
          return null;
        });
  }

  @Override
  protected void closeStore() {
    client.release();
  }

  @Override
  protected LeaseStore leaseStore() {
    return leases;
  }
}
