package dev.tgsession.cli;

import dev.tgsession.support.QuotedValue;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
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
    if (dir == null || !Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "expected --out in an existing directory, found no directory "
              + QuotedValue.cut(String.valueOf(dir))
              + " for "
              + QuotedValue.cut(file.toString()));
    }
    if (Files.isDirectory(absolute)) {
      throw new IllegalArgumentException(
          "expected --out to name a file, found the directory " + QuotedValue.cut(file.toString()));
    }
    Path temporary;
    try {
      temporary =
          FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
              ? Files.createTempFile(
                  dir,
                  ".tgsession-",
                  ".tmp",
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------")))
              : Files.createTempFile(dir, ".tgsession-", ".tmp");
    } catch (IOException e) {
      // The message would name the temporary file: name the file asked for.
      throw failed(file, e);
    }
    try {
      try (OutputStream out = Files.newOutputStream(temporary)) {
        content.writeTo(out);
      }
      try {
        Files.move(
            temporary,
            absolute,
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw failed(file, e);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** A failure naming the file asked for, never the temporary file (whose name it drops). */
  private static IOException failed(Path file, IOException e) {
    String reason =
        e instanceof FileSystemException fs && fs.getReason() != null
            ? fs.getReason()
            : e.getClass().getSimpleName();
    return new IOException("could not write " + QuotedValue.cut(file.toString()) + ": " + reason);
  }
}
