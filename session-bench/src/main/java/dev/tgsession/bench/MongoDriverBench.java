package dev.tgsession.bench;

import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.UpdateResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The mongodb-driver-sync baseline, against the same server the mongo backend is measured on (the
 * in-JVM mongo-java-server EMULATOR, not MongoDB): one document per peer keyed by {@code _id}, one
 * state document with the channels' pts in a sub-document.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MongoDriverBench {

  private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
  private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);
  private static final String STATE_ID = "state";

  private Store store;
  private MongoClient client;
  private MongoCollection<Document> peers;
  private MongoCollection<Document> state;

  /** Starts the emulator, connects, and stores the {@link Workload}'s users. */
  @Setup(Level.Trial)
  public void setUp() {
    store = Store.start(Store.MONGO);
    client = MongoClients.create(store.mongoConnectionString());
    peers = client.getDatabase(store.database()).getCollection("raw_peers");
    state = client.getDatabase(store.database()).getCollection("raw_state");
    List<Document> documents = new ArrayList<>(Workload.STORED);
    for (int i = 0; i < Workload.STORED; i++) {
      documents.add(
          new Document("_id", Workload.storedId(i)).append("hash", Workload.initialHash(i)));
    }
    peers.insertMany(documents);
  }

  /** Disconnects and stops the emulator. */
  @TearDown(Level.Trial)
  public void tearDown() {
    try {
      client.close();
    } finally {
      store.close();
    }
  }

  /** One {@code updateOne} upsert of a stored user's access hash. */
  @Benchmark
  public UpdateResult updateOnePeer(Cursor cursor) {
    return peers.updateOne(
        Filters.eq("_id", Workload.storedId(cursor.nextStored())),
        Updates.set("hash", cursor.nextHash()),
        UPSERT);
  }

  /** 100 upserts in one unordered {@code bulkWrite} (one op = one batch). */
  @Benchmark
  public BulkWriteResult bulkWritePeers100(Cursor cursor) {
    List<UpdateOneModel<Document>> writes = new ArrayList<>(Workload.BATCH);
    for (int k = 0; k < Workload.BATCH; k++) {
      writes.add(
          new UpdateOneModel<>(
              Filters.eq("_id", Workload.storedId(cursor.nextStored())),
              Updates.set("hash", cursor.nextHash()),
              UPSERT));
    }
    return peers.bulkWrite(writes, UNORDERED);
  }

  /** One {@code find} by {@code _id} of a stored user. */
  @Benchmark
  public Document findPeer(Cursor cursor) {
    return peers.find(Filters.eq("_id", Workload.storedId(cursor.nextStored()))).first();
  }

  /** One {@code updateOne} of pts, date and seq. */
  @Benchmark
  public UpdateResult updateOneStatePrimary(Cursor cursor) {
    int pts = cursor.nextPts();
    return state.updateOne(
        Filters.eq("_id", STATE_ID),
        Updates.combine(Updates.set("pts", pts), Updates.set("date", pts), Updates.set("seq", pts)),
        UPSERT);
  }

  /** One {@code updateOne} of a channel's pts. */
  @Benchmark
  public UpdateResult updateOneChannelPts(Cursor cursor) {
    return state.updateOne(
        Filters.eq("_id", STATE_ID),
        Updates.set("channels." + cursor.nextChannel(), cursor.nextPts()),
        UPSERT);
  }

  /** {@link #updateOnePeer} from 4 threads. */
  @Benchmark
  @Threads(4)
  public UpdateResult updateOnePeer4T(Cursor cursor) {
    return updateOnePeer(cursor);
  }

  /** {@link #findPeer} from 4 threads. */
  @Benchmark
  @Threads(4)
  public Document findPeer4T(Cursor cursor) {
    return findPeer(cursor);
  }

  /** {@link #updateOneStatePrimary} from 4 threads. */
  @Benchmark
  @Threads(4)
  public UpdateResult updateOneStatePrimary4T(Cursor cursor) {
    return updateOneStatePrimary(cursor);
  }
}
