package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the docs tell a user or a backend author to put in a pom agrees with the build, and the
 * javadoc states today's contract (issue 26, items 1 and 4).
 */
@DisplayName("the docs agree with the build")
class DocVersionsTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private static final Pattern XML = Pattern.compile("```xml\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern ELEMENT =
      Pattern.compile("<(plugin|dependency|path)>(.*?)</\\1>", Pattern.DOTALL);

  /** Sentences of the contract before 0.2: a cached peer could be stale until its TTL ran out. */
  private static final List<String> RETIRED =
      List.of(
          "stale for up to the ttl",
          "until it is evicted or expires",
          "can go unseen",
          "not seen by a cached entry");

  private static String pom() throws IOException {
    return Files.readString(ROOT.resolve("pom.xml"));
  }

  private static String tag(String xml, String name) {
    Matcher m = Pattern.compile("<" + name + ">\\s*([^<]*?)\\s*</" + name + ">").matcher(xml);
    return m.find() ? m.group(1) : null;
  }

  /** The project's version, the version of each plugin the build pins, and its properties. */
  private static Map<String, String> buildVersions() throws IOException {
    String pom = pom();
    Map<String, String> versions = new HashMap<>();
    String head = pom.substring(0, pom.indexOf("<properties>"));
    versions.put("dev.tgsession", tag(head.substring(head.indexOf("</parent>") + 1), "version"));
    String block = pom.substring(pom.indexOf("<properties>"), pom.indexOf("</properties>"));
    Matcher properties = Pattern.compile("<([\\w.-]+)>([^<]*)</\\1>").matcher(block);
    while (properties.find()) {
      versions.put("${" + properties.group(1) + "}", properties.group(2).strip());
    }
    String management = pom.substring(pom.indexOf("<pluginManagement>"));
    Matcher plugin = ELEMENT.matcher(management);
    while (plugin.find()) {
      if (plugin.group(1).equals("plugin") && tag(plugin.group(2), "version") != null) {
        versions.putIfAbsent(tag(plugin.group(2), "artifactId"), tag(plugin.group(2), "version"));
      }
    }
    return versions;
  }

  private static List<Path> documents() throws IOException {
    List<Path> documents = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
    }
    return documents;
  }

  @Test
  @DisplayName("every plugin in a snippet has a version, the one the build uses")
  void pluginVersions() throws IOException {
    Map<String, String> build = buildVersions();
    assertThat(build).containsKeys("maven-surefire-plugin", "maven-compiler-plugin");
    int checked = 0;
    for (Path document : documents()) {
      Matcher block = XML.matcher(Files.readString(document));
      while (block.find()) {
        Matcher element = ELEMENT.matcher(block.group(1));
        while (element.find()) {
          String xml = element.group(2);
          String artifact = tag(xml, "artifactId");
          String version = tag(xml, "version");
          String where = document.getFileName() + ": " + element.group(1) + " " + artifact;
          if (element.group(1).equals("plugin")) {
            assertThat(version).as("%s has no <version>", where).isNotNull();
            assertThat(version).as(where).isEqualTo(build.get(artifact));
            checked++;
          } else if ("dev.tgsession".equals(tag(xml, "groupId")) && version != null) {
            assertThat(version).as(where).isEqualTo(build.get("dev.tgsession"));
            checked++;
          } else if ("auto-service".equals(artifact)) {
            assertThat(version).as(where).isEqualTo(build.get("${auto-service.version}"));
            checked++;
          }
        }
      }
    }
    assertThat(checked).as("versions checked").isGreaterThanOrEqualTo(5);
  }

  @Test
  @DisplayName("no javadoc states the retired \"stale until the TTL\" contract of the peer cache")
  void noRetiredContract() throws IOException {
    List<String> found = new ArrayList<>();
    int files = 0;
    try (Stream<Path> modules = Files.list(ROOT)) {
      for (Path module : modules.filter(Files::isDirectory).toList()) {
        for (Path sources :
            List.of(
                module.resolve("src/main/java"),
                module.resolve("target/reports/apidocs"),
                module.resolve("target/site/apidocs"))) {
          if (!Files.isDirectory(sources)) {
            continue;
          }
          try (Stream<Path> all = Files.walk(sources)) {
            for (Path file :
                all.filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".html"))
                    .toList()) {
              files++;
              String text =
                  Files.readString(file)
                      .replaceAll("\\s*\\n\\s*(\\*\\s*)?", " ")
                      .toLowerCase(Locale.ROOT);
              for (String retired : RETIRED) {
                if (text.contains(retired)) {
                  found.add(ROOT.relativize(file) + ": \"" + retired + "\"");
                }
              }
            }
          }
        }
      }
    }
    assertThat(files).as("source files read").isGreaterThan(100);
    assertThat(found).isEmpty();
  }
}
