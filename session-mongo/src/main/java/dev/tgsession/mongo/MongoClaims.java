package dev.tgsession.mongo;

import static dev.tgsession.mongo.PeerMongoCodec.PEER;
import static dev.tgsession.mongo.PeerMongoCodec.PHONE;
import static dev.tgsession.mongo.PeerMongoCodec.SELF;
import static dev.tgsession.mongo.PeerMongoCodec.SESSION;
import static dev.tgsession.mongo.PeerMongoCodec.USERNAMES;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateManyModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.tgsession.PeerInfo;
import dev.tgsession.mongo.PeerMongoCodec.Names;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.jspecify.annotations.Nullable;

/**
 * The peer writes that claim a username, a phone or the self flag (see {@link MongoSession}). A
 * batch always claims, reading the holders of the claimed names (one {@code find} by {@code _id
 * $in}) beside its merges ({@link #storeBeside}). A lone claimer's merge writes its names in an
 * upsert of their own after the rest ({@link #namesFirst}), and it claims only when that changed a
 * stored document (or inserted one), reading the holders after its write. Then, only where
 * something changes hands, one unordered {@code bulkWrite} on the peers takes each name from its
 * previous holder ({@code $pullAll} by {@code _id}; {@code $unset} of the phone only if it is still
 * that phone) and the self flag from every other user ({@code updateMany}), and one on the names
 * records the new holders.
 *
 * <p>A peer whose stored names already equal the new ones is skipped: its names were claimed when
 * they were stored, and a name taken from it since was pulled from its document, so its next write
 * that names it again changes the document and claims it back. If the claims fail after the merges
 * landed, the claimers are marked {@value #PENDING} (best effort), which their next names upsert
 * removes, so it counts as a change and claims again.
 *
 * <p>The holder read is a read-modify-write. One instance runs its claiming writes one at a time
 * (its caller holds a lock), so its threads never race each other. Another instance claiming the
 * same name for another peer at the same moment can leave the name in both peers' {@code usernames}
 * (or {@code phone}), or in neither; the name document always names exactly one holder, the claim
 * whose write reached it last, and lookups check that the holder still lists the name. Such a pair
 * stays as it is until one of the two peers is written with other names.
 */
final class MongoClaims {

  /** Set on claimers whose claims failed after their merges landed (see the class comment). */
  static final String PENDING = "claimsPending";

  private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
  private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);

  /** Name ids per holder {@code find} (a 10,000-entry {@code $in} is well under 16 MB). */
  private static final int HOLDER_CHUNK = 10_000;

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

  /** The fields a claim depends on: written in an upsert of their own. */
  private static final List<String> NAME_FIELDS = List.of(USERNAMES, PHONE, SELF);

  private final MongoCollection<Document> peers;
  private final MongoCollection<Document> names;
  private final MongoFailures failures;

  MongoClaims(
      MongoCollection<Document> peers, MongoCollection<Document> names, MongoFailures failures) {
    this.peers = peers;
    this.names = names;
    this.failures = failures;
  }

  /** Whether no record of the batch claims a username, a phone or the self flag. */
  static boolean claimFree(List<PeerInfo> batch) {
    for (PeerInfo peer : batch) {
      if (peer.usernames() != null
          || (peer instanceof PeerInfo.User user && (user.phone() != null || user.isSelf()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Moves the name fields out of {@code merge}'s {@code $set} into an update of their own that also
   * removes {@value #PENDING}; null if it sets none.
   */
  static @Nullable BsonDocument namesFirst(BsonDocument merge) {
    BsonDocument set = merge.getDocument("$set");
    BsonDocument names = new BsonDocument();
    for (String field : NAME_FIELDS) {
      BsonValue value = set.remove(field);
      if (value != null) {
        names.append(field, value);
      }
    }
    return names.isEmpty()
        ? null
        : new BsonDocument("$set", names)
            .append("$unset", new BsonDocument(PENDING, new BsonString("")));
  }

  /**
   * Makes the claims of a batch whose merges are written under physical key {@code key}; if they
   * fail, marks its claimers {@value #PENDING} (best effort) and rethrows.
   */
  void store(String key, List<PeerInfo> batch) {
    Claims claims = new Claims(key, batch);
    store(key, batch, claims, () -> holders(batch, claims));
  }

  /**
   * Writes a claiming batch's merges ({@code writeMerges}, fenced by the caller) while the holders
   * of its names are read on another thread, one round trip instead of two; then makes its claims
   * as {@link #store(String, List)} does. For batches, which always claim: a lone claimer's write
   * first learns whether it changed a name, and claims only then.
   */
  void storeBeside(String key, List<PeerInfo> batch, Runnable writeMerges) {
    Claims claims = new Claims(key, batch);
    CompletableFuture<Map<Document, Long>> read =
        claims.names.isEmpty()
            ? CompletableFuture.completedFuture(Map.of())
            : CompletableFuture.supplyAsync(() -> holders(batch, claims), HOLDER_READS);
    try {
      writeMerges.run();
    } finally {
      awaitQuietly(read);
    }
    store(key, batch, claims, () -> joined(read));
  }

  private Map<Document, Long> holders(List<PeerInfo> batch, Claims claims) {
    return claims.names.isEmpty()
        ? Map.of()
        : holders("cache " + batch.size() + " peer(s)", claims.names);
  }

  private void store(
      String key, List<PeerInfo> batch, Claims claims, Supplier<Map<Document, Long>> holders) {
    try {
      claim(key, batch, claims, holders.get());
    } catch (RuntimeException e) {
      List<WriteModel<Document>> marks = new ArrayList<>();
      for (PeerInfo peer : batch) {
        marks.add(
            new UpdateOneModel<>(
                PeerMongoCodec.byId(key, peer.peerId().botApiDialogId()),
                Updates.set(PENDING, true)));
      }
      try {
        peers.bulkWrite(marks, UNORDERED);
      } catch (RuntimeException markFailed) {
        e.addSuppressed(markFailed);
      }
      throw e;
    }
  }

  private void claim(String key, List<PeerInfo> batch, Claims claims, Map<Document, Long> holders) {
    String what = "cache " + batch.size() + " peer(s)";
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
                  Filters.and(PeerMongoCodec.byId(key, previous), Filters.eq(PHONE, claim.phone())),
                  Updates.unset(PHONE)));
        }
      }
      nameWrites.add(
          new UpdateOneModel<>(
              Names.byId(claim.nameId()), Updates.set(Names.OWNER, claim.claimer()), UPSERT));
    }
    lostUsernames.forEach(
        (previous, usernames) ->
            takes.add(
                new UpdateOneModel<>(
                    PeerMongoCodec.byId(key, previous), Updates.pullAll(USERNAMES, usernames))));
    if (claims.selfClaimer != null) {
      takes.add(
          new UpdateManyModel<>(
              Filters.and(
                  Filters.eq(SESSION, key),
                  Filters.eq(SELF, true),
                  Filters.ne(PEER, claims.selfClaimer)),
              Updates.set(SELF, false)));
    }
    if (!takes.isEmpty()) {
      failures.run(what, () -> peers.bulkWrite(takes, UNORDERED));
    }
    if (!nameWrites.isEmpty()) {
      failures.run(what, () -> names.bulkWrite(nameWrites, UNORDERED));
    }
  }

  /** The current holder of each claimed name that has one, read by {@code _id} in chunks. */
  private Map<Document, Long> holders(String what, Map<Document, Claim> claimed) {
    Map<Document, Long> holders = new HashMap<>();
    List<Document> ids = new ArrayList<>(claimed.keySet());
    for (int from = 0; from < ids.size(); from += HOLDER_CHUNK) {
      List<Document> chunk = ids.subList(from, Math.min(ids.size(), from + HOLDER_CHUNK));
      failures.run(
          what,
          () -> {
            for (Document name : names.find(Filters.in(Names.ID, chunk))) {
              Number owner = name.get(Names.OWNER, Number.class);
              if (owner != null) {
                holders.put(name.get(Names.ID, Document.class), owner.longValue());
              }
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
  private static final class Claims {
    final Map<Document, Claim> names = new LinkedHashMap<>();
    final Set<Long> usernameClaimers = new HashSet<>();
    final Set<Long> phoneClaimers = new HashSet<>();
    @Nullable Long selfClaimer;

    Claims(String key, List<PeerInfo> batch) {
      for (PeerInfo peer : batch) {
        long dialogId = peer.peerId().botApiDialogId();
        if (peer.usernames() != null) {
          usernameClaimers.add(dialogId);
          for (String username : peer.usernames()) {
            Document id = Names.username(key, username);
            names.put(id, new Claim(id, dialogId, username, null));
          }
        }
        if (peer instanceof PeerInfo.User user) {
          if (user.phone() != null) {
            phoneClaimers.add(dialogId);
            Document id = Names.phone(key, user.phone());
            names.put(id, new Claim(id, dialogId, null, user.phone()));
          }
          if (user.isSelf()) {
            selfClaimer = dialogId;
          }
        }
      }
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
}
