/**
 * String-session codecs: turn the string sessions of Telethon ({@link
 * dev.tgsession.interop.TelethonStringSession}), Pyrogram ({@link
 * dev.tgsession.interop.PyrogramStringSession}) and GramJS ({@link
 * dev.tgsession.interop.GramJsStringSession}) into {@link dev.tgsession.SessionData} and back.
 *
 * <p>A string session holds one datacenter, its address and its auth key (Pyrogram adds the user id
 * and bot flag, but no address). Decoding gives a {@code SessionData} whose home DC is the
 * string's, whose DC options are {@link dev.tgsession.KnownDcs} with the home DC's option carrying
 * the string's address and key, with no peers (Pyrogram: only the self user) and an empty updates
 * state. Encoding keeps only what the format can carry and drops the rest (other DCs' keys, peers,
 * updates state).
 *
 * <p>A string session is a credential: every error names the format, what was expected and what was
 * found (a length, a prefix character, a field value), never the key bytes and never the string.
 * Malformed input only ever raises {@link IllegalArgumentException}.
 */
@NullMarked
package dev.tgsession.interop;

import org.jspecify.annotations.NullMarked;
