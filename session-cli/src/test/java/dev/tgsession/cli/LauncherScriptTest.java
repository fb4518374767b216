package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code tgsession} script at the repository's root, the README's first command on a fresh
 * machine: it builds the jar when there is none. Run here on a copy of the script in a directory of
 * its own, with a stand-in {@code mvn} on the PATH, so the real build is not run.
 */
@DisplayName("the tgsession launcher script")
class LauncherScriptTest {

  @TempDir Path dir;

  @Test
  @DisplayName(
      "builds the jar on first use even when Maven prints nothing for its first seconds (a slow or"
          + " busy machine), then runs it")
  void quietBuild() throws Exception {
    Path script = Path.of("..", "tgsession").toAbsolutePath().normalize();
    assumeTrue(Files.isRegularFile(script), "the script is at the repository root");
    assumeTrue(ToolProvider.getSystemJavaCompiler() != null, "a JDK compiles the stand-in jar");
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.copy(script, root.resolve("tgsession"));
    executable(root.resolve("tgsession"));
    Files.writeString(root.resolve("pom.xml"), "<project/>\n");
    Path target = Files.createDirectories(root.resolve("session-cli").resolve("target"));
    Path built = standInJar(dir.resolve("stand-in"));
    // the stand-in Maven: silent for 6 s (longer than the script's first progress check), then
    // "builds" the jar
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.writeString(
        bin.resolve("mvn"),
        "#!/usr/bin/env bash\nsleep 6\ncp '"
            + built
            + "' '"
            + target.resolve("tgsession.jar")
            + "'\necho '[INFO] BUILD SUCCESS'\n");
    executable(bin.resolve("mvn"));

    ProcessBuilder builder =
        new ProcessBuilder(List.of("bash", root.resolve("tgsession").toString(), "--version"))
            .redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("TGSESSION_NO_CDS", "1");
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the script ended").isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("exit code; output:%n%s", output).isZero();
    assertThat(output).contains("tgsession: building").contains("stand-in ran: --version");
    assertThat(target.resolve("tgsession.jar")).exists();
  }

  /** A runnable jar whose main prints "stand-in ran: " and its arguments. */
  private static Path standInJar(Path work) throws IOException {
    Path src = Files.createDirectories(work.resolve("src")).resolve("StandIn.java");
    Files.writeString(
        src,
        "public class StandIn { public static void main(String[] a) {"
            + " System.out.println(\"stand-in ran: \" + String.join(\" \", a)); } }\n");
    Path classes = Files.createDirectories(work.resolve("classes"));
    int compiled =
        ToolProvider.getSystemJavaCompiler()
            .run(null, null, null, "-d", classes.toString(), src.toString());
    assertThat(compiled).as("javac exit code").isZero();
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "StandIn");
    Path jar = work.resolve("stand-in.jar");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      out.putNextEntry(new JarEntry("StandIn.class"));
      out.write(Files.readAllBytes(classes.resolve("StandIn.class")));
      out.closeEntry();
    }
    return jar;
  }

  private static void executable(Path file) throws IOException {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
