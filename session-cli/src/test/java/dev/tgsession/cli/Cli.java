package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tgsession.AuthKey;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import picocli.CommandLine;

/**
 * Runs the real command in this JVM, as the shell would, with its output captured.
 *
 * <p>Every run is recorded; a run that fails is run once more with {@code --verbose}, so the stack
 * trace is checked too. {@link NoSecretPrinted} (registered for every test class of this module
 * through {@code META-INF/services}) then greps every recorded output, stdout and stderr, with and
 * without {@code --verbose}, for the passwords and keys the tests use ({@link #secret}, {@link
 * #secretKey}): none may appear, except on the standard output of a successful {@code export},
 * which is the credential by design.
 */
final class Cli {

  /** The passwords the tests put in URIs. */
  static final List<String> PASSWORDS = List.of("hunter22", "s3cr3t-pa55word", "Hh4Jj/Kk5Ll");

  /**
   * A message line quotes each value cut to 64 characters and a cause cut to 200, so no line comes
   * near this; the fix a message ends with is never cut to meet a bound.
   */
  static final int MESSAGE_LINE_BOUND = 1500;

  private static final List<Result> RECORDED = new ArrayList<>();
  private static final Set<String> SECRETS = new LinkedHashSet<>();

  static {
    PASSWORDS.forEach(Cli::secret);
    for (AuthKey key :
        List.of(
            Samples.HOME_KEY, Samples.DC2_KEY, Samples.DC7_KEY, TgsessionCommandTest.DEMO_KEY)) {
      secretKey(key.bytes());
    }
  }

  /** What one run did. */
  record Result(int exitCode, String out, String err, List<String> args) {
    Result(int exitCode, String out, String err) {
      this(exitCode, out, err, List.of());
    }

    @Override
    public String toString() {
      String shown = String.join(" ", args);
      return "tgsession "
          + (shown.length() > 300 ? shown.substring(0, 300) + "..." : shown)
          + "\nexit "
          + exitCode
          + "\n--- stdout\n"
          + out
          + "--- stderr\n"
          + err;
    }

    /** The standard output of a successful export is the credential: the one place keys belong. */
    boolean outputIsCredential() {
      return exitCode == 0 && !args.isEmpty() && args.get(0).equals("export");
    }
  }

  private Cli() {}

  /** A text no output may show. */
  static synchronized void secret(String text) {
    SECRETS.add(text);
  }

  /** An auth key or encryption key: its hex and base64 forms may appear in no output. */
  static synchronized void secretKey(byte[] key) {
    String hex = HexFormat.of().formatHex(key);
    int half = Math.min(32, hex.length() / 2);
    SECRETS.add(hex.substring(0, half));
    SECRETS.add(hex.substring(hex.length() - half));
    String base64 = Base64.getEncoder().encodeToString(key);
    String url = Base64.getUrlEncoder().encodeToString(key);
    int end = Math.min(48, base64.length() - 4);
    SECRETS.add(base64.substring(8, end));
    SECRETS.add(url.substring(8, end));
  }

  static Result run(String... args) {
    return run(new byte[0], false, args);
  }

  static Result runWithStdin(String stdin, String... args) {
    return run(stdin.getBytes(StandardCharsets.UTF_8), false, args);
  }

  static Result runWithStdin(byte[] stdin, String... args) {
    return run(stdin, false, args);
  }

  static Result runInTerminal(String... args) {
    return run(new byte[0], true, args);
  }

  private static Result run(byte[] stdin, boolean interactive, String... args) {
    Result result = execute(new Terminal(new ByteArrayInputStream(stdin), interactive), args);
    if (result.exitCode() != 0 && !Arrays.asList(args).contains("--verbose")) {
      String[] verbose = Arrays.copyOf(args, args.length + 1);
      verbose[args.length] = "--verbose";
      execute(new Terminal(new ByteArrayInputStream(stdin), interactive), verbose);
    }
    return result;
  }

  static Result run(Terminal terminal, String... args) {
    return execute(terminal, args);
  }

  private static Result execute(Terminal terminal, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Tgsession.commandLine(terminal, args);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    Result result = new Result(exitCode, out.toString(), err.toString(), List.of(args));
    synchronized (Cli.class) {
      RECORDED.add(result);
    }
    return result;
  }

  /** Every run of the current test so far. */
  static synchronized List<Result> recorded() {
    return List.copyOf(RECORDED);
  }

  /** Checks every output of each test for the secrets the tests use. */
  public static final class NoSecretPrinted implements BeforeEachCallback, AfterEachCallback {

    /** Called by JUnit's extension auto-detection. */
    public NoSecretPrinted() {}

    @Override
    public void beforeEach(ExtensionContext context) {
      synchronized (Cli.class) {
        RECORDED.clear();
      }
    }

    @Override
    public void afterEach(ExtensionContext context) {
      List<Result> results;
      List<String> secrets;
      synchronized (Cli.class) {
        results = List.copyOf(RECORDED);
        secrets = List.copyOf(SECRETS);
        RECORDED.clear();
      }
      for (Result result : results) {
        for (String secret : secrets) {
          assertThat(result.err()).as("stderr of %s", result).doesNotContain(secret);
          if (!result.outputIsCredential()) {
            assertThat(result.out()).as("stdout of %s", result).doesNotContain(secret);
          }
        }
        result
            .err()
            .lines()
            .filter(line -> line.startsWith("tgsession: "))
            .forEach(
                line ->
                    assertThat(line.length())
                        .as("length of the message line of %s", result)
                        .isLessThanOrEqualTo(MESSAGE_LINE_BOUND));
      }
    }
  }
}
