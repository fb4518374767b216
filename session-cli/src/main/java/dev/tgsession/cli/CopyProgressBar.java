package dev.tgsession.cli;

import dev.tgsession.Sessions;
import java.io.PrintWriter;
import java.util.Locale;

/** Draws {@code [#####.....] 50% 500/1000 peers} on one line of a terminal, redrawn in place. */
final class CopyProgressBar implements Sessions.CopyProgress {

  private static final int WIDTH = 30;

  private final PrintWriter err;
  private boolean drawn;

  CopyProgressBar(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void peersCopied(long copied, long total) {
    long whole = Math.max(total, copied);
    int percent = whole == 0 ? 100 : (int) (copied * 100 / whole);
    int filled = percent * WIDTH / 100;
    err.printf(
        Locale.ROOT,
        "\r[%s%s] %3d%% %d/%d peers",
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        percent,
        copied,
        whole);
    err.flush();
    drawn = true;
  }

  /** Ends the bar's line, if one was drawn. */
  void finish() {
    if (drawn) {
      err.println();
      drawn = false;
    }
  }
}
