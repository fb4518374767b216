package dev.tgsession.sqlite;

import dev.tgsession.AuthKey;
import dev.tgsession.DcOption;
import dev.tgsession.Session;
import dev.tgsession.SessionData;
import dev.tgsession.UpdateState;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Random;

/** Helpers shared by the tests. */
final class TestData {

  private TestData() {}

  /** Writes everything {@code data} holds into {@code session}. */
  static void load(Session session, SessionData data) {
    session.cachePeers(new ArrayList<>(data.peers().values()));
    data.dcOptions().values().forEach(session::setDcOption);
    session.setHomeDcId(data.homeDcId());
    session.setUpdateState(new UpdateState.All(data.updatesState()));
  }

  static AuthKey key(int seed) {
    byte[] bytes = new byte[AuthKey.LENGTH];
    new Random(seed).nextBytes(bytes);
    return AuthKey.of(bytes);
  }

  static InetSocketAddress address(String literal, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByName(literal), port);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static DcOption dc(int id, String ipv4, String ipv6, int port, AuthKey key) {
    return new DcOption(id, address(ipv4, port), address(ipv6, port), key);
  }

  /** The SHA-256 of a file, to show it was not changed. */
  static String checksum(Path file) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (java.io.IOException | NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
