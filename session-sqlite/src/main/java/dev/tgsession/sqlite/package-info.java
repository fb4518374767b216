/**
 * The {@code sqlite:} backend: one session per file, in the file format of grammers' SqliteSession
 * (plus {@code tgsession_} tables for what grammers does not keep). A Telethon {@code .session}
 * file is recognised and refused with the command that imports it (session-interop reads it).
 */
@NullMarked
package dev.tgsession.sqlite;

import org.jspecify.annotations.NullMarked;
