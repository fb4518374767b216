package dev.tgsession.interop;

import dev.tgsession.AuthKey;
import dev.tgsession.support.IpAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Random;

/**
 * A seeded source of inputs for the property tests: every run draws the same values, and a failure
 * names the seed and try that produced it.
 */
final class RandomInputs {
  static final String URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  static final String STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  /** One property check; {@code random} is seeded per try. */
  interface Check {
    void check(RandomInputs in) throws Exception;
  }

  private final Random random;

  private RandomInputs(long seed) {
    this.random = new Random(seed);
  }

  /** Runs {@code check} {@code tries} times, each from its own reproducible seed. */
  static void forAll(int tries, long seed, Check check) {
    for (int i = 0; i < tries; i++) {
      long trySeed = seed * 1_000_003L + i;
      try {
        check.check(new RandomInputs(trySeed));
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("property failed at try " + i + " (seed " + trySeed + ")", e);
      } catch (Exception e) {
        throw new AssertionError("property threw at try " + i + " (seed " + trySeed + ")", e);
      }
    }
  }

  int between(int min, int max) {
    return (int) between((long) min, (long) max);
  }

  /** Uniform in {@code min..max}; the span must fit a long. */
  long between(long min, long max) {
    return min + Math.floorMod(random.nextLong(), max - min + 1);
  }

  boolean bool() {
    return random.nextBoolean();
  }

  byte[] bytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  AuthKey key() {
    return AuthKey.of(bytes(AuthKey.LENGTH));
  }

  InetAddress ipv4() {
    // Edge values now and then: 0.0.0.0 and 255.255.255.255.
    int pick = random.nextInt(20);
    byte[] bytes = pick == 0 ? new byte[4] : pick == 1 ? new byte[] {-1, -1, -1, -1} : bytes(4);
    return IpAddresses.fromBytes(bytes);
  }

  /** IPv4, IPv6, and now and then IPv4-mapped or IPv4-compatible IPv6. */
  InetAddress address() {
    int pick = random.nextInt(10);
    if (pick < 4) {
      return ipv4();
    } else if (pick == 4) {
      return IpAddresses.mapped((Inet4Address) ipv4());
    } else if (pick == 5) {
      byte[] compatible = new byte[16];
      System.arraycopy(bytes(4), 0, compatible, 12, 4);
      return IpAddresses.fromBytes(compatible);
    }
    return IpAddresses.fromBytes(bytes(16));
  }

  char pick(String chars) {
    return chars.charAt(random.nextInt(chars.length()));
  }

  String string(String chars, int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(pick(chars));
    }
    return text.toString();
  }

  /** Any characters: ASCII, control, Latin-1, BMP, surrogate halves. */
  String anyString(int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      int kind = random.nextInt(4);
      text.append(
          (char)
              switch (kind) {
                case 0 -> random.nextInt(0x80);
                case 1 -> random.nextInt(0x100);
                case 2 -> 0xD800 + random.nextInt(0x800);
                default -> random.nextInt(0x10000);
              });
    }
    return text.toString();
  }

  /** A length near one of the real ones (351..369) most of the time, else anything up to 400. */
  int stringLength() {
    return random.nextInt(3) == 0 ? between(0, 400) : between(340, 375);
  }
}
