/**
 * The state a Telegram MTProto client keeps between runs, behind one interface.
 *
 * <p>Open a session with {@link dev.tgsession.Sessions#open(String)}; the scheme of the URI picks
 * the storage backend ({@code memory:}, {@code sqlite:}, {@code redis://}, {@code mongodb://}).
 * Everything in this package is null-marked: a component that may be unknown says so with {@link
 * org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.tgsession;

import org.jspecify.annotations.NullMarked;
