#!/usr/bin/env bash
# How cost grows: runs dev.tgsession.bench.Growth (session-bench) once and writes bench/growth.md,
# which bench/run.sh puts into bench/results.md as "How cost grows".
#
# usage: bench/growth.sh [Growth options]   e.g. bench/growth.sh --with-1m
#   Growth options: --backends sqlite,postgres,redis,mongo  --sizes 10000,100000  --with-1m
#                   --sessions 10000 (named sessions in one Redis and one Mongo database; 0 = skip)
# environment:
#   JAR  the benchmarks jar (default: the one bench/run.sh built, else session-bench/target's;
#        built with Maven from the checkout when neither exists)
# The 1M case is behind --with-1m: filling a million peers takes minutes per backend on 2 cores.
# Redis runs on its own redis-server on a free loopback port; PostgreSQL in a database of its own
# that is dropped afterwards; Mongo on the in-JVM emulator unless TGSESSION_TEST_MONGO_URI names a
# real one (labelled either way).
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/target
mkdir -p "$out"
jar=${JAR:-}
if [[ -z $jar ]]; then
  for candidate in bench/target/src/session-bench/target/benchmarks.jar session-bench/target/benchmarks.jar; do
    [[ -e $candidate ]] && { jar=$candidate; break; }
  done
fi
if [[ -z $jar ]]; then
  echo "== building session-bench/target/benchmarks.jar"
  mvn -B -q ${MAVEN_ARGS:-} -pl session-bench -am package -DskipTests >"$out/growth-build.log" 2>&1
  jar=session-bench/target/benchmarks.jar
fi
started=$(date +%s)
started_utc=$(date -u '+%Y-%m-%d %H:%M UTC')
commit=$(git rev-parse --short HEAD)
jar_built=$(date -u -r "$jar" '+%H:%M UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== Growth $* (jar $jar)"
java -Xmx6g -cp "$jar" dev.tgsession.bench.Growth "$@" >"$out/growth.out" 2> >(tee "$out/growth.err" >&2)
finished=$(date +%s)
{
  echo "Measured by \`bench/growth.sh $*\`, started $started_utc at commit $commit (jar \`$jar\`, built"
  echo "$jar_built), $(( (finished - started) / 60 )) min $(( (finished - started) % 60 )) s, $(nproc) cores, load average $load_before before and"
  echo "$(cut -d' ' -f1-3 /proc/loadavg) after (a single pass per size, not JMH: read the numbers as orders of"
  echo "magnitude and trends, not as targets). Peers are the realistic workload's; \"open\" is"
  echo "\`Sessions.open\` + \`close\`; named batches are 30 \`cachePeers\` of 100 random stored named"
  echo "users with new hashes; cold reads are 2,000 distinct random stored peers read once each by a"
  echo "fresh instance. Bytes per peer and per session are the store's growth divided by the count"
  echo "(Mongo: the emulator's JVM heap, which says little about MongoDB's own storage)."
  echo
  grep -v '^tgsession-bench ' "$out/growth.out"
} >bench/growth.md
echo "== wrote bench/growth.md"
