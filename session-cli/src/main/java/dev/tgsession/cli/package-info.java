/**
 * The {@code tgsession} command line and the {@code tgsession-export/1} JSON format it reads and
 * writes ({@link dev.tgsession.cli.JsonSessionFormat}).
 */
@NullMarked
package dev.tgsession.cli;

import org.jspecify.annotations.NullMarked;
