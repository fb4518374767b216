package dev.tgsession.cli;

import java.io.InputStream;

/**
 * What the command knows of where it runs: its standard input, and whether a person is watching (a
 * console), which turns on the progress bar and the credential warning.
 *
 * @param stdin the standard input
 * @param interactive whether the process is attached to a terminal
 */
record Terminal(InputStream stdin, boolean interactive) {

  /** The process's own standard input and console. */
  static Terminal system() {
    return new Terminal(System.in, System.console() != null);
  }
}
