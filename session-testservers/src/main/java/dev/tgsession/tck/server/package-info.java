/**
 * Test servers for backend tests, found in one order: an explicit URI from an environment variable,
 * else Testcontainers when a Docker engine answers, else a server binary on the {@code PATH}
 * started on a free loopback port. A server that cannot be had aborts the test with a loud reason,
 * or fails it when {@code CI=true}.
 */
@NullMarked
package dev.tgsession.tck.server;

import org.jspecify.annotations.NullMarked;
