package dev.tgsession.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerId;
import dev.tgsession.Session;
import dev.tgsession.SessionLease;
import dev.tgsession.SessionStore;
import dev.tgsession.SessionSummary;
import dev.tgsession.Sessions;
import dev.tgsession.mongo.PeerMongoCodec.Names;
import dev.tgsession.spi.KeyVaults;
import dev.tgsession.spi.SessionFailures;
import dev.tgsession.spi.SessionUri;
import dev.tgsession.spi.SharedOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;
import org.jspecify.annotations.Nullable;

/**
 * The directory of the sessions under one database and collection prefix: the session documents,
 * listed by {@code _id} (the name; the {@code _id} index serves the anchored prefix match and the
 * order), {@value #PAGE} per query, each page's leases read in one query. A summary reads the
 * session document and counts the session's peers and finds its self user through the {@code
 * session_self} index. Names are ordered by the server's binary order of their UTF-8 bytes, which
 * is UTF-16 order except between characters U+E000..U+FFFF and those beyond U+FFFF.
 *
 * <p>{@link #delete} first removes the lease document if nobody holds an unexpired lease (one
 * atomic {@code deleteOne} whose filter says "free"), else refuses; then the session document, the
 * peers and names of every generation of the session. {@link #forceDelete} instead sets the lease
 * free with a higher token and leaves the holder fenced (see there).
 */
final class MongoDirectory implements SessionStore {

  static final int PAGE = 200;

  private final MongoTarget target;
  private final MongoConnections.Lease client;
  private final MongoFailures failures;
  private final MongoCollection<Document> sessions;
  private final MongoCollection<Document> peers;
  private final MongoCollection<Document> names;
  private final MongoCollection<Document> leases;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MongoDirectory(MongoTarget target, MongoConnections.Lease client) {
    this.target = target;
    this.client = client;
    this.failures = new MongoFailures(target);
    MongoDatabase database = client.client().getDatabase(target.database());
    this.sessions = database.getCollection(target.sessionsCollection());
    this.peers = database.getCollection(target.peersCollection());
    this.names = database.getCollection(target.namesCollection());
    this.leases = database.getCollection(target.leasesCollection());
  }

  static MongoDirectory open(MongoTarget target) {
    MongoConnections.Lease lease = MongoConnections.acquire(target);
    try {
      MongoSession.createIndexes(target, lease, new MongoFailures(target));
      return new MongoDirectory(target, lease);
    } catch (RuntimeException e) {
      lease.release();
      throw e;
    }
  }

  @Override
  public Stream<SessionSummary> list(String namePrefix) {
    Objects.requireNonNull(namePrefix, "namePrefix");
    ensureOpen();
    if (!namePrefix.isEmpty()) {
      SharedOptions.SESSION.check(namePrefix, "the name prefix given to list " + target);
    }
    Iterator<SessionSummary> pages =
        new Iterator<>() {
          private final ArrayDeque<SessionSummary> page = new ArrayDeque<>();
          private @Nullable String after;
          private boolean done;

          @Override
          public boolean hasNext() {
            if (page.isEmpty() && !done) {
              fetch();
            }
            return !page.isEmpty();
          }

          @Override
          public SessionSummary next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return page.removeFirst();
          }

          private void fetch() {
            List<Bson> filters = new ArrayList<>();
            filters.add(Filters.exists(StateMongoCodec.VERSION_FIELD));
            if (!namePrefix.isEmpty()) {
              filters.add(Filters.regex("_id", "^" + Pattern.quote(namePrefix)));
            }
            if (after != null) {
              filters.add(Filters.gt("_id", after));
            }
            List<Document> documents =
                failures.call(
                    "list the sessions",
                    () ->
                        sessions
                            .find(Filters.and(filters))
                            .sort(Sorts.ascending("_id"))
                            .limit(PAGE)
                            .into(new ArrayList<>()));
            done = documents.size() < PAGE;
            if (documents.isEmpty()) {
              return;
            }
            List<String> found = new ArrayList<>();
            documents.forEach(document -> found.add(document.getString("_id")));
            Map<String, SessionLease> held = leases(found);
            for (Document document : documents) {
              page.add(summaryOf(document, held.get(document.getString("_id"))));
            }
            after = found.get(found.size() - 1);
          }
        };
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(
            pages, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT),
        false);
  }

  @Override
  public Optional<SessionSummary> summary(String name) {
    checkName(name);
    ensureOpen();
    Document document =
        failures.call(
            "read the session document", () -> sessions.find(Filters.eq("_id", name)).first());
    if (document == null || !document.containsKey(StateMongoCodec.VERSION_FIELD)) {
      return Optional.empty();
    }
    return Optional.of(summaryOf(document, leases(List.of(name)).get(name)));
  }

  private SessionSummary summaryOf(Document document, @Nullable SessionLease lease) {
    String name = document.getString("_id");
    String key = StateMongoCodec.physicalKey(name, StateMongoCodec.generation(document));
    Number home = document.get(StateMongoCodec.HOME_DC, Number.class);
    Document self =
        failures.call(
            "read the self user of " + name,
            () ->
                peers
                    .find(
                        Filters.and(
                            Filters.eq(PeerMongoCodec.SESSION, key),
                            Filters.eq(PeerMongoCodec.SELF, true)))
                    .projection(Projections.include("_id"))
                    .sort(
                        Sorts.orderBy(
                            Sorts.descending(PeerMongoCodec.SELF_AT),
                            Sorts.ascending(PeerMongoCodec.PEER)))
                    .limit(1)
                    .first());
    long count =
        failures.call(
            "count the peers of " + name,
            () ->
                peers.countDocuments(
                    Filters.and(
                        Filters.eq(PeerMongoCodec.SESSION, key),
                        Filters.ne(PeerMongoCodec.PEER, PeerMongoCodec.MARK))));
    Long selfId = null;
    if (self != null) {
      long dialogId = self.get("_id", Document.class).get("p", Number.class).longValue();
      selfId = new PeerId(dialogId).bareId();
    }
    Date at = document.get(StateMongoCodec.AT) instanceof Date date ? date : null;
    return new SessionSummary(
        name,
        home == null || home.intValue() <= 0 ? KnownDcs.DEFAULT_HOME_DC : home.intValue(),
        selfId,
        count,
        at == null ? null : at.toInstant(),
        Optional.ofNullable(lease),
        fingerprint(document.get(StateMongoCodec.VAULT)));
  }

  /** The fingerprint a key vault names (nothing else of the vault is read). */
  static @Nullable String fingerprint(@Nullable Object vault) {
    return vault instanceof Binary binary ? KeyVaults.fingerprint(binary.getData()) : null;
  }

  /** The unexpired leases of these sessions, by the server's clock. */
  private Map<String, SessionLease> leases(List<String> sessionNames) {
    Map<String, SessionLease> held = new HashMap<>();
    failures.run(
        "read the leases",
        () -> {
          for (Document document :
              leases.find(
                  Filters.and(
                      Filters.in("_id", sessionNames),
                      Filters.ne(MongoLeaseStore.OWNER, null),
                      MongoLeaseStore.nowVersusEnd("$lt")))) {
            held.put(document.getString("_id"), MongoLeaseStore.lease(document));
          }
        });
    return held;
  }

  @Override
  public Session open(String name) {
    checkName(name);
    ensureOpen();
    return Sessions.open(SessionUri.withOption(target.rawUri(), "session", name));
  }

  @Override
  public boolean delete(String name) {
    checkName(name);
    ensureOpen();
    Document lease =
        failures.call(
            "remove the lease of " + name,
            () ->
                leases.findOneAndDelete(
                    Filters.and(
                        Filters.eq("_id", name),
                        Filters.or(
                            Filters.eq(MongoLeaseStore.OWNER, null),
                            MongoLeaseStore.nowVersusEnd("$gte")))));
    if (lease == null) {
      Map<String, SessionLease> held = leases(List.of(name));
      if (held.containsKey(name)) {
        throw SessionFailures.leased(target.toString() + " session '" + name + "'", held.get(name));
      }
    }
    return removeDocuments(name) || lease != null;
  }

  /**
   * Ends the lease with a higher token, removes the session's documents like {@link #delete}, and
   * leaves the holder fenced: a session document stub {@code {_id, fence}} (not listed: it has no
   * layout version) and the generation's marker, both with the new token, so the holder's next
   * write fails with {@code SessionLeaseLostException}.
   */
  @Override
  public boolean forceDelete(String name) {
    checkName(name);
    ensureOpen();
    Document lease =
        failures.call(
            "end the lease of " + name,
            () ->
                leases.findOneAndUpdate(
                    Filters.eq("_id", name),
                    Updates.combine(
                        Updates.set(MongoLeaseStore.OWNER, null),
                        Updates.inc(MongoLeaseStore.TOKEN, 1L)),
                    new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)));
    Document session =
        failures.call(
            "read session " + name,
            () ->
                sessions
                    .find(Filters.eq("_id", name))
                    .projection(Projections.include(StateMongoCodec.GEN))
                    .first());
    String key = StateMongoCodec.physicalKey(name, StateMongoCodec.generation(session));
    boolean removed = removeDocuments(name);
    if (lease != null) {
      long token = lease.get(MongoLeaseStore.TOKEN, Number.class).longValue();
      UpdateOptions upsert = new UpdateOptions().upsert(true);
      failures.run(
          "fence the holder of " + name,
          () -> {
            sessions.updateOne(
                Filters.eq("_id", name), Updates.max(StateMongoCodec.FENCE, token), upsert);
            MongoGate.raise(peers, Filters.eq("_id", PeerMongoCodec.markValue(key)), token);
          });
    }
    return removed;
  }

  /** The session document, then the peers and names of the name and of every generation. */
  private boolean removeDocuments(String name) {
    return failures.call(
        "delete session " + name,
        () -> {
          long removed = sessions.deleteOne(Filters.eq("_id", name)).getDeletedCount();
          Bson peerKeys =
              Filters.or(
                  Filters.eq(PeerMongoCodec.SESSION, name),
                  MongoReplace.generations(PeerMongoCodec.SESSION, name));
          removed += peers.deleteMany(peerKeys).getDeletedCount();
          Bson nameKeys =
              Filters.or(
                  Filters.eq(Names.SESSION, name), MongoReplace.generations(Names.SESSION, name));
          removed += names.deleteMany(nameKeys).getDeletedCount();
          return removed > 0;
        });
  }

  private void checkName(String name) {
    Objects.requireNonNull(name, "name");
    SharedOptions.SESSION.check(name, "the session name given to " + target);
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the directory of " + target + " is closed");
    }
  }

  @Override
  public String description() {
    return target.toString();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      client.release();
    }
  }
}
