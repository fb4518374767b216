package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.AuthKey;
import dev.tgsession.KnownDcs;
import dev.tgsession.PeerAuth;
import dev.tgsession.PeerInfo;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 25 item 10: a lost encryption key is no dead end for clear and delete. */
@DisplayName("tgsession clear and delete without the encryption key")
class LostKeyCommandTest {

  @TempDir Path dir;

  private Path encrypted(String name) throws Exception {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 3);
    Path keyFile = Files.writeString(dir.resolve(name + ".key"), HexFormat.of().formatHex(key));
    Path file = dir.resolve(name + ".session");
    byte[] auth = new byte[AuthKey.LENGTH];
    Arrays.fill(auth, (byte) 9);
    try (Session session = Sessions.open("sqlite:" + file + "?encryption-key=file:" + keyFile)) {
      session.setDcOption(KnownDcs.all().get(2).withAuthKey(AuthKey.of(auth)));
      session.cachePeer(new PeerInfo.User(5, new PeerAuth(6), false, false, null, null));
    }
    Files.delete(keyFile); // the key is lost
    return file;
  }

  @Test
  @DisplayName("clear works without the key: the session is plain and new afterwards")
  void clear() throws Exception {
    Path file = encrypted("lost");
    Cli.Result cleared = Cli.run("clear", "sqlite:" + file);
    assertThat(cleared.exitCode()).as("%s", cleared).isZero();
    assertThat(cleared.out()).contains("removed unread").contains("plain and new");
    try (Session session = Sessions.open("sqlite:" + file)) {
      assertThat(session.peerCount()).isZero();
      assertThat(session.dcOption(2)).hasValue(KnownDcs.all().get(2));
    }
  }

  @Test
  @DisplayName("delete works without the key")
  void delete() throws Exception {
    Path file = encrypted("gone");
    Cli.Result deleted = Cli.run("delete", "sqlite:" + dir + "/", "gone");
    assertThat(deleted.exitCode()).as("%s", deleted).isZero();
    assertThat(Files.exists(file)).isFalse();
  }
}
