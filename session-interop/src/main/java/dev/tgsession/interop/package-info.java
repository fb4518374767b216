/**
 * String-session codecs: turn the string sessions of Telethon ({@link
 * dev.tgsession.interop.TelethonStringSession}), Pyrogram ({@link
 * dev.tgsession.interop.PyrogramStringSession}), GramJS ({@link
 * dev.tgsession.interop.GramJsStringSession}) and mtcute ({@link
 * dev.tgsession.interop.MtcuteStringSession}) into {@link dev.tgsession.SessionData} and back, and
 * read and write Telegram Desktop's {@code tdata} folders ({@link
 * dev.tgsession.interop.TelegramDesktopData}).
 *
 * <p>Each codec's {@code read(String)} gives a {@code Contents} record holding what {@code
 * SessionData} has no place for (an address family, an address as written, a media DC, an api_id,
 * test mode); {@code encode(read(s))} is {@code s} for every string a real library made.
 *
 * <p>A string session holds one datacenter, its address and its auth key (Pyrogram and mtcute add
 * the user id and bot flag; Pyrogram has no address). Decoding gives a {@code SessionData} whose
 * home DC is the string's, whose DC options are {@link dev.tgsession.KnownDcs#all()} (or {@link
 * dev.tgsession.KnownDcs#test()} for a test-server string) with the home DC's option carrying the
 * string's address, port and key, with no peers but the self user the format carries, and an empty
 * updates state. Encoding keeps only what the format can carry and drops the rest (other DCs' keys,
 * peers, updates state).
 *
 * <p>A string session is a credential: every error names the format, what was expected and what was
 * found (a length, a prefix character, a field value), never the key bytes and never the string.
 * Malformed input only ever raises {@link IllegalArgumentException}.
 */
@NullMarked
package dev.tgsession.interop;

import org.jspecify.annotations.NullMarked;
