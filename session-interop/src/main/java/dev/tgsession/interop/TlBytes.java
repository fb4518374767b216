package dev.tgsession.interop;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The little-endian TL serialization mtcute's session strings use: {@code int} (4 bytes), {@code
 * int53} (8 bytes), {@code Bool} and {@code bytes} (a length of 1 byte, or 254 and 3 bytes, then
 * the bytes and zero padding to a multiple of 4). Reading is strict and names what was short or
 * wrong; it never quotes the bytes.
 */
final class TlBytes {
  static final int BOOL_TRUE = 0x997275b5;
  static final int BOOL_FALSE = 0xbc799737;

  private TlBytes() {}

  /** A reader over bytes of {@code format}; every error is an IllegalArgumentException. */
  static final class Reader {
    private final String format;
    private final ByteBuffer buffer;

    Reader(String format, byte[] bytes, int offset) {
      this.format = format;
      this.buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      this.buffer.position(offset);
    }

    int remaining() {
      return buffer.remaining();
    }

    private void need(int count, String what) {
      if (buffer.remaining() < count) {
        throw new IllegalArgumentException(
            format
                + ": expected "
                + count
                + " more bytes for "
                + what
                + ", found "
                + buffer.remaining()
                + " (the string is truncated)");
      }
    }

    int u8(String what) {
      need(1, what);
      return buffer.get() & 0xFF;
    }

    int int32(String what) {
      need(4, what);
      return buffer.getInt();
    }

    long int64(String what) {
      need(8, what);
      return buffer.getLong();
    }

    boolean bool(String what) {
      int value = int32(what);
      if (value == BOOL_TRUE) {
        return true;
      }
      if (value == BOOL_FALSE) {
        return false;
      }
      throw new IllegalArgumentException(
          format
              + ": expected "
              + what
              + " as a TL Bool (boolTrue 0x997275b5 or boolFalse 0xbc799737), found 0x"
              + Integer.toHexString(value));
    }

    /** TL {@code bytes}: canonical length form, zero padding. */
    byte[] bytes(String what) {
      int first = u8("the length of " + what);
      int length;
      int header;
      if (first == 254) {
        need(3, "the length of " + what);
        length = (buffer.get() & 0xFF) | (buffer.get() & 0xFF) << 8 | (buffer.get() & 0xFF) << 16;
        header = 4;
        if (length < 254) {
          throw new IllegalArgumentException(
              format
                  + ": expected the short length form for "
                  + what
                  + " of "
                  + length
                  + " bytes (as TL writers write it), found the long form");
        }
      } else if (first == 255) {
        throw new IllegalArgumentException(
            format + ": expected a TL length byte 0..254 for " + what + ", found 255");
      } else {
        length = first;
        header = 1;
      }
      need(length, what);
      byte[] value = new byte[length];
      buffer.get(value);
      int padding = (4 - (header + length) % 4) % 4;
      need(padding, "the padding after " + what);
      for (int i = 0; i < padding; i++) {
        if (buffer.get() != 0) {
          throw new IllegalArgumentException(
              format + ": expected zero padding after " + what + ", found a non-zero byte");
        }
      }
      return value;
    }

    void end(String what) {
      if (buffer.remaining() != 0) {
        throw new IllegalArgumentException(
            format
                + ": expected nothing after "
                + what
                + ", found "
                + buffer.remaining()
                + " more bytes");
      }
    }
  }

  /** A writer of the same serialization. */
  static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Writer u8(int value) {
      out.write(value);
      return this;
    }

    Writer int32(int value) {
      for (int i = 0; i < 4; i++) {
        out.write(value >>> (8 * i));
      }
      return this;
    }

    Writer int64(long value) {
      for (int i = 0; i < 8; i++) {
        out.write((int) (value >>> (8 * i)));
      }
      return this;
    }

    Writer bool(boolean value) {
      return int32(value ? BOOL_TRUE : BOOL_FALSE);
    }

    Writer bytes(byte[] value) {
      int header;
      if (value.length <= 253) {
        out.write(value.length);
        header = 1;
      } else {
        out.write(254);
        out.write(value.length);
        out.write(value.length >>> 8);
        out.write(value.length >>> 16);
        header = 4;
      }
      out.write(value, 0, value.length);
      int padding = (4 - (header + value.length) % 4) % 4;
      for (int i = 0; i < padding; i++) {
        out.write(0);
      }
      return this;
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }
}
