package dev.tgsession.redis;

import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionData;
import dev.tgsession.SessionLease;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.AbstractSession;
import dev.tgsession.spi.LeaseStore;
import dev.tgsession.spi.PeerCache;
import dev.tgsession.spi.StoredDcs;
import dev.tgsession.spi.WriteFence;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A session kept in a fixed set of Redis keys ({@link RedisKeys}). Every operation is one command,
 * one transaction or one script call, so concurrent writers never lose each other's data: a batch
 * of peers known by id and access hash only is one {@code HSET} (it replaces exactly the hashes and
 * the times they were cached), anything else is merged and its claims enforced inside {@code
 * store_peers.lua}, but for the peers {@link RedisRecache} finds re-cached as they are stored.
 */
final class RedisSession extends AbstractSession {

  private static final byte[] PTS = StateRedisCodec.PTS;
  private static final byte[] QTS = StateRedisCodec.QTS;
  private static final byte[] DATE = StateRedisCodec.DATE;
  private static final byte[] SEQ = StateRedisCodec.SEQ;

  /** Peers per script call or command: bounds how long one call blocks the server. */
  static final int PEERS_PER_CALL = 1000;

  /** The key layout this version writes ({@link RedisLayout}). */
  static final String LAYOUT = RedisLayout.VERSION;

  private static final byte[] HOME = bytes("home");
  private static final byte[] LAYOUT_KEY = RedisLayout.FIELD_KEY;
  private static final byte[] LAYOUT_VALUE = RedisLayout.VALUE;
  private static final RedisScript STORE_PEERS = RedisScript.load("store_peers");
  private static final RedisScript STORE_PEERS_FENCED = STORE_PEERS.fenced();
  private static final RedisScript LOAD_STATE = RedisScript.load("load_state");
  private static final RedisScript REPLACE_STATE = RedisScript.load("replace_state");
  private static final RedisScript REPLACE_STATE_FENCED = REPLACE_STATE.fenced();
  private static final RedisScript PRUNE = RedisScript.load("prune");
  private static final RedisScript PRUNE_FENCED = PRUNE.fenced();
  private static final RedisScript SWITCH = RedisScript.load("switch");
  private static final RedisScript SWITCH_FENCED = SWITCH.fenced();
  private static final RedisScript STORE_VAULT = RedisScript.load("store_vault");
  private static final RedisScript STORE_VAULT_FENCED = STORE_VAULT.fenced();
  private static final RedisScript STORE_PLAIN_DC = RedisScript.load("store_plain_dc");
  private static final RedisScript STORE_PLAIN_DC_FENCED = STORE_PLAIN_DC.fenced();
  private static final String VAULT_FIELD = "vault";

  private static final byte[] VAULT_KEY = bytes(VAULT_FIELD);
  private static final byte[] DEL = bytes("DEL");
  private static final byte[] HDEL = bytes("HDEL");

  private final RedisCalls calls;
  private final RedisKeys keys;
  private final RedisLeaseStore leases;
  private final RedisWrites writes;
  private final StateRedisCodec state;
  private final RedisPeerReads reads;
  private final RedisRecache recache;

  /** The keys a replacement is staged under, and the thread staging it ({@link #replaceStore}). */
  private final RedisKeys staged;

  private volatile @Nullable Thread staging;

  private volatile @Nullable RedisCoherence coherence;
  private volatile @Nullable AutoCloseable tracked;
  private volatile boolean untracked;

  /** The layout mark and whether the state may still be under layout 3's names. */
  private final RedisLayout layout;

  /**
   * The vault this instance last read or wrote (null: none, plain), which every vault write
   * requires to be the stored one, so that an instance left behind by another's encryption, rekey,
   * clear() or DC write is refused instead of writing over it (and dropping a key it never saw).
   */
  private volatile byte @Nullable [] lastVault;

  RedisSession(
      RedisCalls calls, RedisKeys keys, byte[] index, String description, PeerCache peerCache) {
    super(description, peerCache);
    this.calls = calls;
    this.keys = keys;
    this.leases = new RedisLeaseStore(calls, keys, description);
    this.writes = new RedisWrites(calls, keys.leaseToken);
    this.state = new StateRedisCodec(keys.tag() + " in " + description);
    this.reads = new RedisPeerReads(calls, keys, state);
    this.recache = new RedisRecache(calls, writes);
    this.staged = keys.staged();
    this.layout = new RedisLayout(calls, writes, keys, index);
    calls.describe(description);
  }

  /**
   * Keeps the peer cache coherent with every other writer through the server's one {@code
   * coherence}, which calls {@link #dropCachedPeers()} until {@code registration} is closed.
   */
  void track(RedisCoherence coherence, AutoCloseable registration) {
    this.coherence = coherence;
    this.tracked = registration;
  }

  /** No tracking could be had: no cached peer is ever served. */
  void untracked() {
    untracked = true;
  }

  /** Drops the peer cache; the callback of {@link RedisCoherence}. */
  void dropCachedPeers() {
    peersChangedElsewhere();
  }

  @Override
  protected boolean cachedPeersCurrent() {
    // The coherence was asked by GenerationPeerCache.get, before it compared the generation.
    return !untracked;
  }

  // ---- DCs ----------------------------------------------------------------------------------

  @Override
  protected StoredDcs loadDcs() {
    Map<byte[], byte[]> stored =
        calls.read("read the DC options", redis -> redis.hgetAll(keys.dcs));
    int home = 0;
    Map<Integer, DcOption> options = new HashMap<>();
    for (Map.Entry<byte[], byte[]> entry : stored.entrySet()) {
      String field = string(entry.getKey());
      if (field.equals(RedisLayout.FIELD)) {
        layout.check(string(entry.getValue()));
      } else if (field.equals("home")) {
        home = parseInt(entry.getValue(), "the home DC id");
      } else if (!field.equals(VAULT_FIELD)) { // the vault is read by loadKeyVault
        int dcId = parseInt(entry.getKey(), "a DC id");
        options.put(dcId, DcCodec.decode(dcId, entry.getValue()));
      }
    }
    return new StoredDcs(home, options);
  }

  @Override
  protected void storeHomeDcId(int dcId, WriteFence fence) {
    markLayout(fence);
    Map<byte[], byte[]> fields = new LinkedHashMap<>();
    fields.put(HOME, bytes(Integer.toString(dcId)));
    fields.put(LAYOUT_KEY, LAYOUT_VALUE);
    writes.hset(fence, "write the home DC", target().dcs, fields);
    layout.marked = true;
  }

  @Override
  protected void storeDcOption(DcOption option, WriteFence fence) {
    markLayout(fence);
    if (option.authKey() != null) {
      // a plain key: only while the session is still plain (checked on the server)
      writes.script(
          fence,
          "write DC option " + option.id(),
          STORE_PLAIN_DC,
          STORE_PLAIN_DC_FENCED,
          List.of(target().dcs),
          List.of(
              bytes(Integer.toString(option.id())),
              DcCodec.encode(option),
              LAYOUT_KEY,
              LAYOUT_VALUE));
      layout.marked = true;
      return;
    }
    Map<byte[], byte[]> fields = new LinkedHashMap<>();
    fields.put(bytes(Integer.toString(option.id())), DcCodec.encode(option));
    fields.put(LAYOUT_KEY, LAYOUT_VALUE);
    writes.hset(fence, "write DC option " + option.id(), target().dcs, fields);
    layout.marked = true;
  }

  // ---- encryption at rest -------------------------------------------------------------------

  /** The {@code vault} field of the {@code dcs} hash: the sealed auth keys, absent when plain. */
  @Override
  protected byte @Nullable [] loadKeyVault() {
    byte[] vault = calls.read("read the key vault", redis -> redis.hget(keys.dcs, VAULT_KEY));
    lastVault = vault;
    return vault;
  }

  /**
   * One script ({@code store_vault.lua}, fenced by the lease token when the session holds a lease):
   * the DC records as given, overwriting the fields that held plain keys, and the vault field set
   * or deleted, all in the session's one {@code dcs} hash.
   */
  @Override
  protected void storeKeyVault(List<DcOption> options, byte @Nullable [] vault, WriteFence fence) {
    markLayout(fence);
    List<byte[]> args = new ArrayList<>(3 + 2 * options.size());
    args.add(bytes(vault == null ? "del" : "set"));
    args.add(vault == null ? new byte[0] : vault);
    args.add(LAYOUT_VALUE);
    byte[] expected = lastVault;
    args.add(expected == null ? new byte[0] : expected);
    for (DcOption option : options) {
      if (vault != null && option.authKey() != null) {
        throw new IllegalArgumentException(
            "expected DC options without auth key next to a key vault, found one for DC "
                + option.id());
      }
      args.add(bytes(Integer.toString(option.id())));
      args.add(DcCodec.encode(option));
    }
    writes.script(
        fence,
        vault == null ? "store the auth keys plain" : "store the sealed auth keys",
        STORE_VAULT,
        STORE_VAULT_FENCED,
        List.of(target().dcs),
        args);
    lastVault = vault;
    layout.marked = true;
  }

  private void markLayout(WriteFence fence) {
    layout.mark(fence, target());
  }

  // ---- peers --------------------------------------------------------------------------------

  @Override
  protected @Nullable PeerInfo loadPeer(PeerId id) {
    return reads.peer(id);
  }

  @Override
  protected PeerInfo.@Nullable User loadSelfUser() {
    PeerInfo self = reads.self();
    if (self != null && !(self instanceof PeerInfo.User)) {
      throw new IncompatibleSessionException(
          "expected the self user of " + description() + " to be a user, found peer " + self);
    }
    return (PeerInfo.User) self;
  }

  @Override
  protected @Nullable PeerInfo loadPeerByUsername(String username) {
    return reads.byUsername(username);
  }

  @Override
  protected @Nullable PeerInfo loadPeerByPhone(String phone) {
    return reads.byPhone(phone);
  }

  /**
   * Peers known by id and access hash only (the most common write) are one {@code HSET} of their
   * hashes and times per call (fenced: run by {@code fenced.lua}): a known hash replaces the stored
   * one and nothing else of the peer changes, exactly the merge. Any other batch goes through
   * {@code store_peers.lua} as id, hash and info triples, except the peers {@link RedisRecache}
   * finds re-cached with the record already stored (one transaction, no script).
   */
  @Override
  protected void storePeers(List<PeerInfo> reducedBatch, Instant cachedAt, WriteFence fence) {
    PeerRedisCodec.Batch batch = PeerRedisCodec.Batch.encode(reducedBatch);
    int size = reducedBatch.size();
    String what =
        size == 1 ? "cache peer " + reducedBatch.get(0).peerId() : "cache " + size + " peers";
    markLayout(fence);
    RedisKeys into = target();
    List<byte[]> scriptKeys = batch.hashesOnly() ? List.of() : batch.keys(into);
    byte[] time = StateRedisCodec.time(cachedAt);
    for (int from = 0; from < size; from += PEERS_PER_CALL) {
      int to = Math.min(size, from + PEERS_PER_CALL);
      if (batch.hashesOnly()) {
        writes.hset(fence, what, into.peers, batch.values(from, to, time));
        continue;
      }
      int[] changed = recache.attempt(what, into, batch, from, to, time, fence);
      if (changed == null || changed.length > 0) {
        List<byte[]> args =
            changed == null ? batch.args(from, to, time) : batch.args(changed, time);
        writes.script(fence, what, STORE_PEERS, STORE_PEERS_FENCED, scriptKeys, args);
      }
    }
    // This write's own invalidation message is left for the next cache hit to read: reading it
    // here would cost the write two system calls, and the hit drops the cache either way.
  }

  @Override
  protected Stream<PeerInfo> streamPeers() {
    Iterator<PeerInfo> pages = new RedisPeerScan(calls, keys, this::ensureOpen);
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(pages, Spliterator.NONNULL | Spliterator.DISTINCT),
        false);
  }

  @Override
  protected @Nullable Instant loadPeerCachedAt(PeerId id) {
    return reads.cachedAt(id);
  }

  /** One script ({@code prune.lua}): the old peers and their usernames and phones, never self. */
  @Override
  protected long prunePeers(Instant olderThan, WriteFence fence) {
    markLayout(fence);
    Object gone =
        writes.script(
            fence,
            "prune the peers cached before " + olderThan,
            PRUNE,
            PRUNE_FENCED,
            List.of(
                target().peers,
                target().info,
                target().usernames,
                target().phones,
                target().self,
                target().cached),
            List.of(StateRedisCodec.time(olderThan)));
    return (Long) gone;
  }

  // ---- extras -------------------------------------------------------------------------------

  @Override
  protected Map<String, byte[]> loadExtras() {
    Map<byte[], byte[]> stored = calls.read("read the extras", redis -> redis.hgetAll(keys.extras));
    Map<String, byte[]> extras = new HashMap<>();
    stored.forEach((name, value) -> extras.put(string(name), value));
    return extras;
  }

  @Override
  protected byte @Nullable [] loadExtra(String name) {
    return calls.read("read extra " + name, redis -> redis.hget(keys.extras, bytes(name)));
  }

  @Override
  protected void storeExtra(String name, byte @Nullable [] value, WriteFence fence) {
    markLayout(fence);
    if (value != null) {
      writes.hset(fence, "write extra " + name, target().extras, Map.of(bytes(name), value));
    } else if (fence.lease() == null) {
      calls.write("delete extra " + name, redis -> redis.hdel(target().extras, bytes(name)));
    } else {
      writes.command(
          fence, "delete extra " + name, HDEL, List.of(target().extras), List.of(bytes(name)));
    }
  }

  @Override
  protected long countPeers() {
    return calls.read("count the peers", redis -> redis.hlen(keys.peers));
  }

  // ---- updates state ------------------------------------------------------------------------

  /**
   * Of a session still of layout 2 or 3 (this instance has not written it yet), the old names are
   * read first: found there, that is the state (another instance's migration renames both at once,
   * never half); found nowhere, the state was moved meanwhile or never written, and the layout-4
   * names tell which.
   */
  @Override
  protected UpdatesState loadUpdatesState() {
    if (layout.legacyState) {
      List<?> old = loadState(keys.legacyState, keys.legacyChannels);
      if (!StateRedisCodec.absent(old)) {
        return state.decode(old);
      }
    }
    return state.decode(loadState(keys.state, keys.channels));
  }

  private List<?> loadState(byte[] stateKey, byte[] channelsKey) {
    return (List<?>)
        calls.read(
            "read the updates state",
            redis -> LOAD_STATE.run(redis, List.of(stateKey, channelsKey), List.of()),
            // While the slot migrates, a session without channels has no channels key on either
            // node and the script cannot run (TRYAGAIN) until the migration ends: two reads.
            redis ->
                List.of(
                    redis.hmget(stateKey, PTS, QTS, DATE, SEQ),
                    StateRedisCodec.flatten(redis.hgetAll(channelsKey))));
  }

  @Override
  protected void storeUpdateState(UpdateState update, WriteFence fence) {
    markLayout(fence);
    if (update instanceof UpdateState.All all) {
      replaceState(target(), all.state(), fence);
    } else if (update instanceof UpdateState.Primary primary) {
      Map<byte[], byte[]> fields = new LinkedHashMap<>();
      fields.put(PTS, number(primary.pts()));
      fields.put(DATE, number(primary.date()));
      fields.put(SEQ, number(primary.seq()));
      writes.hset(fence, "write pts, date and seq", target().state, fields);
    } else if (update instanceof UpdateState.Secondary secondary) {
      writes.hset(fence, "write qts", target().state, Map.of(QTS, number(secondary.qts())));
    } else if (update instanceof UpdateState.Channel channel) {
      writes.hset(
          fence,
          "write the pts of channel " + channel.id(),
          target().channels,
          Map.of(number(channel.id()), number(channel.pts())));
    }
  }

  private void replaceState(RedisKeys target, UpdatesState updates, WriteFence fence) {
    writes.script(
        fence,
        "replace the updates state",
        REPLACE_STATE,
        REPLACE_STATE_FENCED,
        List.of(target.state, target.channels),
        StateRedisCodec.replaceArgs(updates));
  }

  // ---- replacing everything -----------------------------------------------------------------

  /** The keys this thread writes: the staged ones while it stages a replacement. */
  private RedisKeys target() {
    return staging == Thread.currentThread() ? staged : keys;
  }

  /**
   * Atomic to every reader (issue 25, half copies): the replacement is written by the ordinary
   * writes under the staged keys (same hash tag, same slot; a crash leaves them beside the intact
   * session, and the next replacement or a delete removes them), then {@code switch.lua} renames
   * each staged key over the live one in one script, fenced like any write.
   */
  @Override
  protected void replaceStore(
      SessionData data, byte @Nullable [] vault, Instant cachedAt, WriteFence fence) {
    staging = Thread.currentThread();
    try {
      super.replaceStore(
          data, vault, cachedAt, fence); // starts with clearStore: of the staged keys
    } finally {
      staging = null;
      // The mark above was the staged keys'; until the switch, the live ones are still unmarked
      // (and perhaps of layout 3): a write before it, or after a failed switch, marks them.
      layout.marked = false;
    }
    List<byte[]> both = new ArrayList<>(keys.all());
    both.addAll(staged.all());
    writes.script(fence, "switch to the replacement", SWITCH, SWITCH_FENCED, both, List.of());
    layout.marked = true;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  @Override
  protected void clearStore(WriteFence fence) {
    SessionLease lease = fence.lease();
    if (lease == null) {
      calls.write("clear the session", redis -> redis.del(target().all().toArray(new byte[0][])));
    } else {
      writes.command(fence, "clear the session", DEL, target().all(), List.of());
    }
    layout.marked = false;
    layout.legacyState = false; // the old names went with the rest
    lastVault = null;
  }

  @Override
  protected void closeStore() {
    AutoCloseable registration = tracked;
    if (registration != null) {
      try {
        registration.close();
      } catch (Exception e) {
        // only unregisters a callback
      }
    }
    try {
      calls.close();
    } catch (JedisException e) {
      throw calls.failure("close the connections", e, "the connections are closed anyway");
    }
  }

  // ---- leases -------------------------------------------------------------------------------

  @Override
  protected LeaseStore leaseStore() {
    return leases;
  }

  // ---- helpers ------------------------------------------------------------------------------

  private int parseInt(byte[] value, String what) {
    return state.parseInt(value, what);
  }

  private long parseLong(byte[] value, String what) {
    return state.parseLong(value, what);
  }

  private static byte[] number(long value) {
    return StateRedisCodec.number(value);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
