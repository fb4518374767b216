/**
 * The technology compatibility kit: {@link dev.tgsession.tck.SessionTck}, which every backend's
 * tests extend with one method.
 */
@NullMarked
package dev.tgsession.tck;

import org.jspecify.annotations.NullMarked;
