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
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The binary peer record, shared with {@code store_peers.lua} (which merges records without turning
 * them into anything else):
 *
 * <pre>
 * u8  version (1)
 * u8  known:  1 access hash, 2 bot, 4 self, 8 usernames, 16 phone, 32 channel kind
 * u8  values: 1 bot, 2 self, channel kind &lt;&lt; 2 (1 broadcast, 2 megagroup, 3 gigagroup)
 * i64 access hash, big-endian (0 unless known)
 * if usernames known: u16 count, then per username u8 length + ASCII
 * if phone known:     u8 length + ASCII digits
 * </pre>
 *
 * A bit clear in {@code known} is a {@code null} component. Peer ids (hash fields and index values)
 * are the Bot API dialog id as 8 bytes, big-endian.
 */
final class PeerCodec {

  static final int VERSION = 1;

  private static final int HASH = 1;
  private static final int BOT = 2;
  private static final int SELF = 4;
  private static final int USERNAMES = 8;
  private static final int PHONE = 16;
  private static final int KIND = 32;
  private static final int HEADER = 11;

  private PeerCodec() {}

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

  static byte[] encode(PeerInfo peer) {
    int known = 0;
    int values = 0;
    PeerAuth auth = null;
    List<String> usernames = peer.usernames();
    String phone = null;
    if (peer instanceof PeerInfo.User user) {
      auth = user.auth();
      if (user.bot() != null) {
        known |= BOT;
        values |= user.bot() ? 1 : 0;
      }
      if (user.self() != null) {
        known |= SELF;
        values |= user.self() ? 2 : 0;
      }
      phone = user.phone();
    } else if (peer instanceof PeerInfo.Channel channel) {
      auth = channel.auth();
      if (channel.kind() != null) {
        known |= KIND;
        values |=
            switch (channel.kind()) {
                  case BROADCAST -> 1;
                  case MEGAGROUP -> 2;
                  case GIGAGROUP -> 3;
                }
                << 2;
      }
    }
    known |= auth != null ? HASH : 0;
    known |= usernames != null ? USERNAMES : 0;
    known |= phone != null ? PHONE : 0;
    ByteArrayOutputStream out = new ByteArrayOutputStream(32);
    out.write(VERSION);
    out.write(known);
    out.write(values);
    out.writeBytes(
        ByteBuffer.allocate(Long.BYTES).putLong(auth == null ? 0 : auth.accessHash()).array());
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
   * Whether an encoded record claims something its peer may take from another one: usernames, a
   * phone or the self flag. {@code store_peers.lua} merges the others on their bytes.
   */
  static boolean claims(byte[] record) {
    return (record[1] & (SELF | USERNAMES | PHONE)) != 0;
  }

  static PeerInfo decode(PeerId id, byte[] record) {
    try {
      ByteBuffer in = ByteBuffer.wrap(record);
      int version = in.get() & 0xFF;
      if (version != VERSION || record.length < HEADER) {
        throw new IncompatibleSessionException(
            "expected a peer record of version "
                + VERSION
                + " for peer "
                + id
                + ", found version "
                + version
                + " ("
                + record.length
                + " bytes); it was written by a newer or foreign program, open it with that");
      }
      int known = in.get() & 0xFF;
      int values = in.get() & 0xFF;
      long hash = in.getLong();
      PeerAuth auth = (known & HASH) != 0 ? new PeerAuth(hash) : null;
      List<String> usernames = null;
      if ((known & USERNAMES) != 0) {
        int count = in.getShort() & 0xFFFF;
        usernames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          usernames.add(readShort(in));
        }
      }
      String phone = (known & PHONE) != 0 ? readShort(in) : null;
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
    } catch (BufferUnderflowException | IllegalArgumentException e) {
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
}
