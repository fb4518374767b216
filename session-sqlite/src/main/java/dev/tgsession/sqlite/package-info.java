/**
 * The {@code sqlite:} backend: one session per file, in the file format of grammers' SqliteSession
 * (plus {@code tgsession_} tables for what grammers does not keep), and {@link
 * dev.tgsession.sqlite.TelethonSessionFile}, the reader of Telethon {@code .session} files.
 */
@NullMarked
package dev.tgsession.sqlite;

import org.jspecify.annotations.NullMarked;
