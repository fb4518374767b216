package dev.tgsession.redis;

import dev.tgsession.ChannelState;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.SessionStorageException;
import dev.tgsession.UpdateState;
import dev.tgsession.UpdatesState;
import dev.tgsession.spi.AbstractSession;
import dev.tgsession.spi.PeerCache;
import dev.tgsession.spi.StoredDcs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * A session kept in a fixed set of Redis keys ({@link RedisKeys}). Every operation is one command
 * or one script call; merges and claims run inside {@code store_peers.lua}, so concurrent writers
 * never lose each other's data.
 */
final class RedisSession extends AbstractSession {

  /** Peers per script call: bounds how long one call blocks the server. */
  static final int PEERS_PER_CALL = 1000;

  private static final int SCAN_COUNT = 1000;
  private static final byte[] HOME = bytes("home");
  private static final byte[] PTS = bytes("pts");
  private static final byte[] QTS = bytes("qts");
  private static final byte[] DATE = bytes("date");
  private static final byte[] SEQ = bytes("seq");
  private static final String INCOMPATIBLE = "TGSESSION_INCOMPATIBLE";

  private static final RedisScript STORE_PEERS = RedisScript.load("store_peers");
  private static final RedisScript LOOKUP_PEER = RedisScript.load("lookup_peer");
  private static final RedisScript LOAD_STATE = RedisScript.load("load_state");
  private static final RedisScript REPLACE_STATE = RedisScript.load("replace_state");

  private final UnifiedJedis redis;
  private final RedisKeys keys;
  private final String endpoint;
  private final boolean retryOnConnectionFailure;

  /**
   * @param endpoint how messages name the server ({@code Redis at host:port})
   * @param retryOnConnectionFailure whether to repeat a call once when its pooled connection turns
   *     out dead (every call is idempotent, so a repeat is safe)
   */
  RedisSession(
      UnifiedJedis redis,
      RedisKeys keys,
      String endpoint,
      boolean retryOnConnectionFailure,
      String description,
      PeerCache peerCache) {
    super(description, peerCache);
    this.redis = redis;
    this.keys = keys;
    this.endpoint = endpoint;
    this.retryOnConnectionFailure = retryOnConnectionFailure;
  }

  // ---- DCs ----------------------------------------------------------------------------------

  @Override
  protected StoredDcs loadDcs() {
    Map<byte[], byte[]> stored = call("read the DC options", () -> redis.hgetAll(keys.dcs));
    int home = 0;
    Map<Integer, DcOption> options = new HashMap<>();
    for (Map.Entry<byte[], byte[]> entry : stored.entrySet()) {
      String field = string(entry.getKey());
      if (field.equals("home")) {
        home = parseInt(entry.getValue(), "the home DC id");
      } else {
        int dcId = parseInt(entry.getKey(), "a DC id");
        options.put(dcId, DcCodec.decode(dcId, entry.getValue()));
      }
    }
    return new StoredDcs(home, options);
  }

  @Override
  protected void storeHomeDcId(int dcId) {
    call("write the home DC", () -> redis.hset(keys.dcs, HOME, bytes(Integer.toString(dcId))));
  }

  @Override
  protected void storeDcOption(DcOption option) {
    byte[] record = DcCodec.encode(option);
    call(
        "write DC option " + option.id(),
        () -> redis.hset(keys.dcs, bytes(Integer.toString(option.id())), record));
  }

  // ---- peers --------------------------------------------------------------------------------

  @Override
  protected @Nullable PeerInfo loadPeer(PeerId id) {
    byte[] record = call("read peer " + id, () -> redis.hget(keys.peers, PeerCodec.id(id)));
    return record == null ? null : PeerCodec.decode(id, record);
  }

  @Override
  protected PeerInfo.@Nullable User loadSelfUser() {
    PeerInfo self = lookup("read the self user", keys.self, null);
    if (self != null && !(self instanceof PeerInfo.User)) {
      throw new IncompatibleSessionException(
          "expected the self user of " + description() + " to be a user, found peer " + self);
    }
    return (PeerInfo.User) self;
  }

  @Override
  protected @Nullable PeerInfo loadPeerByUsername(String username) {
    return lookup("look up a peer by username", keys.usernames, bytes(username));
  }

  @Override
  protected @Nullable PeerInfo loadPeerByPhone(String phone) {
    return lookup("look up a user by phone", keys.phones, bytes(phone));
  }

  private @Nullable PeerInfo lookup(String what, byte[] index, byte @Nullable [] field) {
    List<byte[]> args = field == null ? List.of() : List.of(field);
    Object result = call(what, () -> LOOKUP_PEER.run(redis, List.of(index, keys.peers), args));
    if (!(result instanceof List<?> pair) || pair.size() != 2) {
      return null;
    }
    PeerId id = PeerCodec.id((byte[]) pair.get(0));
    return PeerCodec.decode(id, (byte[]) pair.get(1));
  }

  @Override
  protected void storePeers(List<PeerInfo> reducedBatch) {
    // Encode everything first: a peer that cannot be encoded changes nothing stored.
    List<byte[]> ids = new ArrayList<>(reducedBatch.size());
    List<byte[]> records = new ArrayList<>(reducedBatch.size());
    for (PeerInfo peer : reducedBatch) {
      ids.add(PeerCodec.id(peer.peerId()));
      records.add(PeerCodec.encode(peer));
    }
    List<byte[]> scriptKeys = List.of(keys.peers, keys.usernames, keys.phones, keys.self);
    String what =
        reducedBatch.size() == 1
            ? "cache peer " + reducedBatch.get(0).peerId()
            : "cache " + reducedBatch.size() + " peers";
    for (int from = 0; from < ids.size(); from += PEERS_PER_CALL) {
      int to = Math.min(ids.size(), from + PEERS_PER_CALL);
      List<byte[]> args = scriptArgs(ids.subList(from, to), records.subList(from, to));
      call(what, () -> STORE_PEERS.run(redis, scriptKeys, args));
    }
  }

  /**
   * The arguments of {@code store_peers.lua}: the count of records that claim something (usernames,
   * phone or self), those records as id/record pairs, then the ids of the others followed by their
   * records, which the script merges without decoding them.
   */
  private static List<byte[]> scriptArgs(List<byte[]> ids, List<byte[]> records) {
    List<byte[]> claiming = new ArrayList<>();
    List<byte[]> plainIds = new ArrayList<>(ids.size());
    List<byte[]> plainRecords = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      if (PeerCodec.claims(records.get(i))) {
        claiming.add(ids.get(i));
        claiming.add(records.get(i));
      } else {
        plainIds.add(ids.get(i));
        plainRecords.add(records.get(i));
      }
    }
    List<byte[]> args = new ArrayList<>(1 + 2 * ids.size());
    args.add(bytes(Integer.toString(claiming.size() / 2)));
    args.addAll(claiming);
    args.addAll(plainIds);
    args.addAll(plainRecords);
    return args;
  }

  @Override
  protected Stream<PeerInfo> streamPeers() {
    Iterator<PeerInfo> pages = new PeerScan();
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(pages, Spliterator.NONNULL | Spliterator.DISTINCT),
        false);
  }

  @Override
  protected long countPeers() {
    return call("count the peers", () -> redis.hlen(keys.peers));
  }

  /** Walks the peers hash with HSCAN, one page per call, skipping repeats HSCAN may return. */
  private final class PeerScan implements Iterator<PeerInfo> {
    private final ScanParams params = new ScanParams().count(SCAN_COUNT);
    private final Set<PeerId> seen = new HashSet<>();
    private byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
    private boolean done;
    private Iterator<Map.Entry<byte[], byte[]>> page =
        List.<Map.Entry<byte[], byte[]>>of().iterator();
    private @Nullable PeerInfo next;

    @Override
    public boolean hasNext() {
      while (next == null) {
        if (page.hasNext()) {
          Map.Entry<byte[], byte[]> entry = page.next();
          PeerId id = PeerCodec.id(entry.getKey());
          if (seen.add(id)) {
            next = PeerCodec.decode(id, entry.getValue());
          }
        } else if (done) {
          return false;
        } else {
          ensureOpen();
          byte[] from = cursor;
          ScanResult<Map.Entry<byte[], byte[]>> result =
              call("list the peers", () -> redis.hscan(keys.peers, from, params));
          cursor = result.getCursorAsBytes();
          done = result.isCompleteIteration();
          page = result.getResult().iterator();
        }
      }
      return true;
    }

    @Override
    public PeerInfo next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      PeerInfo peer = next;
      next = null;
      return peer;
    }
  }

  // ---- updates state ------------------------------------------------------------------------

  @Override
  protected UpdatesState loadUpdatesState() {
    Object result =
        call(
            "read the updates state",
            () -> LOAD_STATE.run(redis, List.of(keys.state, keys.channels), List.of()));
    List<?> parts = (List<?>) result;
    List<?> common = (List<?>) parts.get(0);
    List<?> channelPts = (List<?>) parts.get(1);
    List<ChannelState> channels = new ArrayList<>(channelPts.size() / 2);
    for (int i = 0; i + 1 < channelPts.size(); i += 2) {
      long id = parseLong((byte[]) channelPts.get(i), "a channel id");
      int pts = parseInt((byte[]) channelPts.get(i + 1), "the pts of channel " + id);
      try {
        channels.add(new ChannelState(id, pts));
      } catch (IllegalArgumentException e) {
        throw incompatible("channel " + id + " with pts " + pts, e);
      }
    }
    try {
      return new UpdatesState(
          stateValue(common.get(0), "pts"),
          stateValue(common.get(1), "qts"),
          stateValue(common.get(2), "date"),
          stateValue(common.get(3), "seq"),
          channels);
    } catch (IllegalArgumentException e) {
      throw incompatible("updates state", e);
    }
  }

  private int stateValue(@Nullable Object value, String name) {
    return value == null ? 0 : parseInt((byte[]) value, "the " + name);
  }

  @Override
  protected void storeUpdateState(UpdateState update) {
    if (update instanceof UpdateState.All all) {
      UpdatesState state = all.state();
      List<byte[]> args = new ArrayList<>(4 + 2 * state.channels().size());
      args.add(number(state.pts()));
      args.add(number(state.qts()));
      args.add(number(state.date()));
      args.add(number(state.seq()));
      for (ChannelState channel : state.channels()) {
        args.add(number(channel.id()));
        args.add(number(channel.pts()));
      }
      call(
          "replace the updates state",
          () -> REPLACE_STATE.run(redis, List.of(keys.state, keys.channels), args));
    } else if (update instanceof UpdateState.Primary primary) {
      Map<byte[], byte[]> fields = new LinkedHashMap<>();
      fields.put(PTS, number(primary.pts()));
      fields.put(DATE, number(primary.date()));
      fields.put(SEQ, number(primary.seq()));
      call("write pts, date and seq", () -> redis.hset(keys.state, fields));
    } else if (update instanceof UpdateState.Secondary secondary) {
      call("write qts", () -> redis.hset(keys.state, QTS, number(secondary.qts())));
    } else if (update instanceof UpdateState.Channel channel) {
      call(
          "write the pts of channel " + channel.id(),
          () -> redis.hset(keys.channels, number(channel.id()), number(channel.pts())));
    }
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  @Override
  protected void clearStore() {
    call("clear the session", () -> redis.del(keys.all().toArray(new byte[0][])));
  }

  @Override
  protected void closeStore() {
    try {
      redis.close();
    } catch (JedisException e) {
      throw storageFailure("close the connections", e);
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Runs one Redis call, turning the driver's failures into this library's exceptions. */
  private <T> T call(String what, Supplier<T> operation) {
    try {
      try {
        return operation.get();
      } catch (JedisConnectionException e) {
        if (!retryOnConnectionFailure) {
          throw e;
        }
        // A pooled connection may have died with a server restart; a fresh one may work.
        return operation.get();
      }
    } catch (JedisDataException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains(INCOMPATIBLE)) {
        throw new IncompatibleSessionException(
            "could not "
                + what
                + " in "
                + description()
                + ": "
                + message.substring(message.indexOf(INCOMPATIBLE) + INCOMPATIBLE.length()).trim(),
            e);
      }
      if (message.contains("WRONGTYPE")) {
        throw new IncompatibleSessionException(
            "could not "
                + what
                + ": expected tgsession's keys under "
                + keys.tag()
                + " in "
                + endpoint
                + ", found a key of another type ("
                + message
                + "); another program uses these keys, choose another 'prefix' or 'session'",
            e);
      }
      throw storageFailure(what, e);
    } catch (JedisException e) {
      throw storageFailure(what, e);
    }
  }

  private SessionStorageException storageFailure(String what, JedisException e) {
    String hint =
        e instanceof JedisAccessControlException
            ? "check the user and password of the URI"
            : "check that the server is running and reachable; this session works again once it"
                + " is back";
    return new SessionStorageException(
        endpoint
            + " failed to "
            + what
            + " for "
            + description()
            + ": "
            + e.getClass().getSimpleName()
            + ": "
            + e.getMessage()
            + "; "
            + hint,
        e);
  }

  private IncompatibleSessionException incompatible(String what, Exception cause) {
    return new IncompatibleSessionException(
        "expected a valid " + what + " in " + description() + ", found: " + cause.getMessage(),
        cause);
  }

  private int parseInt(byte[] value, String what) {
    long parsed = parseLong(value, what);
    if (parsed < Integer.MIN_VALUE || parsed > Integer.MAX_VALUE) {
      throw incompatible(what, new IllegalArgumentException("out of range: " + parsed));
    }
    return (int) parsed;
  }

  private long parseLong(byte[] value, String what) {
    try {
      return Long.parseLong(string(value));
    } catch (NumberFormatException e) {
      throw new IncompatibleSessionException(
          "expected a decimal number for "
              + what
              + " under "
              + keys.tag()
              + " in "
              + description()
              + ", found '"
              + string(value)
              + "'",
          e);
    }
  }

  private static byte[] number(long value) {
    return bytes(Long.toString(value));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
