#!/usr/bin/env bash
# What the listener SPI costs on the hottest path: ListenerCost (warm peer(id) lookups) in one run,
# forks alternating between builds so all see the same machine load:
#   before  the commit before the SPI ($BEFORE; other 0.3.0 changes are not in it either)
#   nospi   this tree with SessionEvents.active() answering false at once: the SPI's checks cut out
#   after   this tree, with no listener and with one that does nothing (noop)
# nospi against after (none) is the cost of the SPI when nobody listens.
# Writes bench/target/listener-cost/report.md (mean, median and spread per build).
#
# usage: bench/listener-cost.sh
# environment:
#   BEFORE      the commit before the listener SPI (default 7b7f473)
#   ROUNDS      forks per build and configuration, alternating (default 3)
#   JMH_ARGS    JMH options per fork (default: -wi 5 -w 1s -i 5 -r 1s)
# Each fork's score is the mean of its iterations; the table gives the forks' mean, median and
# spread. The 3% question needs a quiet machine: on a loaded one the spread says how far to trust it.
#   SKIP_BUILD  1 to reuse the last build's jars
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
out=bench/target/listener-cost
mkdir -p "$out"
before=${BEFORE:-7b7f473}
rounds=${ROUNDS:-3}
jmh_args=${JMH_ARGS:--wi 5 -w 1s -i 5 -r 1s}
quiet=(-B -q -DskipTests -Djacoco.skip -Dmaven.javadoc.skip -Dmaven.source.skip -Dspotless.check.skip)

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "== building this tree (session-bench and what it needs)"
  mvn "${quiet[@]}" -pl session-bench -am package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt
  echo "== building session-sqlite at $before (before the listener SPI)"
  rm -rf "$out/before" && mkdir -p "$out/before"
  git archive "$before" | tar -x -C "$out/before"
  (cd "$out/before" && mvn "${quiet[@]}" -pl session-sqlite -am package)
  echo "== building session-api of this tree with the listener checks cut out (nospi)"
  rm -rf "$out/nospi" && mkdir -p "$out/nospi"
  git archive HEAD | tar -x -C "$out/nospi"
  events="$out/nospi/session-api/src/main/java/dev/tgsession/spi/SessionEvents.java"
  # active() answers false without reading anything: the hot paths as if there were no SPI.
  perl -0pi -e 's/(boolean active\(\) \{\n)\s*return [^;]*;/$1    return false;/' "$events"
  grep -q 'return false;' "$events"
  (cd "$out/nospi" && mvn "${quiet[@]}" -pl session-api package)
fi

# Copies of what the forks run (so a build started meanwhile changes nothing): the benchmark
# classes, third-party jars from session-bench's class path, and tgsession's jars per build.
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  rm -rf "$out/run" && mkdir -p "$out/run/after" "$out/run/before" "$out/run/nospi" "$out/run/third"
  cp -r session-bench/target/classes "$out/run/classes"
  git describe --always --dirty > "$out/run/commit"
  tr ':' '\n' < session-bench/target/classpath.txt | grep -v '/session-[a-z]*/target/' \
    | xargs -I{} cp {} "$out/run/third/"
  for module in session-api session-cache session-sqlite; do
    cp "$(ls "$module/target/$module"-*.jar | grep -v -e sources -e javadoc | head -1)" "$out/run/after/"
    cp "$(ls "$out/before/$module/target/$module"-*.jar | grep -v -e sources -e javadoc | head -1)" \
      "$out/run/before/"
    from="$module"
    [[ "$module" == session-api ]] && from="$out/nospi/session-api"
    cp "$(ls "$from/target/$module"-*.jar | grep -v -e sources -e javadoc | head -1)" "$out/run/nospi/"
  done
fi
third=$(ls "$root/$out"/run/third/*.jar | paste -sd:)
cp_after="$root/$out/run/classes:$(ls "$root/$out"/run/after/*.jar | paste -sd:):$third"
cp_before="$root/$out/run/classes:$(ls "$root/$out"/run/before/*.jar | paste -sd:):$third"
cp_nospi="$root/$out/run/classes:$(ls "$root/$out"/run/nospi/*.jar | paste -sd:):$third"
rm -f "$out"/*.json "$out"/*.log

run() { # $1 = label, $2 = class path, $3 = listener, $4 = round
  echo "== round $4: $1 (listener=$3)"
  # shellcheck disable=SC2086
  java -cp "$2" org.openjdk.jmh.Main 'dev.tgsession.bench.ListenerCost.peerHit' -f 1 $jmh_args \
    -p listener="$3" -rf json -rff "$out/$1-$3-$4.json" > "$out/$1-$3-$4.log"
}
for round in $(seq 1 "$rounds"); do
  run before "$cp_before" none "$round"
  run nospi "$cp_nospi" none "$round"
  run after "$cp_after" none "$round"
  run after "$cp_after" noop "$round"
done

python3 - "$out" "$before" "$(cat "$out/run/commit")" "$rounds" "$jmh_args" <<'PY'
import glob, json, os, statistics, sys
out, before, head, rounds, args = sys.argv[1:]
scores = {}
for path in sorted(glob.glob(os.path.join(out, "*.json"))):
    build, listener, _ = os.path.basename(path)[:-5].split("-")
    for result in json.load(open(path)):
        key = (result["params"]["backend"], build, listener)
        scores.setdefault(key, []).append(result["primaryMetric"]["score"])
lines = [f"# Listener SPI cost: warm peer(id), ns/op (lower is better)", "",
         f"before = {before} (no listener SPI), after = {head}; {rounds} forks per row, alternating;"
         f" JMH {args}; load average at the end {open('/proc/loadavg').read().split()[0]}.", "",
         "| backend | build | listener | mean | median | min | max | spread (max-min)/mean | mean vs before |",
         "|---|---|---|---|---|---|---|---|---|"]
for backend in sorted({k[0] for k in scores}):
    base = statistics.mean(scores.get((backend, "before", "none"), [float("nan")]))
    for build, listener in [("before", "none"), ("nospi", "none"), ("after", "none"), ("after", "noop")]:
        s = scores.get((backend, build, listener))
        if not s:
            continue
        m = statistics.mean(s)
        lines.append(f"| {backend} | {build} | {listener} | {m:.1f} | {statistics.median(s):.1f} | {min(s):.1f} | {max(s):.1f} |"
                     f" {(max(s) - min(s)) / m * 100:.1f}% | {(m / base - 1) * 100:+.1f}% |")
report = "\n".join(lines) + "\n"
open(os.path.join(out, "report.md"), "w").write(report)
print(report)
PY
