package dev.tgsession.mongo;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import dev.tgsession.DcOption;
import dev.tgsession.mongo.PeerMongoCodec.Names;
import dev.tgsession.spi.WriteFence;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;
import org.jspecify.annotations.Nullable;

/**
 * One replace of a whole session (an import or a copy into it), all-or-nothing to every reader
 * without a transaction:
 *
 * <ol>
 *   <li>the peers and names are written under a new generation, physical key {@code NAME\0GEN},
 *       that no reader looks at (every read goes to the generation the session document names);
 *   <li>one single-document write of the session document sets the DCs, key vault, home DC, updates
 *       state, extras and the new {@code gen} together: readers see the old session before it and
 *       the new one after it;
 *   <li>the old generation's markers are set {@code retired} (an instance still reading it notices
 *       and re-reads the session document), and its peers and names, and any generation a crashed
 *       replace left behind, are deleted.
 * </ol>
 *
 * <p>A crash before step 2 leaves the old session and an unreferenced generation (removed by the
 * next replace, or by delete); after it, the new session and old documents nobody reads. A replica
 * set could do the same in one multi-document transaction; the emulator and a standalone server
 * have none.
 */
final class MongoReplace {

  private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final MongoDocuments session;
  private final String name;
  private final @Nullable String oldGen;
  private final String gen;
  private final Thread stager;
  private final Document set = new Document();
  private final Map<Integer, DcOption> dcs = new TreeMap<>();
  private final Document extras = new Document();
  private byte @Nullable [] vault;

  MongoReplace(MongoDocuments session, String name, @Nullable String oldGen, Thread stager) {
    this.session = session;
    this.name = name;
    this.oldGen = oldGen;
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    this.gen = HexFormat.of().formatHex(random);
    this.stager = stager;
  }

  boolean isStagedBy(Thread thread) {
    return stager == thread;
  }

  /** The physical key of the new generation. */
  String key() {
    return StateMongoCodec.physicalKey(name, gen);
  }

  private String oldKey() {
    return StateMongoCodec.physicalKey(name, oldGen);
  }

  /** Creates the new generation's marker, fenced like the session. */
  void begin(WriteFence fence) {
    Bson marker = Filters.eq(PeerMongoCodec.ID, PeerMongoCodec.markValue(key()));
    if (fence.leased()) {
      MongoGate.raise(session.peers, marker, fence.token());
    } else {
      session.peers.updateOne(marker, Updates.max(PeerMongoCodec.FENCE, fence.token()), UPSERT);
    }
  }

  void set(Document fields) {
    set.putAll(fields);
  }

  void dc(DcOption option) {
    dcs.put(option.id(), option);
  }

  void vault(List<DcOption> options, byte @Nullable [] sealed) {
    options.forEach(this::dc);
    vault = sealed;
  }

  void extra(String extra, byte @Nullable [] value) {
    if (value == null) {
      extras.remove(extra);
    } else {
      extras.put(extra, new Binary(value));
    }
  }

  /** Step 2: the one write that makes the new generation the session. */
  void switchTo(
      WriteFence fence,
      MongoFailures failures,
      Bson knownVault,
      Function<String, RuntimeException> refused) {
    Document fields = new Document(set);
    fields.append(StateMongoCodec.DCS, StateMongoCodec.dcOptions(dcs.values()));
    fields.append(StateMongoCodec.EXTRAS, extras);
    fields.append(StateMongoCodec.GEN, gen);
    Document update = new Document();
    byte[] sealed = vault;
    if (sealed == null) {
      fields.append(StateMongoCodec.VERSION_FIELD, StateMongoCodec.VERSION);
      update.append("$unset", new Document(StateMongoCodec.VAULT, ""));
    } else {
      fields.append(StateMongoCodec.VAULT, new Binary(sealed));
      fields.append(StateMongoCodec.VERSION_FIELD, StateMongoCodec.VAULT_VERSION);
    }
    update.append("$set", fields);
    Bson sameGeneration =
        oldGen == null
            ? Filters.exists(StateMongoCodec.GEN, false)
            : Filters.eq(StateMongoCodec.GEN, oldGen);
    try {
      session.writeSession(
          "switch to the replaced session",
          fence,
          Filters.and(sameGeneration, knownVault),
          update,
          refused);
    } catch (RuntimeException e) {
      abandon(failures);
      throw e;
    }
  }

  /** Removes what this replace staged (it did not switch). */
  void abandon(MongoFailures failures) {
    try {
      failures.run(
          "remove a staged replace",
          () -> {
            session.peers.deleteMany(Filters.eq(PeerMongoCodec.SESSION, key()));
            session.names.deleteMany(Filters.eq(Names.SESSION, key()));
          });
    } catch (RuntimeException e) {
      // left for the next replace or delete to remove; the session is unchanged
    }
  }

  /** Step 3: retires the old generation and removes it and any abandoned one. */
  void retireOld(MongoFailures failures) {
    String old = oldKey();
    failures.run(
        "retire the replaced generation",
        () -> {
          session.peers.updateOne(
              Filters.eq(PeerMongoCodec.ID, PeerMongoCodec.markValue(old)),
              Updates.set(PeerMongoCodec.RETIRED, true),
              UPSERT);
          session.names.updateOne(
              Names.byId(Names.mark(old)), Updates.set(PeerMongoCodec.RETIRED, true), UPSERT);
          session.peers.deleteMany(
              Filters.and(
                  Filters.eq(PeerMongoCodec.SESSION, old),
                  Filters.ne(PeerMongoCodec.PEER, PeerMongoCodec.MARK)));
          session.names.deleteMany(
              Filters.and(Filters.eq(Names.SESSION, old), Filters.ne(Names.USERNAME, "")));
          Bson others =
              Filters.and(
                  generations(PeerMongoCodec.SESSION, name),
                  Filters.nin(PeerMongoCodec.SESSION, key(), old));
          session.peers.deleteMany(others);
          session.names.deleteMany(
              Filters.and(
                  generations(Names.SESSION, name), Filters.nin(Names.SESSION, key(), old)));
        });
  }

  /** Every generation key {@code NAME\0...} of a session (not the name itself). */
  static Bson generations(String field, String name) {
    return Filters.and(
        Filters.gte(field, name + StateMongoCodec.GENERATION_SEPARATOR),
        Filters.lt(field, name + '\u0001'));
  }
}
