package dev.tgsession.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The fixed set of keys one session owns. Every key starts with the hash tag {@code
 * {prefix:session}}, so the whole session lives in one cluster slot and scripts may touch any of
 * its keys.
 */
final class RedisKeys {

  /**
   * Hash: 8-byte dialog id to the peer's access hash (8 bytes, or empty when unknown); one field
   * per stored peer ({@link PeerCodec}).
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

  /** Hash: {@code pts}, {@code qts}, {@code date}, {@code seq}, decimal. */
  final byte[] state;

  /** Hash: decimal bare channel id to decimal pts. */
  final byte[] channels;

  /** String, expiring with the lease: {@code "token owner"} of the lease held now. */
  final byte[] lease;

  /**
   * String: the highest lease token ever issued (INCR); never deleted, not even by {@code clear()},
   * so tokens only grow. Fenced writes compare their token with it.
   */
  final byte[] leaseToken;

  private final String tag;

  RedisKeys(String prefix, String session) {
    this.tag = "{" + prefix + ":" + session + "}";
    peers = key("peers");
    info = key("info");
    usernames = key("usernames");
    phones = key("phones");
    self = key("self");
    dcs = key("dcs");
    state = key("state");
    channels = key("channels");
    lease = key("lease");
    leaseToken = key("lease-token");
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
    return List.of(peers, info, usernames, phones, self, dcs, state, channels);
  }

  private byte[] key(String name) {
    return (tag + ":" + name).getBytes(StandardCharsets.UTF_8);
  }
}
