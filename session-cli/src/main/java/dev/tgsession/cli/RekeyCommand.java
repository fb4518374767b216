package dev.tgsession.cli;

import dev.tgsession.Session;
import dev.tgsession.SessionEncryption;
import dev.tgsession.Sessions;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.EncryptionKey;
import dev.tgsession.spi.SessionUri;
import java.io.IOException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    header = "Encrypt a session's auth keys with another key, or store them plain again.",
    name = "rekey",
    description = {
      "%nRe-encrypts the auth keys of URI with the key --to-key names, or stores them plain again with --to-plain, in one atomic write: after a crash the session opens with the old key or the new one.",
      "URI carries the current key as encryption-key=env:NAME or encryption-key=file:PATH when the session is encrypted. The session is held under a short lease where its backend has leases (refused, exit 3, when someone else holds it, unless --force)."
    })
final class RekeyCommand extends SessionCommand {

  @Parameters(
      index = "0",
      paramLabel = "URI",
      description = "The session, with its current encryption-key= when it is encrypted.")
  String uri;

  @ArgGroup(multiplicity = "1")
  Target target;

  /** Exactly one of the two. */
  static final class Target {
    @Option(
        names = "--to-key",
        paramLabel = "env:NAME|file:PATH",
        description = "Where the new 32-byte key is (64 hex characters or base64); never the key.")
    @Nullable String toKey;

    @Option(names = "--to-plain", description = "Store the auth keys plain again.")
    boolean toPlain;
  }

  @Option(
      names = "--force",
      description = "Rekey even when another owner holds the session's lease (take no lease).")
  boolean force;

  @Override
  public Integer call() throws IOException {
    String scheme = SessionUri.parse(uri).scheme();
    if (!Sessions.capabilities(scheme).contains(Capability.ENCRYPTION)) {
      throw new IllegalArgumentException(
          "expected a backend with encryption at rest (option encryption-key), found the "
              + scheme
              + ": backend, which keeps auth keys as its store does");
    }
    EncryptionKey newKey = target.toKey == null ? null : EncryptionKey.fromSpec(target.toKey);
    requireExistingFile(uri);
    String said =
        writeTarget(
            uri,
            force,
            session -> {
              SessionEncryption stored = encryptable(session);
              Optional<String> before = stored.fingerprint();
              String after = newKey == null ? null : newKey.fingerprint();
              if (before.isEmpty() && after == null) {
                return "unchanged: " + show(uri) + " already keeps its auth keys plain";
              }
              if (after != null && before.isPresent() && before.get().equals(after)) {
                return "unchanged: "
                    + show(uri)
                    + " is already encrypted with key fingerprint "
                    + after;
              }
              stored.rekey(newKey);
              return "rekeyed "
                  + show(uri)
                  + ": auth keys "
                  + before.map(f -> "encrypted with key fingerprint " + f).orElse("plain")
                  + " -> "
                  + (after == null ? "plain" : "encrypted with key fingerprint " + after);
            });
    out().println(said);
    return 0;
  }

  private SessionEncryption encryptable(Session session) {
    return session
        .encryption()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "expected a session with encryption at rest, found one of "
                        + quote(uri)
                        + " that has none"));
  }
}
