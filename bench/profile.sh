#!/usr/bin/env bash
# Where the time goes on one backend's realistic write and cold-read paths: runs
# <Backend>Realistic.batch100Named, .singleNamed and .coldPeer (and with RAW=1 the raw driver's
# same methods, <Backend>Raw) under JFR (JMH -prof jfr: recording the measurement iterations only,
# not the fork's setup) and writes the top frames of each to bench/target/profile-BACKEND.txt:
#   - "hot methods": `jfr view hot-methods` (the top frame of each execution sample: self time;
#     every thread of the fork, the driver's and an in-JVM server's too);
#   - "inclusive": per method, the share of samples with it anywhere on the stack (where the time
#     goes below a call), from `jfr print --json`, of the samples in Java code (jdk.ExecutionSample)
#     and, apart, of those in native code (jdk.NativeMethodSample: socket reads, SQLite's C code);
#     JMH's frames and the thread's entry are left out (they are on every stack).
#
# usage: bench/profile.sh BACKEND          BACKEND: sqlite, postgres, redis, mongo
# environment:
#   JAR      the benchmarks jar (default: bench/run.sh's build, else session-bench/target's; build
#            it with the command in docs/profiles/README.md)
#   METHODS  the benchmarks (default "batch100Named singleNamed coldPeer")
#   RAW      1 to profile the raw baseline's methods too (the same names on <Backend>Raw)
#   PROF_JMH_ARGS JMH options (default "-f 1 -wi 2 -w 1s -i 4 -r 2s"; coldPeer: single shots,
#            its iterations are 4 cold passes)
#   TOP      frames listed per table (default 25)
#   JFR      the jfr tool (default: the first JDK 21+ under /usr/lib/jvm that has bin/jfr, for
#            `jfr view`)
#   JMH_JAVA_OPTS JVM options of the JMH launcher (e.g. -Djmh.ignoreLock=true)
# The recordings stay in bench/target/profile-BACKEND/ (open them in JDK Mission Control).
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-}
case $backend in
  sqlite) class=Sqlite ;;
  postgres) class=Postgres ;;
  redis) class=Redis ;;
  mongo) class=Mongo ;;
  *)
    echo "usage: bench/profile.sh BACKEND (sqlite, postgres, redis or mongo), found '${backend}'" >&2
    exit 2
    ;;
esac
out=bench/target
jar=${JAR:-}
if [[ -z $jar ]]; then
  for candidate in bench/target/src/session-bench/target/benchmarks.jar session-bench/target/benchmarks.jar; do
    [[ -e $candidate ]] && { jar=$candidate; break; }
  done
fi
[[ -n $jar && -e $jar ]] || {
  echo "no benchmarks jar: build it (docs/profiles/README.md) or set JAR" >&2
  exit 2
}
jfr=${JFR:-}
if [[ -z $jfr ]]; then
  for home in /usr/lib/jvm/*; do
    [[ -x $home/bin/jfr ]] || continue
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/ *java.specification.version = //p' || true)
    if [[ -n $v && $v -ge 21 ]]; then jfr="$home/bin/jfr"; break; fi
  done
fi
[[ -n $jfr ]] || {
  echo "no jfr of JDK 21+ under /usr/lib/jvm (jfr view needs it): set JFR" >&2
  exit 2
}
METHODS=${METHODS:-"batch100Named singleNamed coldPeer"}
PROF_JMH_ARGS=${PROF_JMH_ARGS:-"-f 1 -wi 2 -w 1s -i 4 -r 2s"}
TOP=${TOP:-25}
sides=("${class}Realistic")
[[ ${RAW:-0} == 1 ]] && sides+=("${class}Raw")

dir="$out/profile-$backend"
rm -rf "$dir"
mkdir -p "$dir"
summary="$out/profile-$backend.txt"
{
  echo "Profile of $backend: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD),"
  echo "jar $jar (built $(date -u -r "$jar" '+%Y-%m-%d %H:%M UTC')), JMH $PROF_JMH_ARGS -prof jfr,"
  echo "$(java -version 2>&1 | sed -n 2p), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "Samples are JFR's jdk.ExecutionSample (the 'profile' settings: every 10 ms per running"
  echo "Java thread) during the measurement iterations only."
} >"$summary"

for side in "${sides[@]}"; do
  for method in $METHODS; do
    name="$side.$method"
    echo "== $name"
    # shellcheck disable=SC2086
    java ${JMH_JAVA_OPTS:-} -jar "$jar" "\\.${side}\\.${method}\$" $PROF_JMH_ARGS \
      -prof "jfr:dir=$dir/$name;stackDepth=256" -rf json -rff "$dir/$name.json" >"$dir/$name.log" 2>&1 \
      || { echo "JMH failed for $name: $(tail -5 "$dir/$name.log")" >&2; continue; }
    recording=$(find "$dir/$name" -name '*.jfr' | head -1)
    if [[ -z $recording ]]; then
      echo "no recording for $name: see $dir/$name.log" >&2
      continue
    fi
    score=$(/usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))[0]["primaryMetric"]
print("{:.4g} {}".format(r["score"], r["scoreUnit"]))' "$dir/$name.json" 2>/dev/null || echo "?")
    {
      echo
      echo "=================================================================================="
      echo "$name: $score ($recording)"
      echo "=================================================================================="
      echo
      echo "-- hot methods (top frame, self time; every thread of the fork): jfr view hot-methods"
      "$jfr" view --width 160 --truncate beginning --cell-height 1 hot-methods "$recording" 2>&1 \
        | sed -n '1,'"$((TOP + 6))"'p' || echo "(jfr view failed)"
      echo
      echo "-- inclusive, running Java code (jdk.ExecutionSample; share of samples with the method"
      echo "   anywhere on the stack, and as the top frame)"
      "$jfr" print --json --stack-depth 256 --events jdk.ExecutionSample "$recording" \
        | /usr/bin/python3 bench/profile_frames.py "$TOP"
      echo
      echo "-- inclusive, in native code (jdk.NativeMethodSample, every 20 ms: waiting for a socket,"
      echo "   SQLite's C code; a thread parked on a lock or a pool is in neither)"
      "$jfr" print --json --stack-depth 256 --events jdk.NativeMethodSample "$recording" \
        | /usr/bin/python3 bench/profile_frames.py "$TOP"
    } >>"$summary"
  done
done
echo "== wrote $summary"
cat "$summary"
