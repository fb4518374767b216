package dev.tgsession.tck.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1, made with the JDK's {@code keytool}: {@code cert.pem}
 * and {@code key.pem} for a TLS server, and a PKCS12 trust store (password {@value #PASSWORD}) for
 * the client.
 */
public final class SelfSignedCertificate {

  /** The password of the trust store. */
  public static final String PASSWORD = "changeit";

  private final Path dir;

  private SelfSignedCertificate(Path dir) {
    this.dir = dir;
  }

  /**
   * Creates {@code server.p12}, {@code cert.pem} and {@code key.pem} in {@code dir}.
   *
   * @throws IllegalStateException if keytool fails or takes more than a minute
   */
  public static SelfSignedCertificate create(Path dir) throws IOException {
    Path store = dir.resolve("server.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Path log = dir.resolve("keytool.log");
    Process process =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "redis",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "san=ip:127.0.0.1",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException("keytool failed: " + Files.readString(log));
      }
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keyStore.load(in, PASSWORD.toCharArray());
      }
      Key key = keyStore.getKey("redis", PASSWORD.toCharArray());
      write(dir.resolve("key.pem"), "PRIVATE KEY", key.getEncoded());
      write(dir.resolve("cert.pem"), "CERTIFICATE", keyStore.getCertificate("redis").getEncoded());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not read the key keytool made", e);
    }
    return new SelfSignedCertificate(dir);
  }

  /** The directory with {@code cert.pem} and {@code key.pem}. */
  public Path dir() {
    return dir;
  }

  /** The PKCS12 trust store holding the certificate. */
  public Path trustStore() {
    return dir.resolve("server.p12");
  }

  private static void write(Path file, String type, byte[] der) throws IOException {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(
        file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
  }
}
