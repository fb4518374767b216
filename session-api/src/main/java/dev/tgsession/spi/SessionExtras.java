package dev.tgsession.spi;

import dev.tgsession.AddressFamily;
import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.TempAuthKey;
import dev.tgsession.support.IpAddresses;
import java.net.InetSocketAddress;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The encoding of a session's extras (see {@link AbstractSession#loadExtras()}): the home DC's
 * address family, media-only DC options and plain temporary keys, each under its own key so that
 * two instances writing different ones never overwrite each other.
 */
final class SessionExtras {

  static final String HOME_FAMILY = "home-family";
  private static final String MEDIA = "media-dc:";
  private static final String TEMP = "temp-key:";
  private static final int MEDIA_LENGTH = 1 + 4 + 2 + 16 + 2;

  private SessionExtras() {}

  static String mediaKey(int dcId) {
    return MEDIA + dcId;
  }

  static String tempKey(int dcId, boolean media) {
    return TEMP + dcId + (media ? ":media" : ":main");
  }

  static boolean isTempKey(String key) {
    return key.startsWith(TEMP);
  }

  static byte @Nullable [] family(AddressFamily family) {
    return family == AddressFamily.IPV4 ? null : new byte[] {6};
  }

  static AddressFamily family(byte @Nullable [] stored, String description) {
    if (stored == null) {
      return AddressFamily.IPV4;
    }
    if (stored.length == 1 && (stored[0] == 4 || stored[0] == 6)) {
      return stored[0] == 6 ? AddressFamily.IPV6 : AddressFamily.IPV4;
    }
    throw damaged(
        description, HOME_FAMILY, "expected one byte 4 or 6, found " + stored.length + " bytes");
  }

  static byte[] media(DcOption option) {
    return ByteBuffer.allocate(MEDIA_LENGTH)
        .put((byte) 1)
        .put(option.ipv4().getAddress().getAddress())
        .putShort((short) option.ipv4().getPort())
        .put(option.ipv6().getAddress().getAddress())
        .putShort((short) option.ipv6().getPort())
        .array();
  }

  static Map<Integer, DcOption> mediaOptions(Map<String, byte[]> extras, String description) {
    Map<Integer, DcOption> media = new TreeMap<>();
    extras.forEach(
        (key, value) -> {
          if (!key.startsWith(MEDIA)) {
            return;
          }
          int dcId;
          try {
            dcId = Integer.parseInt(key.substring(MEDIA.length()));
          } catch (NumberFormatException e) {
            throw damaged(description, key, "expected a DC id after '" + MEDIA + "'");
          }
          if (value.length != MEDIA_LENGTH || value[0] != 1 || dcId <= 0) {
            throw damaged(
                description,
                key,
                "expected " + MEDIA_LENGTH + " bytes of version 1, found " + value.length);
          }
          ByteBuffer in = ByteBuffer.wrap(value, 1, value.length - 1);
          byte[] v4 = new byte[4];
          in.get(v4);
          int port4 = in.getShort() & 0xffff;
          byte[] v6 = new byte[16];
          in.get(v6);
          int port6 = in.getShort() & 0xffff;
          media.put(
              dcId,
              new DcOption(
                  dcId,
                  new InetSocketAddress(IpAddresses.fromBytes(v4), port4),
                  new InetSocketAddress(IpAddresses.fromBytes(v6), port6),
                  null));
        });
    return media;
  }

  static byte[] temp(TempAuthKey key) {
    return ByteBuffer.allocate(1 + 8 + AuthKey.LENGTH)
        .put((byte) 1)
        .putLong(key.expiresAt().getEpochSecond())
        .put(key.key().bytes())
        .array();
  }

  static @Nullable TempAuthKey temp(byte @Nullable [] stored, String key, String description) {
    if (stored == null) {
      return null;
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(stored);
      if (stored.length != 1 + 8 + AuthKey.LENGTH || in.get() != 1) {
        throw damaged(
            description,
            key,
            "expected " + (9 + AuthKey.LENGTH) + " bytes of version 1, found " + stored.length);
      }
      Instant expiresAt = Instant.ofEpochSecond(in.getLong());
      byte[] bytes = new byte[AuthKey.LENGTH];
      in.get(bytes);
      return new TempAuthKey(AuthKey.of(bytes), expiresAt);
    } catch (BufferUnderflowException e) {
      throw damaged(description, key, "it ends early");
    }
  }

  /**
   * The extras of a whole session's data: the home DC's family, its media options and (when {@code
   * withTempKeys}: a plain session) its temporary keys.
   */
  static Map<String, byte[]> all(dev.tgsession.SessionData data, boolean withTempKeys) {
    Map<String, byte[]> extras = new TreeMap<>();
    byte[] family = family(data.homeDcFamily());
    if (family != null) {
      extras.put(HOME_FAMILY, family);
    }
    data.mediaDcOptions().forEach((id, option) -> extras.put(mediaKey(id), media(option)));
    if (withTempKeys) {
      data.tempAuthKeys().forEach((id, key) -> extras.put(tempKey(id, false), temp(key)));
      data.mediaTempAuthKeys().forEach((id, key) -> extras.put(tempKey(id, true), temp(key)));
    }
    return extras;
  }

  private static IncompatibleSessionException damaged(String description, String key, String why) {
    return new IncompatibleSessionException(
        "session " + description + " holds a damaged extra '" + key + "': " + why, null);
  }
}
