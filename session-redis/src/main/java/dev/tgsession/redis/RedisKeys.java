package dev.tgsession.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The fixed set of keys one session owns. Every key holds the hash tag {@code {prefix:session}}, so
 * the whole session lives in one cluster slot and scripts may touch any of its keys. The keys a
 * peer cache depends on start with it ({@code {prefix:session}:peers}), so the tracking connection
 * ({@code CLIENT TRACKING ... BCAST PREFIX {prefix:}) hears of their writes; the updates state ends
 * with it ({@code state{prefix:session}}, layout 4), so its writes, the most frequent of all, make
 * the server send no invalidation message nobody needs.
 */
final class RedisKeys {

  /**
   * Hash: 8-byte dialog id to the peer's access hash (8 bytes, absent when unknown) followed by the
   * time it was last cached (19 digits); one field per stored peer ({@link PeerRedisCodec}).
   */
  final byte[] peers;

  /** Hash: 8-byte dialog id to the peer's info record, when it knows more than its hash. */
  final byte[] info;

  /** Hash: lower-case username to the 8-byte dialog id owning it. */
  final byte[] usernames;

  /** Hash: phone digits to the 8-byte dialog id of the user owning it. */
  final byte[] phones;

  /** String: the 8-byte dialog id of the self user. */
  final byte[] self;

  /**
   * Hash: {@code home} to the home DC id, decimal DC id to a DC option record ({@link DcCodec}),
   * {@code layout} to the version of this key layout ({@link RedisSession#LAYOUT}), and in an
   * encrypted session {@code vault} to the sealed auth keys (the records then hold none).
   */
  final byte[] dcs;

  /**
   * Hash: {@code pts}, {@code qts}, {@code date}, {@code seq}, decimal. Named {@code
   * state{prefix:session}} (outside the tracked prefix) since layout 4.
   */
  final byte[] state;

  /** Hash: decimal bare channel id to decimal pts; {@code channels{prefix:session}} (layout 4). */
  final byte[] channels;

  /**
   * Where layouts 2 and 3 kept {@link #state} and {@link #channels}: {@code {prefix:session}:state}
   * and {@code {prefix:session}:channels}, read until the session's first write by this version
   * renames them (mark.lua); deleted with the session.
   */
  final byte[] legacyState;

  /** See {@link #legacyState}. */
  final byte[] legacyChannels;

  /**
   * Hash: 8-byte dialog id to the time the peer was last cached (19-digit epoch nanoseconds), for
   * the peers whose {@code peers} value 0.3.0 wrote (layout 2); read only for those, never written
   * since (an entry of a peer written again is stale and ignored; prune and clear remove them).
   */
  final byte[] cached;

  /** Hash: the core's extras (media DCs, plain temporary keys, home DC family), name to bytes. */
  final byte[] extras;

  /** String, expiring with the lease: {@code "token owner"} of the lease held now. */
  final byte[] lease;

  /**
   * String: the highest lease token ever issued (INCR); not deleted by {@code clear()}, so tokens
   * only grow while the session exists; deleted with the session by the directory's delete (a
   * holder's next fenced write then finds no token and fails). Fenced writes compare with it.
   */
  final byte[] leaseToken;

  private final String tag;
  private final String prefix;
  private final String session;
  private final String infix;

  RedisKeys(String prefix, String session) {
    this(prefix, session, "");
  }

  private RedisKeys(String prefix, String session, String infix) {
    this.prefix = prefix;
    this.session = session;
    this.infix = infix;
    this.tag = "{" + prefix + ":" + session + "}";
    peers = key("peers");
    info = key("info");
    usernames = key("usernames");
    phones = key("phones");
    self = key("self");
    dcs = key("dcs");
    state = tail("state");
    channels = tail("channels");
    legacyState = key("state");
    legacyChannels = key("channels");
    cached = key("cached");
    extras = key("extras");
    // The lease is the session's, whatever is staged.
    lease = (tag + ":lease").getBytes(StandardCharsets.UTF_8);
    leaseToken = (tag + ":lease-token").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The data keys of a replacement being staged ({@code replaceStore}): the same hash tag (same
   * slot), names under {@code stage:}, switched over the live keys by one script.
   */
  RedisKeys staged() {
    return new RedisKeys(prefix, session, "stage:");
  }

  /** The session's name. */
  String session() {
    return session;
  }

  /**
   * The directory's name index of every session under {@code prefix}: a sorted set of names, all
   * with score 0 (so ZRANGEBYLEX pages them in byte order), in the slot of {@code {prefix}}, not
   * any session's.
   */
  static byte[] index(String prefix) {
    return ("{" + prefix + "}:sessions").getBytes(StandardCharsets.UTF_8);
  }

  /** What every key of every session under {@code prefix} starts with (the tracking's prefix). */
  static byte[] keyPrefix(String prefix) {
    return ("{" + prefix + ":").getBytes(StandardCharsets.UTF_8);
  }

  /** The hash tag shared by every key, {@code {prefix:session}}. */
  String tag() {
    return tag;
  }

  /**
   * Every key of the session's data, for {@code clear()}; not the lease keys, which outlive a
   * {@code clear()} made under the lease.
   */
  List<byte[]> all() {
    return List.of(
        peers,
        info,
        usernames,
        phones,
        self,
        dcs,
        state,
        channels,
        cached,
        extras,
        legacyState,
        legacyChannels);
  }

  /** Every key of the session, the lease keys and the staged ones included: for delete. */
  List<byte[]> everything() {
    List<byte[]> all = new java.util.ArrayList<>(all());
    all.add(lease);
    all.add(leaseToken);
    all.addAll(staged().all());
    return all;
  }

  private byte[] key(String name) {
    return (tag + ":" + infix + name).getBytes(StandardCharsets.UTF_8);
  }

  /** A key named before the hash tag: in the slot, outside the tracking's prefix. */
  private byte[] tail(String name) {
    return (infix + name + tag).getBytes(StandardCharsets.UTF_8);
  }
}
