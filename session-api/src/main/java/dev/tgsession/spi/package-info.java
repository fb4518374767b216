/**
 * What a storage backend implements: a {@link dev.tgsession.spi.SessionProvider} found through
 * {@link java.util.ServiceLoader}, usually with a session class built on {@link
 * dev.tgsession.spi.AbstractSession}, which holds the rules every backend shares (validation,
 * closed-state checks, the in-memory DC options, batch reduction) so a backend is only its store's
 * native operations.
 */
@NullMarked
package dev.tgsession.spi;

import org.jspecify.annotations.NullMarked;
