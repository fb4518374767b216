/**
 * The {@code mongodb:} / {@code mongodb+srv:} session backend; see {@link
 * dev.tgsession.mongo.MongoSessionProvider}.
 */
@NullMarked
package dev.tgsession.mongo;

import org.jspecify.annotations.NullMarked;
