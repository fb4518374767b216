package dev.tgsession.redis;

import dev.tgsession.ChannelKind;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * How a peer is stored: its access hash and the time it was cached in the {@code peers} hash and
 * everything else it may know in an optional record in the {@code info} hash, both under the 8-byte
 * big-endian Bot API dialog id. Splitting them lets a peer known by id and access hash only, the
 * most common write, be one plain {@code HSET} that replaces exactly the hash and the time and
 * leaves what else is stored alone.
 *
 * <pre>
 * peers value: the access hash as i64 big-endian (absent when it is unknown), then the time it was
 *              cached ({@link StateRedisCodec#time}, 19 ASCII digits): 27 or 19 bytes (the field
 *              exists for every stored peer). 0.3.0 (layout 2) stored the hash alone, 8 or 0 bytes,
 *              and the time in the {@code cached} hash; such values are read as they are and
 *              replaced by the next write of the peer.
 * info record (absent when none of these is known):
 *   u8  version (1)
 *   u8  known:  2 bot, 4 self, 8 usernames, 16 phone, 32 channel kind (1 is unused)
 *   u8  values: 1 bot, 2 self, channel kind &lt;&lt; 2 (1 broadcast, 2 megagroup, 3 gigagroup)
 *   if usernames known: u16 count, then per username u8 length + ASCII
 *   if phone known:     u8 length + ASCII digits
 * </pre>
 *
 * A bit clear in {@code known} is a {@code null} component. {@code store_peers.lua} merges info
 * records that claim nothing on their bytes.
 */
final class PeerRedisCodec {

  static final int VERSION = 1;

  /** The stored value of a peer whose access hash is unknown. */
  static final byte[] NO_HASH = new byte[0];

  /** The length of a stored time ({@link StateRedisCodec#time}). */
  static final int TIME = 19;

  /** What {@code store_peers.lua} takes for a peer without an info record. */
  static final byte[] NO_INFO = new byte[0];

  private static final int BOT = 2;
  private static final int SELF = 4;
  private static final int USERNAMES = 8;
  private static final int PHONE = 16;
  private static final int KIND = 32;
  private static final int HEADER = 3;

  private PeerRedisCodec() {}

  static byte[] id(PeerId id) {
    return ByteBuffer.allocate(Long.BYTES).putLong(id.botApiDialogId()).array();
  }

  static PeerId id(byte[] bytes) {
    if (bytes.length != Long.BYTES) {
      throw new IncompatibleSessionException(
          "expected an 8-byte peer id in the session's Redis keys, found "
              + bytes.length
              + " bytes; the keys were not written by tgsession");
    }
    long dialogId = ByteBuffer.wrap(bytes).getLong();
    try {
      return new PeerId(dialogId);
    } catch (IllegalArgumentException e) {
      throw new IncompatibleSessionException(
          "expected a peer id in the session's Redis keys, found " + dialogId, e);
    }
  }

  /** The {@code peers} value of a peer: its access hash, or {@link #NO_HASH}. */
  static byte[] hash(PeerInfo peer) {
    PeerAuth auth = peer.auth();
    return auth == null
        ? NO_HASH
        : ByteBuffer.allocate(Long.BYTES).putLong(auth.accessHash()).array();
  }

  /** The {@code info} record of a peer, or {@code null} when it knows nothing the record holds. */
  static byte @Nullable [] info(PeerInfo peer) {
    int known = 0;
    int values = 0;
    List<String> usernames = peer.usernames();
    String phone = null;
    if (peer instanceof PeerInfo.User user) {
      if (user.bot() != null) {
        known |= BOT;
        values |= user.bot() ? 1 : 0;
      }
      if (user.self() != null) {
        known |= SELF;
        values |= user.self() ? 2 : 0;
      }
      phone = user.phone();
    } else if (peer instanceof PeerInfo.Channel channel && channel.kind() != null) {
      known |= KIND;
      values |=
          switch (channel.kind()) {
                case BROADCAST -> 1;
                case MEGAGROUP -> 2;
                case GIGAGROUP -> 3;
              }
              << 2;
    }
    known |= usernames != null ? USERNAMES : 0;
    known |= phone != null ? PHONE : 0;
    if (known == 0) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(16);
    out.write(VERSION);
    out.write(known);
    out.write(values);
    if (usernames != null) {
      if (usernames.size() > 0xFFFF) {
        throw new IllegalArgumentException(
            "expected at most 65535 usernames for peer "
                + peer.peerId()
                + ", found "
                + usernames.size());
      }
      out.write(usernames.size() >>> 8);
      out.write(usernames.size());
      for (String username : usernames) {
        writeShort(out, username);
      }
    }
    if (phone != null) {
      writeShort(out, phone);
    }
    return out.toByteArray();
  }

  /**
   * The time a {@code peers} value records, as {@link StateRedisCodec#time} wrote it, or {@code
   * null} for a value 0.3.0 wrote (its time is in the {@code cached} hash).
   */
  static byte @Nullable [] time(byte[] value) {
    return value.length == TIME || value.length == Long.BYTES + TIME
        ? Arrays.copyOfRange(value, value.length - TIME, value.length)
        : null;
  }

  /**
   * The peer stored as {@code hash} (its {@code peers} value) and {@code info} (its {@code info}
   * record, or {@code null}).
   *
   * @throws IncompatibleSessionException if either was not written by this version
   */
  static PeerInfo decode(PeerId id, byte[] hash, byte @Nullable [] info) {
    int length = hash.length;
    if (length != 0 && length != Long.BYTES && length != TIME && length != Long.BYTES + TIME) {
      throw new IncompatibleSessionException(
          "expected an 8-byte access hash (or none), then the time it was cached, for peer "
              + id
              + ", found "
              + length
              + " bytes; the peers were written by another program or tgsession version");
    }
    PeerAuth auth =
        length == 0 || length == TIME ? null : new PeerAuth(ByteBuffer.wrap(hash).getLong());
    int known = 0;
    int values = 0;
    List<String> usernames = null;
    String phone = null;
    if (info != null) {
      try {
        ByteBuffer in = ByteBuffer.wrap(info);
        int version = in.get() & 0xFF;
        if (version != VERSION || info.length < HEADER) {
          throw new IncompatibleSessionException(
              "expected a peer record of version "
                  + VERSION
                  + " for peer "
                  + id
                  + ", found version "
                  + version
                  + " ("
                  + info.length
                  + " bytes); it was written by a newer or foreign program, open it with that");
        }
        known = in.get() & 0xFF;
        values = in.get() & 0xFF;
        if ((known & USERNAMES) != 0) {
          int count = in.getShort() & 0xFFFF;
          usernames = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            usernames.add(readShort(in));
          }
        }
        phone = (known & PHONE) != 0 ? readShort(in) : null;
      } catch (BufferUnderflowException e) {
        throw new IncompatibleSessionException(
            "expected a valid peer record for peer " + id + ", found a malformed one: " + e, e);
      }
    }
    try {
      return switch (id.kind()) {
        case USER ->
            new PeerInfo.User(
                id.bareId(),
                auth,
                flag(known, BOT, values, 1),
                flag(known, SELF, values, 2),
                usernames,
                phone);
        case CHAT -> new PeerInfo.Chat(id.bareId());
        case CHANNEL ->
            new PeerInfo.Channel(
                id.bareId(),
                auth,
                (known & KIND) != 0 ? channelKind(id, (values >>> 2) & 3) : null,
                usernames);
        case USER_SELF -> throw new IncompatibleSessionException("peer record under the self id");
      };
    } catch (IllegalArgumentException e) {
      throw new IncompatibleSessionException(
          "expected a valid peer record for peer " + id + ", found a malformed one: " + e, e);
    }
  }

  private static @Nullable Boolean flag(int known, int bit, int values, int valueBit) {
    return (known & bit) == 0 ? null : (values & valueBit) != 0;
  }

  private static ChannelKind channelKind(PeerId id, int code) {
    return switch (code) {
      case 1 -> ChannelKind.BROADCAST;
      case 2 -> ChannelKind.MEGAGROUP;
      case 3 -> ChannelKind.GIGAGROUP;
      default ->
          throw new IncompatibleSessionException(
              "expected a channel kind 1..3 in the record of peer " + id + ", found " + code);
    };
  }

  private static void writeShort(ByteArrayOutputStream out, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    out.write(bytes.length);
    out.writeBytes(bytes);
  }

  private static String readShort(ByteBuffer in) {
    byte[] bytes = new byte[in.get() & 0xFF];
    in.get(bytes);
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  /**
   * A batch encoded for one {@code HSET} of the {@code peers} hash (every peer known by id and
   * access hash only) or {@code store_peers.lua}; encoded whole before anything is sent, so a peer
   * that cannot be encoded changes nothing stored.
   */
  record Batch(
      List<PeerInfo> peers,
      List<byte[]> ids,
      List<byte[]> hashes,
      List<byte @Nullable []> infos,
      boolean hashesOnly,
      boolean names,
      boolean phones,
      boolean self) {

    static Batch encode(List<PeerInfo> peers) {
      List<byte[]> ids = new ArrayList<>(peers.size());
      List<byte[]> hashes = new ArrayList<>(peers.size());
      List<byte @Nullable []> infos = new ArrayList<>(peers.size());
      boolean hashesOnly = true;
      boolean names = false;
      boolean phones = false;
      boolean self = false;
      for (PeerInfo peer : peers) {
        byte[] hash = hash(peer);
        byte[] info = info(peer);
        ids.add(id(peer.peerId()));
        hashes.add(hash);
        infos.add(info);
        hashesOnly &= hash.length != 0 && info == null;
        names |= peer.usernames() != null;
        if (peer instanceof PeerInfo.User user) {
          phones |= user.phone() != null;
          self |= user.self() != null;
        }
      }
      return new Batch(List.copyOf(peers), ids, hashes, infos, hashesOnly, names, phones, self);
    }

    /**
     * The script's keys. {@code store_peers.lua} touches usernames, phones and self only for
     * records that claim them; the keys a batch does not need are declared as {@code peers}
     * instead: while the session's slot is being migrated, Redis refuses (TRYAGAIN) a script naming
     * a key that does not exist, and a session without phones or a self user has no such keys.
     */
    List<byte[]> keys(RedisKeys target) {
      return List.of(
          target.peers,
          target.info,
          names ? target.usernames : target.peers,
          phones ? target.phones : target.peers,
          self ? target.self : target.peers);
    }

    /**
     * The {@code peers} fields of peers {@code from} to {@code to} of a {@link #hashesOnly} batch:
     * id to access hash and time, in order.
     */
    Map<byte[], byte[]> values(int from, int to, byte[] time) {
      Map<byte[], byte[]> values = new LinkedHashMap<>(2 * (to - from));
      for (int i = from; i < to; i++) {
        values.put(ids.get(i), value(hashes.get(i), time));
      }
      return values;
    }

    /** Whether every peer from {@code from} to {@code to} comes with its access hash. */
    boolean hashesKnown(int from, int to) {
      for (int i = from; i < to; i++) {
        if (hashes.get(i).length == 0) {
          return false;
        }
      }
      return true;
    }

    /**
     * The arguments of {@code store_peers.lua} for the peers at {@code indexes}: per peer its id,
     * its {@code peers} value (access hash and time, or empty when the hash is unknown) and its
     * info record; then a (username, id) pair per username and a (phone, id) pair per phone those
     * records hold, so the script can write the claims of new records without decoding them; then
     * the numbers of both kinds of pairs and the time.
     */
    List<byte[]> args(int[] indexes, byte[] time) {
      List<byte[]> args = new ArrayList<>(5 * indexes.length + 3);
      for (int i : indexes) {
        args.add(ids.get(i));
        byte[] hash = hashes.get(i);
        args.add(hash.length == 0 ? NO_HASH : value(hash, time));
        byte[] info = infos.get(i);
        args.add(info == null ? NO_INFO : info);
      }
      int usernames = 0;
      for (int i : indexes) {
        List<String> names = infos.get(i) == null ? null : peers.get(i).usernames();
        if (names != null) {
          for (String name : names) {
            args.add(name.getBytes(StandardCharsets.US_ASCII));
            args.add(ids.get(i));
            usernames++;
          }
        }
      }
      int phones = 0;
      for (int i : indexes) {
        if (peers.get(i) instanceof PeerInfo.User user && user.phone() != null) {
          args.add(user.phone().getBytes(StandardCharsets.US_ASCII));
          args.add(ids.get(i));
          phones++;
        }
      }
      args.add(StateRedisCodec.number(usernames));
      args.add(StateRedisCodec.number(phones));
      args.add(time);
      return args;
    }

    private static byte[] value(byte[] hash, byte[] time) {
      byte[] value = Arrays.copyOf(hash, hash.length + time.length);
      System.arraycopy(time, 0, value, hash.length, time.length);
      return value;
    }

    /** The arguments of {@code store_peers.lua} for peers {@code from} to {@code to}. */
    List<byte[]> args(int from, int to, byte[] time) {
      return args(IntStream.range(from, to).toArray(), time);
    }
  }
}
