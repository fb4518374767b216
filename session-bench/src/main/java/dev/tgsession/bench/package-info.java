/**
 * JMH benchmarks of every backend against raw-driver baselines doing the same logical work.
 *
 * <p>The easy path: {@link dev.tgsession.bench.SessionBench} and {@link
 * dev.tgsession.bench.SessionBench4T} (peers known by id and access hash, warm reads) against
 * {@link dev.tgsession.bench.SqliteDriverBench}, {@link dev.tgsession.bench.RedisDriverBench} and
 * {@link dev.tgsession.bench.MongoDriverBench}. The realistic workload ({@link
 * dev.tgsession.bench.Realistic}: names, phones, bots, channels; cold, warm, coherence): {@code
 * <Backend>Realistic} against {@code <Backend>Raw}, method by method, for sqlite, postgres, redis
 * and mongo; {@link dev.tgsession.bench.LeaseCost} measures writes with and without a lease. {@link
 * dev.tgsession.bench.Growth} is a bounded runner (not JMH) for how cost grows with the data. Every
 * fork starts its own servers, databases and temporary files and removes them when the trial ends.
 * Run them with {@code bench/run.sh} (and {@code bench/growth.sh}), which write {@code
 * bench/results.md}.
 */
@NullMarked
package dev.tgsession.bench;

import org.jspecify.annotations.NullMarked;
