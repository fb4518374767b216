package dev.tgsession.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every fenced {@code java} block of README.md and docs/*.md compiles, as printed, against the
 * modules (this module's test class path holds all of them).
 *
 * <p>How a block is compiled:
 *
 * <ul>
 *   <li>a block that declares a type (a class, interface, record or enum, annotations allowed) is
 *       one compilation unit, as printed;
 *   <li>any other block is statements: its leading {@code import} lines stay imports, and the rest
 *       becomes the body of a method, with {@code import dev.tgsession.*;} added (the README says
 *       so);
 *   <li>a block that needs more (names it uses but does not declare, a stub of a class it mentions)
 *       says so in an HTML comment just above the fence, invisible on the rendered page: {@code
 *       <!-- compiled as: ...java text with {snippet} where the block goes... -->}.
 * </ul>
 */
@DisplayName("the Java snippets of README.md and docs/")
class DocSnippetsTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private static final Pattern FENCE =
      Pattern.compile("(?:<!-- compiled as: (.*?) -->\\s*\\n)?```java\\n(.*?)```", Pattern.DOTALL);

  private static final Pattern TYPE =
      Pattern.compile(
          "^(?:@\\w+(?:\\([^)]*\\))?\\s+)*(?:public\\s+|abstract\\s+|final\\s+)*"
              + "(?:class|interface|record|enum)\\s",
          Pattern.MULTILINE);

  @TempDir Path out;

  /** One block of one document. */
  record Snippet(String document, int line, String code, String template) {
    String source(String className) {
      String unit;
      if (template != null) {
        unit = template.replace("{snippet}", code);
      } else if (TYPE.matcher(code).find()) {
        unit = code;
      } else {
        StringBuilder imports = new StringBuilder("import dev.tgsession.*;\n");
        StringBuilder body = new StringBuilder();
        boolean leading = true;
        for (String line : code.split("\n", -1)) {
          if (leading && (line.startsWith("import ") || line.isBlank())) {
            imports.append(line).append('\n');
          } else {
            leading = false;
            body.append(line).append('\n');
          }
        }
        unit =
            imports
                + "class "
                + className
                + " {\n  void snippet() throws Exception {\n"
                + body
                + "  }\n}\n";
      }
      return unit;
    }
  }

  static List<Snippet> snippets() throws IOException {
    List<Path> documents = new ArrayList<>();
    documents.add(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
    }
    List<Snippet> snippets = new ArrayList<>();
    for (Path document : documents) {
      String text = Files.readString(document);
      Matcher fence = FENCE.matcher(text);
      while (fence.find()) {
        int line = (int) text.substring(0, fence.start(2)).chars().filter(c -> c == '\n').count();
        snippets.add(
            new Snippet(
                ROOT.relativize(document).toString(), line, fence.group(2), fence.group(1)));
      }
    }
    return snippets;
  }

  @Test
  @DisplayName("the README and the docs have Java snippets to compile")
  void found() throws IOException {
    assertThat(snippets()).hasSizeGreaterThanOrEqualTo(10);
    assertThat(snippets()).anyMatch(s -> s.document().equals("README.md"));
  }

  @TestFactory
  @DisplayName("each snippet compiles as printed")
  Stream<DynamicTest> compiles() throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    return snippets().stream()
        .map(
            snippet ->
                DynamicTest.dynamicTest(
                    snippet.document() + ":" + snippet.line(), () -> compile(javac, snippet)));
  }

  private void compile(JavaCompiler javac, Snippet snippet) throws IOException {
    String name =
        "Snippet_"
            + snippet.document().replaceAll("[^A-Za-z0-9]", "_").toLowerCase(Locale.ROOT)
            + "_"
            + snippet.line();
    String source = snippet.source(name);
    Matcher declared =
        Pattern.compile("^(?:.*\\s)?class (\\w+)", Pattern.MULTILINE).matcher(source);
    String file = declared.find() && !source.contains("class " + name) ? declared.group(1) : name;
    JavaFileObject unit =
        new SimpleJavaFileObject(
            URI.create("string:///" + file + ".java"), JavaFileObject.Kind.SOURCE) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return source;
          }
        };
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringWriter log = new StringWriter();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
      boolean ok =
          javac
              .getTask(
                  log,
                  files,
                  diagnostics,
                  List.of(
                      "-proc:none",
                      "-d",
                      out.toString(),
                      "-classpath",
                      System.getProperty("java.class.path")),
                  null,
                  List.of(unit))
              .call();
      StringBuilder errors = new StringBuilder();
      diagnostics
          .getDiagnostics()
          .forEach(
              d ->
                  errors
                      .append(snippet.document())
                      .append(": block at line ")
                      .append(snippet.line())
                      .append(", compiled line ")
                      .append(d.getLineNumber())
                      .append(": ")
                      .append(d.getMessage(Locale.ROOT))
                      .append('\n'));
      assertThat(ok).as("%s\n--- compiled as:\n%s", errors, source).isTrue();
    }
  }
}
