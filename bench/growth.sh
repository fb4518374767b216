#!/usr/bin/env bash
# How cost grows: runs dev.tgsession.bench.Growth (session-bench) once and writes bench/growth.md,
# which bench/run.sh puts into bench/results.md as "How cost grows".
#
# usage: bench/growth.sh [Growth options]   e.g. bench/growth.sh --with-1m
#   Growth options: --backends sqlite,postgres,redis,mongo  --sizes 10000,100000  --with-1m
#                   --sessions 10000 (named sessions in one Redis and one Mongo database; 0 = skip)
#        bench/growth.sh --directory [DirectoryGrowth options]
#   The directory of one store grown to 1,000, 10,000 and 100,000 sessions (list of the first page
#   and of everything, summary, open, delete at each size); writes bench/growth-directory.md, which
#   bench/run.sh puts into results.md under "How cost grows". Defaults: --growth
#   1000,10000,100000 --growth-budget 2400 --fill-threads 8 --sqlite-copy (sqlite filled with
#   copies of one session file made through the API, renamed; the servers' sessions created
#   through the API from 8 threads). About 15-30 minutes on 2 busy cores.
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
if [[ ${1:-} == --directory ]]; then
  shift
  [[ $# -gt 0 ]] || set -- --growth 1000,10000,100000 --growth-budget 2400 --fill-threads 8 --sqlite-copy
  java_bin=java
  for home in /usr/lib/jvm/*; do # the fleet's JDK when there is one (bench/run.sh picks the same)
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p' || true)
    if [[ -n $v && $v -ge 21 ]]; then java_bin="$home/bin/java"; break; fi
  done
  started=$(date +%s)
  started_utc=$(date -u '+%Y-%m-%d %H:%M UTC')
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "== DirectoryGrowth $* (jar $jar)"
  "$java_bin" -Xmx6g -cp "$jar" dev.tgsession.bench.DirectoryGrowth "$@" >"$out/growth-directory.out" \
    2> >(tee "$out/growth-directory.err" >&2)
  finished=$(date +%s)
  {
    grep -v '^tgsession-bench ' "$out/growth-directory.out" | sed '/^$/N;/^\n$/D'
    echo "Measured by \`bench/growth.sh --directory $*\`, started $started_utc at commit"
    echo "$(git rev-parse --short HEAD) (jar \`$jar\`, built $(date -u -r "$jar" '+%H:%M UTC')), $(( (finished - started) / 60 )) min"
    echo "$(( (finished - started) % 60 )) s, $(nproc) cores, load average $load_before before and $(cut -d' ' -f1-3 /proc/loadavg) after,"
    echo "on \`$java_bin\`. One store per backend, grown once (not JMH). \"filled by\" says how: through"
    echo "the API (\`SessionStore.open(name)\`, then a home DC, 10 peers in one batch and an update state,"
    echo "closed), one by one or from several threads; or, for sqlite, copies of one session file made"
    echo "that way in another directory, each copied under a temporary name and renamed to"
    echo "\`NAME.session\` (the same content the API writes; the fill rate is then a file copy's)."
    echo "\"list all\" streams every summary; summary, open + close and delete are medians of 20 (delete"
    echo "of sessions made for it). A row \"K of N (growth budget)\" did not reach N within the budget."
  } >bench/growth-directory.md
  echo "== wrote bench/growth-directory.md"
  exit 0
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
