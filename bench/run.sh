#!/usr/bin/env bash
# Builds session-bench, runs the short JMH configuration of every benchmark (sessions and raw-driver
# baselines) and Telethon's SQLiteSession on the same machine, and writes bench/results.md.
#
# usage: bench/run.sh
# environment:
#   JMH_ARGS    JMH options of the easy suite (default "-f 3 -wi 1 -w 1s -i 2 -r 1s": 3 forks a side); the
#               default suites (realistic, fleet) take about 25 minutes on 2 cores, build
#               included; kill -TERM the script to stop early with a partial report. Each step's
#               wall time goes to bench/target/timings.tsv, each suite's to the Run table.
#   BACKENDS    which backends to run (default: memory sqlite postgres redis mongo; postgres needs
#               a server: TGSESSION_TEST_POSTGRES_URI or postgres@127.0.0.1:5432 with trust auth)
#   MAVEN_ARGS  extra Maven options (e.g. -o when offline)
#   SKIP_BUILD  1 to reuse the jar of the last build (bench/target/src/session-bench/target)
#   SUITES      which suites to run, in this order (default: realistic fleet): easy = SessionBench* against
#               *DriverBench (ids and hashes, warm); realistic = <Backend>Realistic against
#               <Backend>Raw (names, phones, bots; cold, warm, coherence); lease = LeaseCost;
#               fleet = FleetBench (N sessions in one JVM against the raw drivers with one shared
#               pool; DirectoryGrowth too when DIRECTORY_ARGS is set). Sections of suites not run
#               are kept from the previous bench/results.md, as is the startup section.
#   REAL_JMH_ARGS JMH options of the realistic suite (default "-f 3 -wi 1 -w 1s -i 2 -r 1s": each
#               ratio from 3 forks of each side, reported with the spread of the per-fork ratios)
#   SHOT_WARMUPS warm-up shots per fork of the realistic single shot coldPeer (default 4): a cold
#               read means an empty peer cache, not a JIT that has not compiled the read path yet,
#               which a process serving sessions has long done
#   SCAN_WARMUPS the same for warmAfterScan (default 2: each shot rescans 45,000 peers, and the
#               third shot of a fork is within a few percent of the steady state)
#   ROUNDS      how often the easy-path write pairs run, interleaved and pooled (default 2)
#   LEASE_JMH_ARGS JMH options of the lease suite (default: REAL_JMH_ARGS, so each ratio of a write
#               with a lease to one without comes from 3 forks of each, with their spread)
#   REAL_ROUNDS how often the realistic named-batch pair runs, likewise (default 1)
#   FLEET_ARGS  FleetBench options (default "--sessions 1000,10000 --threads 64 --seconds 5
#               --open-budget 30 --open-threads 4": each fleet opened by 4 threads after its first
#               session, 30 s at most; smaller fleets: --sessions 200)
#   FLEET_JAVA  the java that runs the fleet (default: a JDK 21+ under /usr/lib/jvm when there is
#               one, so virtual threads are measured beside platform threads; else java)
#   DIRECTORY_ARGS DirectoryGrowth options for the fleet suite (default empty: skipped; the
#               directory's growth to 100,000 sessions is bench/growth.sh --directory, which takes
#               longer than this script's 30 minutes allow; its table comes from GROWTH_DIR_MD)
#   JMH_JAVA_OPTS JVM options of the JMH launcher (e.g. -Djmh.ignoreLock=true when another JMH
#               run holds /tmp/jmh.lock; its load then shows in the numbers)
#   RUN_NOTE    a sentence for results.md about the run (e.g. what else loaded the machine)
#   GROWTH_MD   the "How cost grows" table to put into results.md (default: bench/growth.md, written
#               by bench/growth.sh; not re-measured here: it takes long)
#   GROWTH_DIR_MD the "directory of one store as it grows" table (default: bench/growth-directory.md,
#               written by bench/growth.sh --directory; not re-measured here)
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
out=bench/target
mkdir -p "$out"
started=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# What the run needs and a fresh Debian machine may lack: Telethon (Debian's python3-telethon, for
# /usr/bin/python3) and redis-server for the redis benchmarks. Installed with apt when missing.
need_apt=()
/usr/bin/python3 -c 'import telethon' >/dev/null 2>&1 || need_apt+=(python3-telethon)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing: ${need_apt[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

JMH_ARGS=${JMH_ARGS:-"-f 3 -wi 1 -w 1s -i 2 -r 1s"}
BACKENDS=${BACKENDS:-"memory sqlite postgres redis mongo"}
SUITES=${SUITES:-"realistic fleet"}
REAL_JMH_ARGS=${REAL_JMH_ARGS:-"-f 3 -wi 1 -w 1s -i 2 -r 1s"}
LEASE_JMH_ARGS=${LEASE_JMH_ARGS:-$REAL_JMH_ARGS}
SHOT_WARMUPS=${SHOT_WARMUPS:-4}
SCAN_WARMUPS=${SCAN_WARMUPS:-2}
FLEET_ARGS=${FLEET_ARGS:-"--sessions 1000,10000 --threads 64 --seconds 5 --open-budget 30 --open-threads 4"}
DIRECTORY_ARGS=${DIRECTORY_ARGS:-}
if [[ -z ${FLEET_JAVA:-} ]]; then
  FLEET_JAVA=java
  for home in /usr/lib/jvm/*; do
    [[ -x $home/bin/java ]] || continue
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/ *java.specification.version = //p' || true)
    if [[ -n $v && $v -ge 21 ]]; then FLEET_JAVA="$home/bin/java"; break; fi
  done
fi
has_suite() { [[ " $SUITES " == *" $1 "* ]]; }
# Where the time goes: one line per step (build, each JMH run, fleet, growth, Telethon) and per
# suite, in seconds, to bench/target/timings.tsv; the suites' also into results.md's Run table.
: >"$out/timings.tsv"
timed() { # kind, name, command...: runs the command and appends its wall time
  local kind=$1 name=$2 t0 rc=0
  shift 2
  t0=$(date +%s)
  "$@" || rc=$?
  printf '%s\t%s\t%s\n' "$kind" "$name" "$(($(date +%s) - t0))" >>"$out/timings.tsv"
  return $rc
}
TELETHON_ARGS=${TELETHON_ARGS:-"1 3"}

# The jar is built from the committed tree (HEAD), copied to bench/target/src, so results belong to
# a commit and uncommitted work in the checkout cannot break or change them. Files are copied only
# when their content changed, so Maven recompiles only what a new commit touched.
jar=bench/target/src/session-bench/target/benchmarks.jar
build() {
  echo "== building $jar from HEAD ($(git rev-parse --short HEAD))"
  rm -rf "$out/head" && mkdir -p "$out/head" "$out/src"
  git archive HEAD | tar -x -C "$out/head"
  rsync -rc --delete --exclude '/*/target/' --exclude '/target/' "$out/head/" "$out/src/"
  rm -rf "$out/head"
  # shellcheck disable=SC2086
  # no coverage, javadoc or source jars: the benchmarks need the classes only
  (cd "$out/src" && mvn -B -q ${MAVEN_ARGS:-} -pl session-bench -am package -DskipTests \
    -Djacoco.skip -Dmaven.javadoc.skip -Dmaven.source.skip) \
    >"$out/build.log" 2>&1 || { tail -30 "$out/build.log" >&2; exit 1; }
}
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  timed step build build
  echo "== built in $(cut -f3 "$out/timings.tsv" | tail -1) s"
fi

# Telethon's SQLiteSession on the same workloads (easy and realistic), right after our sqlite
# benchmarks.
run_telethon() {
  [[ -z $stopped && -z ${telethon_ran:-} ]] || return 0 # once a run: after sqlite's first suite
  telethon_ran=1
  echo "== Telethon (/usr/bin/python3)"
  # shellcheck disable=SC2086
  if ! timed step telethon /usr/bin/python3 bench/telethon_bench.py $TELETHON_ARGS >"$out/telethon.json" 2>"$out/telethon.err"; then
    echo "Telethon benchmark failed: $(tail -3 "$out/telethon.err")" >&2
    : >"$out/telethon.json"
  fi
}

# Each of our benchmarks runs right beside the baseline it is compared with, in one JMH run per
# pair (one right after the other, seconds apart), so a ratio compares two measurements that
# saw the same load on a shared machine rather than ones minutes apart.
rm -f "$out"/jmh-*.json "$out"/jmh-*.log "$out/telethon.json"
# SIGTERM or SIGINT (kill PID, Ctrl-C) stops the run after the JMH run in progress and still writes
# the report from what finished, marked as a partial run.
stopped=""
trap 'stopped="stopped early (signal) after $(date -u +%H:%M) UTC: later benchmarks not run"' TERM INT
jmh() { # name, include pattern, backend (empty: none), JMH options (default JMH_ARGS)
  [[ -z $stopped ]] || return 0
  local params=()
  [[ -n $3 ]] && params=(-p backend="$3")
  # shellcheck disable=SC2086
  timed jmh "$1" java ${JMH_JAVA_OPTS:-} -jar "$jar" "$2" "${params[@]}" ${4:-$JMH_ARGS} \
    -rf json -rff "$out/jmh-$1.json" >"$out/jmh-$1.log" 2>&1 || true
  grep -E '^# (Benchmark:|Parameters)|^# Run complete|ERROR|Exception' "$out/jmh-$1.log" || true
  # a run whose every benchmark failed is reported as "not measured", not the end of the whole run
  [[ -s "$out/jmh-$1.json" ]] || echo "JMH run $1 wrote no results: see $out/jmh-$1.log" >&2
}
configure() { # backend: the class prefix and easy-path baseline methods of one backend
  case $1 in
    memory) driver="" class="" ;;
    postgres) driver=none class=Postgres ;; # no easy-path baseline: realistic and lease only
    sqlite) driver=SqliteDriverBench class=Sqlite single=upsertPeer batch=upsertPeers100 select=selectPeer \
      state=updateStatePrimary channel=upsertChannelPts ;;
    redis) driver=RedisDriverBench class=Redis single=hsetPeer batch=hsetPeers100Pipelined select=hgetPeer \
      state=hsetStatePrimary channel=hsetChannelPts ;;
    mongo) driver=MongoDriverBench class=Mongo single=updateOnePeer batch=bulkWritePeers100 select=findPeer \
      state=updateOneStatePrimary channel=updateOneChannelPts ;;
    *) echo "unknown backend $1 (expected memory, sqlite, postgres, redis, mongo)" >&2; exit 2 ;;
  esac
}
for backend in $BACKENDS; do configure "$backend"; done # reject an unknown backend before running

run_easy() { # backend
  if [[ $driver == none ]]; then
    return
  elif [[ -z $driver ]]; then
    jmh "$backend" '\.SessionBench\.' "$backend"
  else
    ours='\.SessionBench\.' ours4t='\.SessionBench4T\.' base="\\.$driver\\."
    # The write pairs, whose targets (>= 0.9x) sit within this machine's noise, run twice
    # (baseline, ours, baseline, ours); report.py pools both runs' iterations.
    for round in $(seq 1 "${ROUNDS:-2}"); do
      jmh "$backend-single-$round" "${ours}(cachePeerNew|cachePeerExisting)\$|${base}${single}\$" "$backend"
      jmh "$backend-batch-$round" "${ours}cachePeers100\$|${base}${batch}\$" "$backend"
      jmh "$backend-state-$round" "${ours}setUpdateStatePrimary\$|${base}${state}\$" "$backend"
      jmh "$backend-channel-$round" "${ours}setUpdateStateChannel\$|${base}${channel}\$" "$backend"
      jmh "$backend-single4t-$round" "${ours4t}cachePeerExisting4T\$|${base}${single}4T\$" "$backend"
      jmh "$backend-state4t-$round" "${ours4t}setUpdateStatePrimary4T\$|${base}${state}4T\$" "$backend"
    done
    jmh "$backend-select" "${ours}(peerHit|peerMiss|peerByUsername)\$|${base}${select}\$" "$backend"
    jmh "$backend-getters" "${ours}homeDcIdAndDcOption\$" "$backend"
    jmh "$backend-select4t" "${ours4t}peerHit4T\$|${base}${select}4T\$" "$backend"
  fi
  if [[ $backend == sqlite ]]; then
    run_telethon
  fi
}

# The realistic workload: <Backend>Realistic.<method> beside <Backend>Raw.<method>, one JMH run
# per method; the named batch (target 0.7x) twice, interleaved, pooled like the write pairs.
run_realistic() { # backend
  [[ -n $class ]] || return 0
  methods="batch100Named coldPeer warmPeer peerByUsername peerByPhone singleNamed batch100New coherentRead"
  methods="$methods updateStatePrimary updateStateChannel"
  # warm reads right after a scan: where the peer cache is on by default (PostgreSQL's is off, so
  # its reads are warmPeer's; the Mongo emulator's 200,000 raw finds would take minutes)
  [[ $backend == sqlite || $backend == redis ]] && methods="$methods warmAfterScan"
  for _ in $(seq 2 "${REAL_ROUNDS:-1}"); do methods="$methods batch100Named"; done
  for method in $methods; do
    n=1
    while [[ -e "$out/jmh-$backend-real-$method-$n.json" ]]; do n=$((n + 1)); done
    args=$REAL_JMH_ARGS
    if [[ $method == coldPeer || $method == warmAfterScan ]]; then
      # single shots: SHOT_WARMUPS (SCAN_WARMUPS) warm-up shots instead of REAL_JMH_ARGS' -wi
      warmups=$SHOT_WARMUPS
      [[ $method == warmAfterScan ]] && warmups=$SCAN_WARMUPS
      args="$(sed -E 's/(^| )-wi +[0-9]+//' <<<"$args") -wi $warmups"
    fi
    jmh "$backend-real-$method-$n" "\\.${class}(Raw|Realistic)\\.${method}\$" "" "$args"
  done
  if [[ $backend == sqlite ]]; then
    run_telethon # the same peers, in Telethon's SQLiteSession
  fi
}

run_lease() { # backend
  [[ -n $class ]] || return 0
  jmh "$backend-lease" '\.LeaseCost\.' "$backend" "$LEASE_JMH_ARGS"
}

# The fleet suite runs once over the backends (memory has no fleet): FleetBench, then
# DirectoryGrowth; each prints Markdown tables that report.py puts into results.md.
run_fleet() {
  [[ -z $stopped ]] || return 0
  local fleet_backends
  fleet_backends=$(for b in $BACKENDS; do [[ $b != memory ]] && echo "$b"; done | paste -sd,)
  [[ -n $fleet_backends ]] || return 0
  echo "== fleet ($FLEET_JAVA): $FLEET_ARGS; backends $fleet_backends"
  # one JVM per backend, so a backend's leftovers (threads, pools) do not load the next one's
  # fleet, and its wall time is its own line in timings.tsv
  local b tables=()
  for b in ${fleet_backends//,/ }; do
    [[ -z $stopped ]] || break
    # shellcheck disable=SC2086
    timed fleet "$b" "$FLEET_JAVA" -cp "$jar" dev.tgsession.bench.FleetBench --backends "$b" $FLEET_ARGS \
      >"$out/fleet-$b.md" 2>"$out/fleet-$b.log" || echo "FleetBench $b failed: $(tail -3 "$out/fleet-$b.log")" >&2
    tables+=("$out/fleet-$b.md")
  done
  /usr/bin/python3 bench/report.py --merge-fleet "${tables[@]}" >"$out/fleet.md"
  [[ -z $stopped && -n $DIRECTORY_ARGS ]] || return 0
  echo "== directory growth: $DIRECTORY_ARGS"
  # shellcheck disable=SC2086
  timed step directory "$FLEET_JAVA" -cp "$jar" dev.tgsession.bench.DirectoryGrowth --backends "$fleet_backends" \
    $DIRECTORY_ARGS >>"$out/fleet.md" 2>"$out/directory.log" \
    || echo "DirectoryGrowth failed: $(tail -3 "$out/directory.log")" >&2
}

# Suites in the order SUITES names them, each over every backend (the fleet once over all).
rm -f "$out/fleet.md"
for suite in $SUITES; do
  case $suite in easy | realistic | lease | fleet) ;; *)
    echo "unknown suite $suite (expected easy, realistic, lease, fleet)" >&2
    exit 2
    ;;
  esac
done
run_suite() { # suite
  if [[ $1 == fleet ]]; then
    run_fleet
    return
  fi
  for backend in $BACKENDS; do
    configure "$backend"
    echo "== JMH $1 $backend"
    case $1 in
      easy) run_easy ;;
      realistic) run_realistic ;;
      lease) run_lease ;;
    esac
  done
}
for suite in $SUITES; do
  [[ -z $stopped ]] || break
  timed suite "$suite" run_suite "$suite"
  echo "== suite $suite: $(tail -1 "$out/timings.tsv" | cut -f3) s"
done
if [[ " $BACKENDS " != *" sqlite "* ]] && has_suite easy; then
  run_telethon
fi
[[ -e "$out/telethon.json" ]] || : >"$out/telethon.json"

# What coherentRead saw (stale reads), as each fork printed it.
# (JMH prints a trial's teardown output after the last iteration's line, so not at a line start.)
grep -ho 'tgsession-bench coherence: .*' "$out"/jmh-*.log 2>/dev/null \
  | sed 's/^tgsession-bench coherence: //' >"$out/coherence.txt" || true
GROWTH_MD=${GROWTH_MD:-bench/growth.md}

prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" pom.xml | head -1; }
finished=$(date +%s)
export RUN_DATE RUN_COMMIT RUN_JMH_ARGS RUN_WALL RUN_CPU RUN_CORES RUN_MEM RUN_OS RUN_LOAD_BEFORE \
  RUN_LOAD_AFTER RUN_JAVA RUN_JMH RUN_COHERENCE RUN_GROWTH_MD RUN_NOTE RUN_PGJDBC RUN_POSTGRES RUN_SQLITE_JDBC RUN_JEDIS RUN_MONGODB RUN_MONGO_SERVER RUN_REDIS
RUN_DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
RUN_COMMIT="$(git rev-parse --short HEAD) (the jar is built from the committed tree)"
RUN_JMH_ARGS="$JMH_ARGS; realistic: $REAL_JMH_ARGS (single shots: coldPeer -wi $SHOT_WARMUPS, warmAfterScan -wi $SCAN_WARMUPS); lease: $LEASE_JMH_ARGS; fleet: $FLEET_ARGS on $("$FLEET_JAVA" -version 2>&1 | sed -n 2p) (backends: $BACKENDS; suites: $SUITES; one JMH run per pair of ours and its baseline; easy write pairs ${ROUNDS:-2}x, realistic named batch ${REAL_ROUNDS:-1}x, pooled)"
mins() { printf '%d min %d s' $(($1 / 60)) $(($1 % 60)); }
# the 30-minute target is for a whole run of the default suites (realistic and fleet, every backend)
if [[ -n $stopped || $SUITES != "realistic fleet" || $BACKENDS != "memory sqlite postgres redis mongo" ]]; then
  verdict="not judged: not a whole run of the default suites"
elif (( finished - started <= 1800 )); then
  verdict=met
else
  verdict='**MISSED**'
fi
RUN_WALL="$(mins $((finished - started))) (build, JMH, fleet and Telethon as run; target <= 30 min for the default suites: $verdict)"
RUN_WALL_PARTS=$(awk -F'\t' '$1 == "suite" || ($1 == "step" && $2 == "build") {
  printf "%s%s %d min %d s", sep, ($1 == "suite" ? "suite " $2 : $2), $3 / 60, $3 % 60; sep = "; " }' \
  "$out/timings.tsv")
RUN_CPU=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
RUN_CORES=$(nproc)
RUN_MEM="$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
RUN_OS="$(. /etc/os-release && echo "$PRETTY_NAME"), Linux $(uname -r)"
RUN_LOAD_BEFORE=$load_before
RUN_LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
RUN_JAVA=$(java -version 2>&1 | sed -n 2p)
RUN_JMH=$(prop jmh.version)
RUN_SQLITE_JDBC=$(prop sqlite-jdbc.version)
RUN_JEDIS=$(prop jedis.version)
RUN_MONGODB=$(prop mongodb.version)
# The Mongo server the forks used, as each printed it (a real MongoDB when one was at hand).
RUN_MONGO_SERVER=$( (cat "$out"/jmh-mongo-*.log 2>/dev/null || true) | sed -n 's/^tgsession-bench mongo server: //p' | sort -u | head -1)
if [[ $RUN_MONGO_SERVER == EMULATOR* ]]; then
  RUN_MONGO_SERVER="mongo-java-server $(prop mongo-java-server.version) ${RUN_MONGO_SERVER#EMULATOR: mongo-java-server }"
  RUN_MONGO_SERVER="$RUN_MONGO_SERVER (EMULATOR)"
fi
RUN_REDIS=$(redis-server --version | sed 's/^Redis server //')
RUN_COHERENCE=$(cat "$out/coherence.txt")
RUN_NOTE="${RUN_NOTE:-}${stopped:+ **Partial run: $stopped.**}"
RUN_PGJDBC=$(prop postgresql.version)
RUN_POSTGRES=$(psql -h 127.0.0.1 -U postgres -At -c 'SHOW server_version' postgres 2>/dev/null || true)
RUN_GROWTH_MD=$(cat "$GROWTH_MD" 2>/dev/null || true)
RUN_GROWTH_DIR_MD=$(cat "${GROWTH_DIR_MD:-bench/growth-directory.md}" 2>/dev/null || true)
RUN_FLEET_MD=$( [[ -s $out/fleet.md ]] && { grep -v '^tgsession-bench mongo server: ' "$out/fleet.md"; echo; echo "Load average (1 min) at each row in its last column; fleet run by \`$FLEET_JAVA\`, wall time of the whole bench/run.sh below in Run."; } || true)
RUN_SUITES=$SUITES
export RUN_FLEET_MD RUN_SUITES RUN_WALL_PARTS RUN_GROWTH_DIR_MD

/usr/bin/python3 - "$out/env.json" <<'PY'
import json, os, sys
keys = {
    "date": "RUN_DATE", "commit": "RUN_COMMIT", "jmh_args": "RUN_JMH_ARGS", "wall_time": "RUN_WALL",
    "cpu": "RUN_CPU", "cores": "RUN_CORES", "memory": "RUN_MEM", "os": "RUN_OS",
    "load_before": "RUN_LOAD_BEFORE", "load_after": "RUN_LOAD_AFTER", "java": "RUN_JAVA",
    "jmh": "RUN_JMH", "sqlite_jdbc": "RUN_SQLITE_JDBC", "jedis": "RUN_JEDIS",
    "mongodb_driver": "RUN_MONGODB", "mongo_java_server": "RUN_MONGO_SERVER", "redis_server": "RUN_REDIS",
}
env = {k: os.environ.get(v, "") for k, v in keys.items()}
env["note"] = os.environ.get("RUN_NOTE", "")
env["pgjdbc"] = os.environ.get("RUN_PGJDBC", "")
env["postgres_server"] = os.environ.get("RUN_POSTGRES", "")
env["coherence"] = [line for line in os.environ.get("RUN_COHERENCE", "").splitlines() if line.strip()]
env["growth_md"] = os.environ.get("RUN_GROWTH_MD", "")
env["fleet_md"] = os.environ.get("RUN_FLEET_MD", "")
env["suites"] = os.environ.get("RUN_SUITES", "")
env["wall_parts"] = os.environ.get("RUN_WALL_PARTS", "")
env["growth_dir_md"] = os.environ.get("RUN_GROWTH_DIR_MD", "")
json.dump(env, open(sys.argv[1], "w"), indent=1)
PY

/usr/bin/python3 bench/report.py "$out/telethon.json" "$out/env.json" bench/results.md "$out"/jmh-*.json
echo "== per suite: $RUN_WALL_PARTS (each step: $out/timings.tsv)"
echo "== wrote bench/results.md in $(mins $((finished - started)))"
