package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command lines docs/cli.md and the README show, run as documented (issue 26, item 1): the
 * first run prints what docs/cli.md says it prints, line for line; every example that needs no
 * server runs without a failure. Files the examples name relative to the checkout are read from it;
 * files they write go to a temporary directory, and the output is compared with the paths as the
 * docs give them.
 */
@DisplayName("the documented command lines")
class CliExamplesTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path dir;

  private static String section(String document, String heading) {
    int start = document.indexOf("\n" + heading + "\n");
    assertThat(start).as("section %s", heading).isNotNegative();
    int end = document.indexOf("\n## ", start + heading.length() + 2);
    return document.substring(start, end < 0 ? document.length() : end);
  }

  private static List<String> blocks(String text, String language) {
    List<String> blocks = new ArrayList<>();
    Matcher block = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(text);
    while (block.find()) {
      blocks.add(block.group(1));
    }
    return blocks;
  }

  /** One documented command, its files moved: inputs read from the checkout, outputs to dir. */
  private String[] args(String commandLine) {
    String command = commandLine.strip();
    assertThat(command).startsWith("./tgsession ");
    List<String> args = new ArrayList<>();
    for (String token : command.substring("./tgsession ".length()).split("\\s+")) {
      if (token.startsWith("@examples/")) {
        args.add("@" + ROOT.resolve(token.substring(1)));
      } else if (token.startsWith("examples/")) {
        args.add(ROOT.resolve(token).toString());
      } else if (token.startsWith("sqlite:")) {
        args.add("sqlite:" + dir.resolve(token.substring("sqlite:".length())));
      } else if (token.matches("[\\w-]+\\.(json|string|pyrogram|session)")) {
        args.add(dir.resolve(token).toString());
      } else {
        args.add(token);
      }
    }
    return args.toArray(String[]::new);
  }

  /** The output with the paths as the docs write them. */
  private String asDocumented(String output) {
    return output.replace(dir + "/", "").replace(ROOT + "/", "");
  }

  @Test
  @DisplayName("the first run prints what docs/cli.md shows, line for line; the README runs it too")
  void firstRun() throws IOException {
    SessionFiles.requireSqlite();
    String cli = Files.readString(ROOT.resolve("docs/cli.md"));
    String firstRun = section(cli, "## First run");
    String command = blocks(firstRun, "sh").get(0).strip();
    List<String> expected = blocks(firstRun, "text").get(0).lines().toList();
    String readme = Files.readString(ROOT.resolve("README.md"));
    assertThat(blocks(readme, "sh").get(0).lines().map(String::strip))
        .as("the README's first command is the first run of docs/cli.md")
        .contains(command);

    List<String> printed = new ArrayList<>();
    for (String part : command.split("&&")) {
      Cli.Result result = Cli.run(args(part));
      assertThat(result.exitCode()).as("%s", result).isZero();
      assertThat(result.err()).as("%s", result).isEmpty();
      printed.addAll(asDocumented(result.out()).lines().toList());
    }

    assertThat(printed).containsExactlyElementsOf(expected);
  }

  @Test
  @DisplayName("every example that needs no server runs without a failure")
  void examples() throws IOException {
    SessionFiles.requireSqlite();
    String cli = Files.readString(ROOT.resolve("docs/cli.md"));
    for (String part : blocks(section(cli, "## First run"), "sh").get(0).strip().split("&&")) {
      assertThat(Cli.run(args(part)).exitCode()).isZero();
    }
    int ran = 0;
    List<String> skipped = new ArrayList<>();
    for (String line : blocks(section(cli, "## Examples"), "sh").get(0).lines().toList()) {
      if (line.contains("'") || line.contains("|") || line.contains("env:")) {
        skipped.add(line); // a server, a pipe from the clipboard or an environment variable
        continue;
      }
      Cli.Result result = Cli.run(args(line));
      assertThat(result.exitCode()).as("%s\n%s", line, result).isZero();
      assertThat(result.err()).as("%s", result).doesNotContain("tgsession:");
      ran++;
    }
    assertThat(ran).as("examples run (skipped: %s)", skipped).isGreaterThanOrEqualTo(8);
    assertThat(asDocumented(Files.readString(dir.resolve("demo.string"))).strip())
        .as("the Telethon string exported from the first run's file")
        .isEqualTo(Files.readString(ROOT.resolve("examples/demo-telethon.string")).strip());
  }
}
