/**
 * JMH benchmarks of every backend against raw-driver baselines doing the same logical work.
 *
 * <p>{@link dev.tgsession.bench.SessionBench} measures sessions opened with {@code Sessions.open};
 * {@link dev.tgsession.bench.SqliteDriverBench}, {@link dev.tgsession.bench.RedisDriverBench} and
 * {@link dev.tgsession.bench.MongoDriverBench} measure the raw drivers. Every fork starts its own
 * servers and temporary files and removes them when the trial ends. Run them with {@code
 * bench/run.sh}, which writes {@code bench/results.md}.
 */
@NullMarked
package dev.tgsession.bench;

import org.jspecify.annotations.NullMarked;
