package dev.tgsession.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.tgsession.PeerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The mongodb-driver-sync baseline of {@link MongoRealistic}, on the same kind of server (the
 * in-JVM mongo-java-server EMULATOR unless a real MongoDB is at hand): one document per peer keyed
 * by its dialog id ({@code hash, kind, bot, username, phone}; a merge upsert that {@code $set}s the
 * known fields), and one unique-name document per username and phone ({@code _id: "u:NAME"} or
 * {@code "p:PHONE"}, holder {@code p}). A write is one unordered {@code bulkWrite} of the peer
 * upserts and one of the name upserts.
 */
public class MongoRaw extends RawBench {

  private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
  private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);

  private MongoClient client;
  private MongoCollection<Document> peers;
  private MongoCollection<Document> names;
  private MongoCollection<Document> state;

  @Override
  String backend() {
    return Store.MONGO;
  }

  @Override
  int defaultColdStored() {
    return MongoRealistic.COLD_STORED;
  }

  @Override
  void connect() {
    client = MongoClients.create(store.mongoConnectionString());
    peers = client.getDatabase(store.database()).getCollection("raw_peers");
    names = client.getDatabase(store.database()).getCollection("raw_names");
    state = client.getDatabase(store.database()).getCollection("raw_state");
  }

  @Override
  void storeBatch(List<PeerInfo> batch) {
    write(batch);
  }

  @Override
  @Nullable RawPeer freshRead(long dialogId) {
    return get(dialogId);
  }

  @Override
  void disconnect() {
    if (client != null) {
      client.close();
    }
  }

  private void write(List<PeerInfo> batch) {
    List<WriteModel<Document>> peerWrites = new ArrayList<>(batch.size());
    List<WriteModel<Document>> nameWrites = new ArrayList<>(batch.size() + batch.size() / 8);
    for (PeerInfo peer : batch) {
      long id = peer.peerId().botApiDialogId();
      List<Bson> sets = new ArrayList<>(5);
      sets.add(Updates.set("hash", peer.authOrAmbient().accessHash()));
      sets.add(Updates.set("kind", kindOf(peer)));
      Boolean bot = botOf(peer);
      if (bot != null) {
        sets.add(Updates.set("bot", bot));
      }
      String username = usernameOf(peer);
      sets.add(Updates.set("username", username));
      String phone = phoneOf(peer);
      if (phone != null) {
        sets.add(Updates.set("phone", phone));
      }
      peerWrites.add(new UpdateOneModel<>(Filters.eq("_id", id), Updates.combine(sets), UPSERT));
      if (username != null) {
        nameWrites.add(
            new UpdateOneModel<>(Filters.eq("_id", "u:" + username), Updates.set("p", id), UPSERT));
      }
      if (phone != null) {
        nameWrites.add(
            new UpdateOneModel<>(Filters.eq("_id", "p:" + phone), Updates.set("p", id), UPSERT));
      }
    }
    peers.bulkWrite(peerWrites, UNORDERED);
    if (!nameWrites.isEmpty()) {
      names.bulkWrite(nameWrites, UNORDERED);
    }
  }

  private @Nullable RawPeer get(long id) {
    Document d = peers.find(Filters.eq("_id", id)).first();
    if (d == null) {
      return null;
    }
    return new RawPeer(
        id,
        d.getLong("hash"),
        d.getInteger("kind"),
        d.getBoolean("bot"),
        d.getString("username"),
        d.getString("phone"));
  }

  private @Nullable RawPeer byName(String key) {
    Document name = names.find(Filters.eq("_id", key)).first();
    return name == null ? null : get(name.getLong("p"));
  }

  /** One {@code bulkWrite} of 100 peer upserts and one of their name documents: one op = 100. */
  @Benchmark
  public void batch100Named() {
    write(cursor.nextBatch());
  }

  /** The same for 100 users never stored: one op = 100. */
  @Benchmark
  public void batch100New() {
    write(cursor.nextNewBatch());
  }

  /** The peer's upsert and its name documents' (two {@code bulkWrite}s). */
  @Benchmark
  public void singleNamed() {
    write(List.of(Realistic.peer(cursor.nextUser(), cursor.nextHash())));
  }

  /** One {@code updateOne} of the state document's pts, date and seq. */
  @Benchmark
  public long updateStatePrimary() {
    int pts = cursor.nextPts();
    return state
        .updateOne(
            Filters.eq("_id", "state"),
            Updates.combine(
                Updates.set("pts", pts),
                Updates.set("date", Realistic.date(pts)),
                Updates.set("seq", pts)),
            UPSERT)
        .getModifiedCount();
  }

  /** One {@code updateOne} of a channel's pts in the state document. */
  @Benchmark
  public long updateStateChannel() {
    return state
        .updateOne(
            Filters.eq("_id", "state"),
            Updates.set("channels." + cursor.nextChannel(), cursor.nextPts()),
            UPSERT)
        .getModifiedCount();
  }

  /** One {@code find} by {@code _id} over the 5,000-peer working set. */
  @Benchmark
  public @Nullable RawPeer warmPeer() {
    return get(Realistic.peerId(cursor.nextWarm()).botApiDialogId());
  }

  /** {@code find} of the username's document, then {@code find} of its holder. */
  @Benchmark
  public @Nullable RawPeer peerByUsername() {
    return byName("u:" + Realistic.username(cursor.nextNamed()));
  }

  /** {@code find} of the phone's document, then {@code find} of its holder. */
  @Benchmark
  public @Nullable RawPeer peerByPhone() {
    return byName("p:" + Realistic.phone(cursor.nextPhone()));
  }

  /** The writes of one peer, then one {@code find} of it. */
  @Benchmark
  public @Nullable RawPeer coherentRead() {
    int i = cursor.nextUser();
    write(List.of(Realistic.peer(i, cursor.nextHash())));
    return get(Realistic.peerId(i).botApiDialogId());
  }

  /**
   * One {@code find} by {@code _id} each of {@value MongoRealistic#COLD_READS} distinct peers of
   * {@value MongoRealistic#COLD_STORED}, in the order {@link MongoRealistic#coldPeer} reads them.
   * One op = one iteration's reads.
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(batchSize = MongoRealistic.COLD_WARMUP_READS)
  @Measurement(batchSize = MongoRealistic.COLD_READS)
  public @Nullable RawPeer coldPeer() {
    return get(Realistic.peerId(cursor.nextCold()).botApiDialogId());
  }
}
