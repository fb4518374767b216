package dev.tgsession.cli;

import dev.tgsession.IncompatibleSessionException;
import dev.tgsession.Session;
import dev.tgsession.Sessions;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.SessionOption;
import dev.tgsession.spi.SessionProvider;
import dev.tgsession.spi.SessionUri;
import dev.tgsession.spi.SharedOptions;
import dev.tgsession.support.QuotedValue;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every subcommand shares: its output streams, and opening sessions by URI, for reading only
 * (nothing created, converted or written) or as a write target (under a short lease).
 */
abstract class SessionCommand implements Callable<Integer> {

  /** Seconds of the lease a writing command holds on its target while it runs. */
  static final int TARGET_LEASE_SECONDS = 30;

  /** The option of a backend that can open a store without writing to it (sqlite). */
  private static final String MODE = "mode";

  @ParentCommand Tgsession root;

  @Spec CommandSpec spec;

  /** Where output goes when the command runs without picocli (Tgsession's fast path). */
  @Nullable PrintWriter directOut;

  @Nullable PrintWriter directErr;

  PrintWriter out() {
    return directOut != null ? directOut : spec.commandLine().getOut();
  }

  PrintWriter err() {
    return directErr != null ? directErr : spec.commandLine().getErr();
  }

  /**
   * Opens a session the command only reads: nothing is created, converted or written. A {@code
   * sqlite:} file must exist (either URI form), and is opened with {@code mode=read-only}. A plain
   * session named with {@code encryption-key=} is read plain, not encrypted in place: only {@code
   * rekey} and the writing commands change a session.
   */
  Session openReadOnly(String uri) {
    SessionUri parsed = parse(uri);
    SessionProvider provider = Sessions.provider(parsed.scheme());
    requireExistingFile(parsed);
    requireNonEmptyFile(parsed);
    String reading = uri;
    if (declares(provider, MODE)) {
      reading = withOption(parsed, MODE, "read-only");
      root.internalOption(MODE, "read-only");
    }
    if (declares(provider, SharedOptions.ENCRYPTION_KEY.name())
        && parsed.option(SharedOptions.ENCRYPTION_KEY.name()).isPresent()) {
      String withoutKey =
          SessionUri.parse(reading).rawWithoutOptions(Set.of(SharedOptions.ENCRYPTION_KEY.name()));
      try {
        Session plain = Sessions.open(withoutKey);
        err()
            .printf(
                "note: %s is not encrypted; reading it does not encrypt it (tgsession rekey"
                    + " URI --to-key ... does)%n",
                quote(uri));
        return plain;
      } catch (IncompatibleSessionException encrypted) {
        // Encrypted (or damaged): open it with the key given; a damaged one fails the same way.
      }
    }
    return Sessions.open(reading);
  }

  /**
   * Opens the session a command writes, created if the store has none. Where the backend has leases
   * ({@link Capability#LEASE}) it is opened under a {@value #TARGET_LEASE_SECONDS}-second lease
   * owned by {@code tgsession-cli:<host>:<pid>}, so a session someone else holds is refused with
   * the holder's name ({@link dev.tgsession.SessionLeasedException}, exit 3); with {@code force} it
   * is opened without a lease.
   */
  Session openTarget(String uri, boolean force) {
    return Sessions.open(targetUri(uri, force));
  }

  /** The URI {@link #openTarget} opens: with the command's lease unless {@code force}. */
  String targetUri(String uri, boolean force) {
    SessionUri parsed = parse(uri);
    String target = uri;
    if (Sessions.capabilities(parsed.scheme()).contains(Capability.LEASE)) {
      if (force) {
        target = parsed.rawWithoutOptions(Set.of(SharedOptions.LEASE.name()));
      } else {
        if (parsed.option(SharedOptions.LEASE.name()).isEmpty()) {
          target = withOption(SessionUri.parse(target), "lease", "" + TARGET_LEASE_SECONDS);
          root.internalOption("lease", "" + TARGET_LEASE_SECONDS);
        }
        if (parsed.option(SharedOptions.OWNER.name()).isEmpty()) {
          target = withOption(SessionUri.parse(target), "owner", owner());
          root.internalOption("owner", owner());
        }
      }
    }
    return target;
  }

  /** How the command names itself as a lease holder. */
  static String owner() {
    String owner = "tgsession-cli:" + Sessions.defaultOwner();
    return owner.length() > 200 ? owner.substring(0, 200) : owner;
  }

  /** Refuses a {@code sqlite:} file that does not exist, in both URI forms. */
  void requireExistingFile(String uri) {
    requireExistingFile(parse(uri));
  }

  private static void requireExistingFile(SessionUri parsed) {
    Path file = sqliteFile(parsed);
    if (file != null && !Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "expected an existing session file for "
              + QuotedValue.cut(parsed.toString())
              + ", found no file "
              + QuotedValue.cut(file.toString()));
    }
  }

  /** Refuses an empty {@code sqlite:} file where a session is read: reading creates nothing. */
  private static void requireNonEmptyFile(SessionUri parsed) {
    Path file = sqliteFile(parsed);
    try {
      if (file != null && Files.size(file) == 0) {
        throw new IllegalArgumentException(
            "expected a session file at "
                + QuotedValue.cut(file.toString())
                + ", found an empty file (reading a session does not create one; 'tgsession"
                + " import' or 'tgsession copy' to it does)");
      }
    } catch (IOException e) {
      // Unreadable: the backend says why when it opens the file.
    }
  }

  /**
   * The file of a {@code sqlite:} URI ({@code sqlite:F}, {@code sqlite:/F}, {@code sqlite:///F}).
   */
  static @Nullable Path sqliteFile(SessionUri parsed) {
    if (!parsed.scheme().equals("sqlite")
        || (parsed.hierarchical() && !parsed.hosts().isEmpty())
        || parsed.path().isEmpty()) {
      return null;
    }
    try {
      return Path.of(parsed.path());
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Runs {@code write} on the target and, when the target was a {@code sqlite:} file that did not
   * exist and the write fails, deletes the file and its side files: a failed command creates
   * nothing.
   */
  <T> T writeTarget(String uri, boolean force, TargetWrite<T> write) throws IOException {
    Path file = sqliteFile(parse(uri));
    boolean created = file != null && !Files.exists(file);
    try {
      try (Session target = openTarget(uri, force)) {
        return write.to(target);
      }
    } catch (IOException | RuntimeException | Error e) {
      if (created) {
        for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
          try {
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
          } catch (IOException deleting) {
            e.addSuppressed(deleting);
          }
        }
      }
      throw e;
    }
  }

  /** What a writing command does to its target. */
  @FunctionalInterface
  interface TargetWrite<T> {
    T to(Session target) throws IOException;
  }

  /** The URI as the command shows it: password and secret options masked. */
  String show(String uri) {
    return parse(uri).toString();
  }

  /** The URI as a message quotes it: masked, and cut to {@value QuotedValue#LIMIT} characters. */
  String quote(String uri) {
    return QuotedValue.cut(show(uri));
  }

  private static boolean declares(SessionProvider provider, String option) {
    for (SessionOption declared : provider.options()) {
      if (declared.name().equals(option)) {
        return true;
      }
    }
    return false;
  }

  /** The raw URI with option {@code name} set to {@code value} (replacing one given). */
  private static String withOption(SessionUri parsed, String name, String value) {
    String base = parsed.rawWithoutOptions(Set.of(name));
    String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    return base + (base.indexOf('?') >= 0 ? "&" : "?") + name + "=" + encoded;
  }

  private SessionUri parse(String uri) {
    SessionUri parsed = SessionUri.parse(uri);
    parsed.password().ifPresent(root::secret);
    for (Map.Entry<String, String> option : parsed.options().entrySet()) {
      String name = option.getKey().toLowerCase(Locale.ROOT);
      if (parsed.isSecretOption(option.getKey())
          || name.contains("password")
          || name.contains("key")
          || name.contains("secret")
          || name.contains("token")) {
        root.secret(option.getValue());
      }
    }
    return parsed;
  }
}
