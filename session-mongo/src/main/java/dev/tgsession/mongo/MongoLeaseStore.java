package dev.tgsession.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import dev.tgsession.SessionLease;
import dev.tgsession.spi.LeaseStore;
import dev.tgsession.spi.SessionFailures;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * Leases in {@code PREFIXleases}, one document per session, judged by the server's clock:
 *
 * <pre>
 * { _id: "bot-42", owner: "host:1234", token: NumberLong(7), renewedAt: ISODate(...), lengthMs: 30000 }
 * </pre>
 *
 * <p>{@code renewedAt} is stamped by the server ({@code $currentDate}); the lease is free when
 * {@code owner} is null (released) or {@code renewedAt + lengthMs} is before the server's {@code
 * $$NOW}. Taking it is one {@code findOneAndUpdate} whose filter says "free", with {@code $inc} of
 * the token, so two owners never both succeed and a token is never issued twice. The document
 * outlives release and {@code clear()}, so the token only grows.
 *
 * <p>Fencing is in the writes themselves ({@link MongoSession}): right after a lease is taken, its
 * token is raised into the session document's and the peers marker's {@code fence}, and every
 * leased write requires {@code fence <= its token} in its own filter or ordered command. Peer
 * writes are also preceded by {@link #confirmHeld}: free while this process's own clock says its
 * lease has not run out since it was last taken or renewed, a round trip past that.
 */
final class MongoLeaseStore implements LeaseStore {

  static final String OWNER = "owner";
  static final String TOKEN = "token";
  static final String RENEWED_AT = "renewedAt";
  static final String LENGTH_MS = "lengthMs";

  /** Raises the fences of a session's documents to a lease token just taken. */
  interface FenceRaiser {
    void raise(long token);
  }

  /**
   * The last lease this store took or renewed, with the local deadlines it cannot outlive: by the
   * monotonic clock, and by the wall clock too, since the monotonic one stands still while the
   * machine is suspended and the server's does not.
   */
  private record Held(long token, long deadlineNanos, long deadlineMillis) {
    boolean running(long token) {
      return this.token == token
          && System.nanoTime() - deadlineNanos < 0
          && System.currentTimeMillis() < deadlineMillis;
    }
  }

  private volatile @Nullable Held held;
  private final MongoCollection<Document> leases;
  private final String session;
  private final String description;
  private final MongoFailures calls;
  private final FenceRaiser fences;

  MongoLeaseStore(
      MongoCollection<Document> leases,
      String session,
      String description,
      MongoFailures calls,
      FenceRaiser fences) {
    this.leases = leases;
    this.session = session;
    this.description = description;
    this.calls = calls;
    this.fences = fences;
  }

  @Override
  public SessionLease acquire(String owner, Duration length) {
    Bson byId = Filters.eq("_id", session);
    calls.call(
        "create the lease document",
        () -> {
          try {
            return leases.updateOne(
                byId, Updates.setOnInsert(TOKEN, 0L), new UpdateOptions().upsert(true));
          } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
              return null; // another opener created it at the same moment
            }
            throw e;
          }
        });
    for (int attempt = 0; ; attempt++) {
      long sent = System.nanoTime();
      long sentMillis = System.currentTimeMillis();
      Document taken =
          calls.call(
              "take the lease",
              () ->
                  leases.findOneAndUpdate(
                      Filters.and(byId, Filters.or(Filters.eq(OWNER, null), nowVersusEnd("$gte"))),
                      Updates.combine(
                          Updates.set(OWNER, owner),
                          Updates.set(LENGTH_MS, length.toMillis()),
                          Updates.inc(TOKEN, 1L),
                          Updates.currentDate(RENEWED_AT)),
                      new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)));
      if (taken != null) {
        SessionLease lease = lease(taken);
        fences.raise(lease.token());
        return remember(lease, sent, sentMillis, length);
      }
      Optional<SessionLease> holder = current();
      if (holder.isPresent()) {
        throw SessionFailures.leased(description, holder.get());
      }
      if (attempt >= 2) {
        throw new dev.tgsession.SessionLeasedException(
            description, "(changing hands)", Instant.now());
      }
      // released or expired between the two calls: try again
    }
  }

  @Override
  public SessionLease renew(SessionLease lease, Duration length) {
    long sent = System.nanoTime();
    long sentMillis = System.currentTimeMillis();
    Document renewed =
        calls.call(
            "renew the lease",
            () ->
                leases.findOneAndUpdate(
                    ours(lease),
                    Updates.combine(
                        Updates.set(LENGTH_MS, length.toMillis()), Updates.currentDate(RENEWED_AT)),
                    new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)));
    if (renewed == null) {
      held = null;
      throw SessionFailures.leaseLost(description, lease);
    }
    return remember(lease(renewed), sent, sentMillis, length);
  }

  @Override
  public void release(SessionLease lease) {
    held = null;
    calls.call("release the lease", () -> leases.updateOne(ours(lease), Updates.set(OWNER, null)));
  }

  @Override
  public Optional<SessionLease> current() {
    Document document =
        calls.call(
            "read the lease",
            () ->
                leases
                    .find(
                        Filters.and(
                            Filters.eq("_id", session),
                            Filters.ne(OWNER, null),
                            nowVersusEnd("$lt")))
                    .first());
    return Optional.ofNullable(document == null ? null : lease(document));
  }

  /**
   * Whether {@code lease} is still this session's: true at once while the local clock is within the
   * lease as last taken or renewed (nobody can have taken it), else by reading the stored token.
   * The check before a peer write; the write itself carries the fence too (see {@link
   * MongoSession}).
   */
  boolean confirmHeld(SessionLease lease) {
    Held last = held;
    if (last != null && last.running(lease.token())) {
      return true;
    }
    Document stored = calls.call("check the lease", () -> leases.find(ours(lease)).first());
    return stored != null;
  }

  private SessionLease remember(
      SessionLease lease, long sentNanos, long sentMillis, Duration length) {
    // the server stamped renewedAt after we sent the request: our deadline is never later
    held = new Held(lease.token(), sentNanos + length.toNanos(), sentMillis + length.toMillis());
    return lease;
  }

  /** The filter of this session's lease document still held with {@code lease}'s token. */
  private Bson ours(SessionLease lease) {
    return Filters.and(
        Filters.eq("_id", session),
        Filters.eq(TOKEN, lease.token()),
        Filters.eq(OWNER, lease.owner()));
  }

  /**
   * {@code $$NOW comparison renewedAt + lengthMs}, by the server's clock: {@code $gte} = expired,
   * {@code $lt} = still running.
   */
  static Bson nowVersusEnd(String comparison) {
    Document end = new Document("$add", List.of("$" + RENEWED_AT, "$" + LENGTH_MS));
    return Filters.expr(new Document(comparison, List.of("$$NOW", end)));
  }

  static SessionLease lease(Document document) {
    Date renewedAt = document.getDate(RENEWED_AT);
    long lengthMs = document.get(LENGTH_MS, Number.class).longValue();
    return new SessionLease(
        document.getString(OWNER),
        document.get(TOKEN, Number.class).longValue(),
        renewedAt.toInstant().plusMillis(lengthMs));
  }
}
