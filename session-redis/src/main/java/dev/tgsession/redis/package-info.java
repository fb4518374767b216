/**
 * The {@code redis:}, {@code rediss:} and {@code redis-cluster:} backend: one session per hash tag,
 * peers in Redis hashes as compact binary records, merges and claims applied by Lua scripts on the
 * server. Opened through {@link dev.tgsession.Sessions#open(String)}; {@link
 * dev.tgsession.redis.RedisSessionProvider} is the only public type.
 */
@NullMarked
package dev.tgsession.redis;

import org.jspecify.annotations.NullMarked;
