package dev.tgsession.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file that holds a credential: readable by its owner only (where the file system has
 * POSIX permissions), and complete or absent, never half-written.
 */
final class CredentialFile {

  /** Writes the content of a credential file. */
  @FunctionalInterface
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private CredentialFile() {}

  static void write(Path file, Content content) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path dir = absolute.getParent();
    Path temporary =
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
            ? Files.createTempFile(
                dir,
                ".tgsession-",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
            : Files.createTempFile(dir, ".tgsession-", ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temporary)) {
        content.writeTo(out);
      }
      Files.move(
          temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
