package dev.tgsession.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The growth runner on tiny sizes: it fills, measures and prints its tables. No timing checked. */
class GrowthTest {

  @Test
  @DisplayName("prints a row per backend and size, and one per many-session store")
  void tinyRun() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Growth.main(
          new String[] {"--backends", "sqlite,redis", "--sizes", "300,600", "--sessions", "5"});
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("| sqlite | 300 |", "| sqlite | 600 |", "| redis | 600 |");
    assertThat(out).contains("| redis | 5 |").contains("5 named sessions in one store");
  }

  @Test
  @DisplayName("refuses an unknown option, naming the valid ones")
  void unknownOption() {
    assertThatThrownBy(() -> Growth.main(new String[] {"--size", "1"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--sizes")
        .hasMessageContaining("'--size'");
  }
}
