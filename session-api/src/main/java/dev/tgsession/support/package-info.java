/**
 * Helpers the API's value types and the backends share (IP literals, quoting values back in
 * messages). Not part of the user API: no compatibility promise, and a future {@code module-info}
 * will export this package to backends only.
 */
@NullMarked
package dev.tgsession.support;

import org.jspecify.annotations.NullMarked;
