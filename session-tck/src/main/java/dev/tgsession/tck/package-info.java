/**
 * The technology compatibility kit: {@link dev.tgsession.tck.SessionTck}, which every backend's
 * tests extend with one method, and the test servers of {@link dev.tgsession.tck.server}.
 */
@NullMarked
package dev.tgsession.tck;

import org.jspecify.annotations.NullMarked;
