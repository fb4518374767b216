/**
 * The bounded peer cache backends put in front of their stores ({@link
 * dev.tgsession.cache.CaffeinePeerCache}).
 */
@NullMarked
package dev.tgsession.cache;

import org.jspecify.annotations.NullMarked;
