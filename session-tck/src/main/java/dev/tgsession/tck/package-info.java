/**
 * The technology compatibility kit: {@link dev.tgsession.tck.SessionTck}, which every backend's
 * tests extend with one method ({@code uri(name)}; a backend with capability {@code DIRECTORY} also
 * gives {@code storeUri()}).
 *
 * <p>Each group of the kit has a JUnit tag, so one group runs alone with surefire 3.x: {@code mvn
 * test -Dtest=MyStoreTckTest -Dgroups=tck-temp-keys}; several with a tag expression, {@code
 * -Dgroups='tck-freshness | tck-directory'}. The tags are listed on {@link
 * dev.tgsession.tck.SessionTck}; they are case-sensitive.
 */
@NullMarked
package dev.tgsession.tck;

import org.jspecify.annotations.NullMarked;
