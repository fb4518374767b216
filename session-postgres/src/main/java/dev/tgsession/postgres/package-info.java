/**
 * The {@code postgresql:} and {@code postgres:} backend: many sessions in one database, peers
 * merged by {@code INSERT ... ON CONFLICT} with their username, phone and self claims in the same
 * transaction, a HikariCP pool shared by the sessions of one server, and an optional peer cache
 * kept coherent through {@code LISTEN/NOTIFY}. Opened through {@link
 * dev.tgsession.Sessions#open(String)}; {@link dev.tgsession.postgres.PostgresSessionProvider} is
 * the only public type.
 */
@NullMarked
package dev.tgsession.postgres;

import org.jspecify.annotations.NullMarked;
