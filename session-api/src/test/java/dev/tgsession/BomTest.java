package dev.tgsession;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The BOM (tgsession-bom) cannot inherit the parent's versions, so this keeps them equal. */
@DisplayName("the BOM")
class BomTest {

  private static final Pattern PROPERTY = Pattern.compile("<([a-z.-]+)\\.version>([^<]+)<");

  @Test
  @DisplayName("lists every published module and pins what the parent pins, at the same versions")
  void agreesWithParent() throws Exception {
    String parent = Files.readString(Path.of("..", "pom.xml"));
    String bom = Files.readString(Path.of("..", "tgsession-bom", "pom.xml"));
    List<String> modules = new ArrayList<>();
    Matcher module = Pattern.compile("<module>(session-[a-z]+)</module>").matcher(parent);
    while (module.find()) {
      modules.add(module.group(1));
    }
    modules.remove("session-cli");
    modules.remove("session-bench");
    modules.remove("session-testservers");
    for (String name : modules) {
      assertThat(bom).as("the BOM's entry for %s", name).contains("<artifactId>" + name + "<");
    }
    assertThat(bom).contains("<tgsession.version>" + version(parent, "project") + "<");
    assertThat(bom).as("jspecify").contains("<version>" + property(parent, "jspecify") + "<");
    assertThat(bom).as("caffeine").contains("<version>" + property(parent, "caffeine") + "<");
    assertThat(bom)
        .as("auto-service")
        .contains("<version>" + property(parent, "auto-service") + "<");
  }

  private static String version(String pom, String what) {
    Matcher matcher =
        Pattern.compile("<artifactId>tgsession-parent</artifactId>\\s*<version>([^<]+)<")
            .matcher(pom);
    assertThat(matcher.find()).as("the parent's %s version", what).isTrue();
    return matcher.group(1);
  }

  private static String property(String pom, String name) {
    Matcher matcher = PROPERTY.matcher(pom);
    while (matcher.find()) {
      if (matcher.group(1).equals(name)) {
        return matcher.group(2);
      }
    }
    throw new AssertionError("the parent pom has no " + name + ".version");
  }
}
