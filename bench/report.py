#!/usr/bin/env python3
"""Writes bench/results.md from one run of bench/run.sh.

usage: report.py TELETHON_JSON ENV_JSON OUT_MD JMH_JSON...

JMH_JSON are JMH's -rf json outputs (one per backend), TELETHON_JSON the line telethon_bench.py printed (or an
empty file when it could not run), ENV_JSON what run.sh recorded about the machine and the run.
"""

import json
import re
import sys

BACKENDS = ["memory", "sqlite", "redis", "mongo"]
BACKEND_LABEL = {
    "memory": "memory",
    "sqlite": "sqlite",
    "redis": "redis",
    "mongo": "mongo (EMULATOR)",
}
DRIVER_CLASS = {
    "sqlite": "SqliteDriverBench",
    "redis": "RedisDriverBench",
    "mongo": "MongoDriverBench",
}
# role -> baseline method per backend
BASELINES = {
    "single": {"sqlite": "upsertPeer", "redis": "hsetPeer", "mongo": "updateOnePeer"},
    "batch": {
        "sqlite": "upsertPeers100",
        "redis": "hsetPeers100Pipelined",
        "mongo": "bulkWritePeers100",
    },
    "select": {"sqlite": "selectPeer", "redis": "hgetPeer", "mongo": "findPeer"},
    "state": {
        "sqlite": "updateStatePrimary",
        "redis": "hsetStatePrimary",
        "mongo": "updateOneStatePrimary",
    },
    "channel": {
        "sqlite": "upsertChannelPts",
        "redis": "hsetChannelPts",
        "mongo": "updateOneChannelPts",
    },
}
BASELINE_LABEL = {
    "single": {
        "sqlite": "1 upsert, autocommit",
        "redis": "1 HSET",
        "mongo": "1 updateOne upsert",
    },
    "batch": {
        "sqlite": "100 upserts, 1 transaction",
        "redis": "100 HSET, 1 pipeline",
        "mongo": "bulkWrite of 100, unordered",
    },
    "select": {
        "sqlite": "PK select",
        "redis": "1 HGET",
        "mongo": "find by _id",
    },
    "state": {
        "sqlite": "1 UPDATE, autocommit",
        "redis": "1 HSET of 3 fields",
        "mongo": "1 updateOne",
    },
    "channel": {
        "sqlite": "1 upsert, autocommit",
        "redis": "1 HSET",
        "mongo": "1 updateOne",
    },
}

# (session benchmark, what one op is, baseline role, target ratio or None, absolute target)
SINGLE_THREAD = [
    ("cachePeerNew", "1 new peer", "single", 0.9, None),
    ("cachePeerExisting", "1 known peer, new hash", "single", 0.9, None),
    ("cachePeers100", "batch of 100", "batch", 0.9, None),
    ("peerHit", "1 lookup", "select", 10.0, None),
    ("peerMiss", "1 lookup", "select", None, None),
    ("peerByUsername", "1 lookup", "select", None, None),
    ("setUpdateStatePrimary", "1 update", "state", 0.9, None),
    ("setUpdateStateChannel", "1 update", "channel", 0.9, None),
    ("homeDcIdAndDcOption", "homeDcId() + dcOption(home)", None, None, 50e6),
]
FOUR_THREADS = [
    ("cachePeerExisting4T", "1 known peer, new hash", "single", 0.9),
    ("peerHit4T", "1 lookup", "select", 10.0),
    ("setUpdateStatePrimary4T", "1 update", "state", 0.9),
]
FOUR_THREAD_BACKENDS = ["sqlite", "redis", "mongo"]

# The realistic workload (issue 10): ours (CLASS + "Realistic") against the raw driver doing the
# same logical work (CLASS + "Raw"), method by method. Targets per backend; None = information.
REALISTIC_BACKENDS = [("sqlite", "Sqlite"), ("postgres", "Postgres"), ("redis", "Redis"), ("mongo", "Mongo")]
REALISTIC_LABEL = {"postgres": "postgresql"}
# (method, path, one op, {backend: target ratio})
# Targets of issue 27 item 1 (ours / the raw driver doing the same logical work, same run).
REALISTIC = [
    ("batch100Named", "write, names", "cachePeers of 100 stored users (names, phones, bots), new hashes",
     {"sqlite": 0.9, "postgres": 0.9, "redis": 0.9, "mongo": 0.9}),
    ("batch100New", "write, names", "cachePeers of 100 users never stored, each named",
     {"sqlite": 0.9, "postgres": 0.9, "redis": 0.9, "mongo": 0.9}),
    ("singleNamed", "write, names", "cachePeer of 1 stored named user, new hash",
     {"sqlite": 0.9, "postgres": 0.9, "redis": 0.9, "mongo": 0.9}),
    ("updateStatePrimary", "write, state", "setUpdateState: pts, date and seq of the common sequence",
     {"sqlite": 0.9, "postgres": 0.9, "redis": 0.9, "mongo": 0.9}),
    ("updateStateChannel", "write, state", "setUpdateState: one channel's pts (500 channels)",
     {"sqlite": 0.9, "postgres": 0.9, "redis": 0.9, "mongo": 0.9}),
    ("coldPeer", "cold", "peer(id), every read a miss (fresh instance per iteration)",
     {"sqlite": 0.7, "postgres": 0.7, "redis": 0.7, "mongo": 0.7}),
    ("warmPeer", "warm", "peer(id) over a 5,000-peer working set, all hits",
     {"sqlite": 20.0, "postgres": 20.0, "redis": 20.0, "mongo": 20.0}),
    ("warmAfterScan", "warm, after a scan",
     "peer(id): 200,000 random reads over the 5,000-peer working set right after a scan of the 45,000 other peers",
     {"sqlite": 20.0, "redis": 20.0}),
    ("peerByUsername", "names", "peerByUsername of a stored user",
     {"sqlite": 0.9, "postgres": 0.9, "redis": 0.9, "mongo": 0.9}),
    ("peerByPhone", "names", "peerByPhone of a stored user",
     {"sqlite": 0.9, "postgres": 0.9, "redis": 0.9, "mongo": 0.9}),
    ("coherentRead", "coherence", "instance B caches a peer, instance A reads it", {}),
]
REALISTIC_BASELINE = {
    "sqlite": {
        "batch100Named": "100 upserts (unique username, phone), 1 transaction",
        "batch100New": "100 upserts, 1 transaction",
        "singleNamed": "1 upsert, autocommit",
        "updateStatePrimary": "1 UPDATE of the one-row table, autocommit",
        "updateStateChannel": "1 upsert, autocommit",
        "coldPeer": "PK select, fresh connection per iteration",
        "warmPeer": "PK select",
        "warmAfterScan": "PK select, fresh connection, after the same scan",
        "peerByUsername": "select on UNIQUE username",
        "peerByPhone": "select on UNIQUE phone",
        "coherentRead": "upsert, then PK select on another connection",
    },
    "postgres": {
        "batch100Named": "100 upserts (unique username, phone), 1 transaction",
        "batch100New": "100 upserts, 1 transaction",
        "singleNamed": "1 upsert, autocommit",
        "updateStatePrimary": "1 UPDATE of the state row, autocommit",
        "updateStateChannel": "1 upsert, autocommit",
        "coldPeer": "PK select",
        "warmPeer": "PK select",
        "warmAfterScan": "PK select, after the same scan",
        "peerByUsername": "select on UNIQUE username",
        "peerByPhone": "select on UNIQUE phone",
        "coherentRead": "upsert, then PK select on another connection",
    },
    "redis": {
        "batch100Named": "pipeline: HSET peer + username/phone index fields",
        "batch100New": "pipeline: HSET peer + index fields",
        "singleNamed": "pipeline of 2-3 HSET",
        "updateStatePrimary": "1 HSET of 3 fields",
        "updateStateChannel": "1 HSET",
        "coldPeer": "1 HGET",
        "warmPeer": "1 HGET",
        "warmAfterScan": "1 HGET, after the same scan",
        "peerByUsername": "HGET index, HGET peer",
        "peerByPhone": "HGET index, HGET peer",
        "coherentRead": "HSETs, then HGET",
    },
    "mongo": {
        "batch100Named": "bulkWrite of 100 upserts + bulkWrite of name docs",
        "batch100New": "the same for new users",
        "singleNamed": "upsert + name docs (2 bulkWrites)",
        "updateStatePrimary": "1 updateOne of the state document",
        "updateStateChannel": "1 updateOne of the state document",
        "coldPeer": "find by _id",
        "warmPeer": "find by _id",
        "warmAfterScan": "find by _id, after the same scan",
        "peerByUsername": "find name doc, find peer",
        "peerByPhone": "find name doc, find peer",
        "coherentRead": "writes, then find by _id",
    },
}
LEASE_BACKENDS = ["sqlite", "postgres", "redis", "mongo"]
LEASE_TARGET = 0.9  # with a lease >= 0.9x without: "within 10%"


# two-sided 99.9% Student t quantiles by degrees of freedom, as JMH reports its errors
T999 = {1: 636.6, 2: 31.60, 3: 12.92, 4: 8.610, 5: 6.869, 6: 5.959, 7: 5.408, 8: 5.041, 9: 4.781,
        10: 4.587, 12: 4.318, 15: 4.073, 20: 3.850, 30: 3.646, 60: 3.460}


# per-fork means by (class, method, backend), in the order the forks ran; filled by load_jmh
FORKS = {}


def fork_spread(ours_key, base_key):
    """(min, max, runs) of the per-fork ratios ours/base, fork i of ours against fork i of the
    baseline (forks of one JMH run, or of interleaved runs, in the order they ran)."""
    ours = FORKS.get(ours_key, [])
    base = FORKS.get(base_key, [])
    ratios = [o / b for o, b in zip(ours, base) if b > 0]
    if not ratios:
        return None
    return min(ratios), max(ratios), len(ratios)


def spread_text(spread):
    if spread is None:
        return "n/a"
    low, high, runs = spread
    return f"{low:.2f}-{high:.2f}x ({runs} fork{'' if runs == 1 else 's'})"


def t999(df):
    return T999[max(k for k in T999 if k <= df)]


def load_jmh(paths):
    """Scores by (class, method, backend). A benchmark measured in several runs (run.sh measures
    each write pair twice, interleaved: baseline, ours, baseline, ours) gets the mean of all its
    measurement iterations, with the 99.9% error of that mean."""
    runs = []
    for path in paths:
        try:
            with open(path) as f:
                runs.extend(json.load(f))
        except (OSError, ValueError):
            pass  # a cluster that did not run or crashed: its rows read "failed / not run"
    samples = {}
    forks = {}
    for run in runs:
        name = run["benchmark"].rsplit(".", 2)
        params = run.get("params", {}) or {}
        method = name[-1]
        if "lease" in params:
            method = f"{method}[lease={params['lease']}]"
        key = (name[-2], method, params.get("backend"))
        metric = run["primaryMetric"]
        values = [v for fork in metric.get("rawData", []) for v in fork] or [metric["score"]]
        unit = metric.get("scoreUnit", "ops/s")
        if run.get("mode") in ("ss", "avgt", "sample") and unit.endswith("/op"):
            # time per op of a single shot of measurementBatchSize calls: turn into calls per second
            seconds = {"s/op": 1.0, "ms/op": 1e-3, "us/op": 1e-6, "ns/op": 1e-9}[unit]
            batch = run.get("measurementBatchSize", 1) or 1
            values = [batch / (v * seconds) for v in values if v > 0]
        samples.setdefault(key, []).extend(values)
        for fork in metric.get("rawData", []):
            fork_values = fork
            if run.get("mode") in ("ss", "avgt", "sample") and unit.endswith("/op"):
                seconds = {"s/op": 1.0, "ms/op": 1e-3, "us/op": 1e-6, "ns/op": 1e-9}[unit]
                batch = run.get("measurementBatchSize", 1) or 1
                fork_values = [batch / (v * seconds) for v in fork if v > 0]
            if fork_values:
                forks.setdefault(key, []).append(sum(fork_values) / len(fork_values))
    FORKS.clear()
    FORKS.update(forks)
    scores = {}
    for key, values in samples.items():
        n = len(values)
        mean = sum(values) / n
        error = None  # fewer than 2 iterations: no error
        if n > 1:
            variance = sum((v - mean) ** 2 for v in values) / (n - 1)
            error = t999(n - 1) * (variance / n) ** 0.5
        scores[key] = (mean, error)
    return scores


def fmt(value):
    if value is None:
        return "n/a"
    if value >= 1e6:
        return f"{value / 1e6:,.1f} M"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def fmt_err(score):
    if score is None:
        return "failed / not run"
    value, error = score
    if error is None:
        return fmt(value)
    return f"{fmt(value)} ± {fmt(error)}"


def ratio_text(ratio):
    return "n/a" if ratio is None else f"{ratio:.2f}x"


def verdict(ratio, target):
    if target is None:
        return "(info)"
    if ratio is None:
        return "**not measured**"
    return "met" if ratio >= target else "**MISSED**"


def merge_fleet(paths):
    """One fleet section from FleetBench's output of one backend per file (bench/run.sh runs a JVM
    per backend): the notes of the first, every file's misses, each table's rows under one header."""
    notes, misses, tables, other = None, [], {}, []
    for path in paths:
        try:
            with open(path) as f:
                text = f.read()
        except OSError:
            continue
        head, *parts = re.split(r"(?m)^(?=### )", text)
        for line in head.splitlines():
            if line.startswith("- **miss**"):
                misses.append(line)
            elif line.startswith("tgsession-bench "):
                other.append(line)
        paragraph = head.strip().split("\n\n")[0] if head.strip() else ""
        if notes is None and paragraph and not paragraph.startswith("tgsession-bench "):
            notes = paragraph
        for part in parts:
            heading, _, body = part.partition("\n")
            lines = [l for l in body.splitlines() if l.startswith("|")]
            table = tables.setdefault(heading, lines[:2])
            table.extend(lines[2:])
    out = other + ([notes, ""] if notes else [])
    if misses:
        out += ["Misses (a fleet not opened in full within the open budget):", ""] + misses + [""]
    elif tables:
        out += ["Every fleet opened in full within the open budget.", ""]
    for heading, lines in tables.items():
        out += [heading, ""] + lines + [""]
    return "\n".join(out)


def main():
    if sys.argv[1:2] == ["--merge-fleet"]:
        print(merge_fleet(sys.argv[2:]))
        return
    telethon_path, env_path, out_path = sys.argv[1:4]
    scores = load_jmh(sys.argv[4:])
    with open(env_path) as f:
        env = json.load(f)
    telethon = None
    try:
        with open(telethon_path) as f:
            text = f.read().strip()
        telethon = json.loads(text) if text else None
    except (OSError, ValueError):
        telethon = None

    if "EMULATOR" not in (env.get("mongo_java_server") or "EMULATOR"):
        BACKEND_LABEL["mongo"] = "mongo"

    def session(method, backend):
        return scores.get(("SessionBench", method, backend))

    def baseline(role, backend, suffix=""):
        if role is None or backend not in DRIVER_CLASS:
            return None, None
        method = BASELINES[role][backend] + suffix
        return f"{DRIVER_CLASS[backend]}.{method}", scores.get((DRIVER_CLASS[backend], method, None))

    def easy_spread(cls, method, role, backend, suffix=""):
        base_method = BASELINES[role][backend] + suffix
        return spread_text(fork_spread((cls, method, backend), (DRIVER_CLASS[backend], base_method, None)))

    targets = []  # (text, verdict)
    out = []
    out.append("# tgsession benchmark results\n")
    out.append(
        "Written by `bench/run.sh` from one run; do not edit by hand. "
        "Throughput in operations per second (higher is better); "
        "`±` is JMH's 99.9% error over the measured iterations. "
        "A ratio is ours / the raw driver's baseline doing the same logical work, measured in the "
        "same run against the same kind of server.\n"
    )
    out.append("## Run\n")
    rows = [
        ("date", env.get("date")),
        ("git commit", env.get("commit")),
        ("command", "`bench/run.sh`"),
        ("JMH options", f"`{env.get('jmh_args')}`"),
        ("wall time", env.get("wall_time")),
        ("wall time per suite", env.get("wall_parts") or "-"),
        ("CPU", env.get("cpu")),
        ("cores", env.get("cores")),
        ("memory", env.get("memory")),
        ("OS", env.get("os")),
        ("load average (1/5/15 min) before / after", f"{env.get('load_before')} / {env.get('load_after')}"),
        ("JDK", env.get("java")),
        ("JMH", env.get("jmh")),
        ("sqlite-jdbc", env.get("sqlite_jdbc")),
        ("Jedis", env.get("jedis")),
        ("mongodb-driver-sync", env.get("mongodb_driver")),
        ("redis-server", env.get("redis_server")),
        ("PostgreSQL server / pgjdbc", f"{env.get('postgres_server') or '(not run)'} / {env.get('pgjdbc') or ''}"),
        ("Mongo server", env.get("mongo_java_server") or "(mongo not run)"),
    ]
    if telethon:
        rows.append(
            (
                "Telethon",
                f"{telethon['telethon']} on Python {telethon['python']} "
                f"({telethon['python_executable']}), SQLite {telethon['sqlite']}",
            )
        )
    out.append("| | |\n|---|---|")
    for key, value in rows:
        out.append(f"| {key} | {value} |")
    out.append("")
    if env.get("note"):
        out.append(env["note"] + "\n")

    suites_run = env.get("suites", "").split()
    if suites_run and "easy" not in suites_run:
        out.append("## Easy path, single thread\n")
        out.append(
            "Not run this time (`SUITES=easy bench/run.sh` runs it, 3 forks a side). The easy path (ids "
            "and access hashes only, warm hits) is superseded by the realistic workload below; its "
            "numbers are not carried over from an earlier run, whose ratios came from one fork each.\n"
        )
    else:
        out.append("## Easy path, single thread\n")
        out.append(
            "The easy path (`SessionBench`, `SessionBench4T` against `*DriverBench`): users with an id and "
            "an access hash only (100 of 5,000 with a username), hits read warm. Kept for continuity; the "
            "realistic workload below is what a bot meets.\n"
        )
        out.append("| backend | benchmark | one op | ops/s | baseline | baseline ops/s | ratio | per-fork ratios (runs) | target | verdict |")
        out.append("|---|---|---|---:|---|---:|---:|---|---|---|")
        for backend in BACKENDS:
            for method, op, role, target, absolute in SINGLE_THREAD:
                score = session(method, backend)
                value = score[0] if score else None
                name, base = baseline(role, backend)
                ratio = value / base[0] if value is not None and base else None
                if absolute is not None:
                    target_text = f">= {fmt(absolute)} ops/s"
                    v = "**not measured**" if value is None else ("met" if value >= absolute else "**MISSED**")
                    targets.append((f"{backend} `{method}` >= {fmt(absolute)} ops/s: {fmt(value)}", v))
                elif target is not None and name is not None:
                    target_text = f">= {target:g}x"
                    v = verdict(ratio, target)
                    targets.append(
                        (f"{backend} `{method}` >= {target:g}x {name.split('.')[1]}: {ratio_text(ratio)}", v)
                    )
                else:
                    target_text = ""
                    v = "(info)" if value is not None else "**not measured**"
                label = BACKEND_LABEL[backend]
                base_label = BASELINE_LABEL[role][backend] if name else ""
                out.append(
                    f"| {label} | `{method}` | {op} | {fmt_err(score)} | {base_label}"
                    f" | {fmt_err(base) if name else ''} | {ratio_text(ratio) if name else ''}"
                    f" | {easy_spread('SessionBench', method, role, backend) if name else ''}"
                    f" | {target_text} | {v} |"
                )
        out.append("")

        out.append("## Easy path, 4 threads on one session\n")
        out.append("| backend | benchmark | one op | ops/s | baseline (4 threads) | baseline ops/s | ratio | per-fork ratios (runs) | target | verdict |")
        out.append("|---|---|---|---:|---|---:|---:|---|---|---|")
        for backend in FOUR_THREAD_BACKENDS:
            for method, op, role, target in FOUR_THREADS:
                score = scores.get(("SessionBench4T", method, backend))
                value = score[0] if score else None
                name, base = baseline(role, backend, "4T")
                ratio = value / base[0] if value is not None and base else None
                v = verdict(ratio, target) if name else ("(info)" if value is not None else "**not measured**")
                if name:
                    targets.append(
                        (f"{backend} `{method}` >= {target:g}x {name.split('.')[1]}: {ratio_text(ratio)}", v)
                    )
                out.append(
                    f"| {BACKEND_LABEL[backend]} | `{method}` | {op} | {fmt_err(score)}"
                    f" | {BASELINE_LABEL[role][backend] if name else ''}"
                    f" | {fmt_err(base) if name else ''} | {ratio_text(ratio) if name else ''}"
                    f" | {easy_spread('SessionBench4T', method, role, backend, '4T') if name else ''}"
                    f" | {f'>= {target:g}x' if name else ''} | {v} |"
                )
        out.append("")

    targets[:] = [("easy path: " + text, v) for text, v in targets]

    out.append("## Realistic workload: names, phones, bots; cold and warm reads\n")
    out.append(
        "Ours (`<Backend>Realistic.<method>`, a session opened with `Sessions.open(uri)` and default "
        "options, peer cache on) against the raw driver doing the same logical work with the same "
        "columns and constraints (`<Backend>Raw.<method>`), each pair in one JMH run. Peers: 9 in 10 "
        "users (98% with a username, 1 peer in 10 with a phone, 1 in 20 a bot), 1 in 10 channels "
        "with a username; 5,000 stored before measuring (the cold read stores more). `path` says "
        "what a number measures: `cold` = every read misses the peer cache, `warm` = every read "
        "hits it, `names` = lookups or writes of usernames and phones, `coherence` = a read right "
        "after another instance's write.\n"
    )
    out.append("| backend | benchmark | path | one op | ours ops/s | baseline | baseline ops/s | ratio | per-fork ratios (runs) | target | verdict |")
    out.append("|---|---|---|---|---:|---|---:|---:|---|---|---|")
    for backend, cls in REALISTIC_BACKENDS:
        present = any(k[0] in (cls + "Realistic", cls + "Raw") for k in scores)
        if not present and backend == "postgres":
            continue  # the module had not landed (or postgres was not run)
        label = BACKEND_LABEL.get(backend, REALISTIC_LABEL.get(backend, backend))
        for method, path, op, targets_by in REALISTIC:
            ours = scores.get((cls + "Realistic", method, None))
            base = scores.get((cls + "Raw", method, None))
            ratio = ours[0] / base[0] if ours and base else None
            target = targets_by.get(backend)
            v = verdict(ratio, target) if target is not None else ("(info)" if ours and base else "**not measured**")
            if target is not None:
                targets.append(
                    (f"{label} `{cls}Realistic.{method}` ({path}) >= {target:g}x `{cls}Raw.{method}`: {ratio_text(ratio)}", v)
                )
            out.append(
                f"| {label} | `{method}` | {path} | {op} | {fmt_err(ours)} | {REALISTIC_BASELINE[backend][method]}"
                f" | {fmt_err(base)} | {ratio_text(ratio)}"
                f" | {spread_text(fork_spread((cls + 'Realistic', method, None), (cls + 'Raw', method, None)))}"
                f" | {f'>= {target:g}x' if target is not None else ''} | {v} |"
            )
    out.append("")
    out.append(
        "The ratio is the mean of every measured iteration of ours over the baseline's; the "
        "per-fork ratios pair fork i of ours with fork i of the baseline (each fork a fresh JVM and "
        "store) and give their lowest and highest, with the number of pairs. A verdict is taken on "
        "the pooled ratio; a spread that straddles the target means the run cannot tell.\n"
    )
    out.append(
        "One op of a `batch100*` benchmark is a batch of 100 peers; `coldPeer` runs as JMH single "
        "shots of one iteration's reads (a fresh instance or connection per iteration reads each of "
        "N distinct stored peers once), shown here as reads per second. "
        "`coherentRead` is one write through instance B plus one read through instance A.\n"
    )
    coherence = env.get("coherence") or []
    if coherence:
        out.append("Stale reads seen by `coherentRead` (A read the peer right after B wrote it and did not get B's access hash):\n")
        for line in coherence:
            out.append(f"- {line}")
        out.append("")

    out.append("## Lease cost (write path with `lease=60` against without, same run)\n")
    out.append("| backend | benchmark | one op | without lease ops/s | with lease=60 ops/s | ratio | per-fork ratios (runs) | target | verdict |")
    out.append("|---|---|---|---:|---:|---:|---|---|---|")
    for backend in LEASE_BACKENDS:
        for method, op in (("cachePeer", "1 stored named user, new hash"), ("cachePeers", "batch of 100 named users")):
            without = scores.get(("LeaseCost", f"{method}[lease=none]", backend))
            with_lease = scores.get(("LeaseCost", f"{method}[lease=60]", backend))
            if without is None and with_lease is None and backend == "postgres":
                continue
            ratio = with_lease[0] / without[0] if with_lease and without else None
            v = verdict(ratio, LEASE_TARGET)
            label = BACKEND_LABEL.get(backend, REALISTIC_LABEL.get(backend, backend))
            targets.append((f"{label} `LeaseCost.{method}` lease=60 >= {LEASE_TARGET:g}x no lease: {ratio_text(ratio)}", v))
            out.append(
                f"| {label} | `{method}` | {op} | {fmt_err(without)} | {fmt_err(with_lease)}"
                f" | {ratio_text(ratio)}"
                f" | {spread_text(fork_spread(('LeaseCost', f'{method}[lease=60]', backend), ('LeaseCost', f'{method}[lease=none]', backend)))}"
                f" | >= {LEASE_TARGET:g}x | {v} |"
            )
    out.append("")

    fleet = env.get("fleet_md")
    if fleet:
        out.append("## Fleet: many sessions in one JVM\n")
        out.append(fleet.strip() + "\n")

    growth = env.get("growth_md")
    growth_dir = env.get("growth_dir_md")
    if growth or growth_dir:
        out.append("## How cost grows\n")
    if growth:
        out.append(growth.strip() + "\n")
    if growth_dir:
        out.append(growth_dir.strip() + "\n")

    out.append("## Against Telethon's SQLiteSession (same machine, same run)\n")
    if telethon is None:
        out.append("Telethon could not be run (see bench/target/telethon.err); no comparison.\n")
        targets.append(("sqlite vs Telethon", "**not measured**"))
    else:
        batch = session("cachePeers100", "sqlite")
        hit = session("peerHit", "sqlite")
        ours_peers = batch[0] * 100 if batch else None
        ours_hits = hit[0] if hit else None
        t_peers = telethon["process_entities_save_peers_per_s"]
        t_hits = telethon["get_input_entity_lookups_per_s"]
        r1 = ours_peers / t_peers if ours_peers else None
        r2 = ours_hits / t_hits if ours_hits else None
        out.append("| work | tgsession sqlite | Telethon 1.25.1 SQLiteSession | ratio | target | verdict |")
        out.append("|---|---:|---:|---:|---|---|")
        if batch:  # the easy path: only when its suite ran
            out.append(
                f"| batches of 100 users, each committed (`cachePeers100` vs `process_entities` + `save()`)"
                f" | {fmt(ours_peers)} peers/s | {fmt(t_peers)} peers/s | {ratio_text(r1)} | >= 4x | {verdict(r1, 4.0)} |"
            )
            targets.append((f"sqlite `cachePeers100` >= 4x Telethon process_entities+save: {ratio_text(r1)}", verdict(r1, 4.0)))
        if hit:
            out.append(
                f"| lookup of a stored user by id (`peer` vs `get_input_entity(PeerUser)`)"
                f" | {fmt(ours_hits)} lookups/s | {fmt(t_hits)} lookups/s | {ratio_text(r2)} | >= 20x | {verdict(r2, 20.0)} |"
            )
            targets.append((f"sqlite `peer` hit >= 20x Telethon get_input_entity: {ratio_text(r2)}", verdict(r2, 20.0)))
        # the realistic workload (issue 27): the same peers as <Backend>Realistic, on sqlite
        real = [
            ("batch100Named", 100, "realistic_batch_peers_per_s", "peers/s",
             "batches of 100 stored users with names, phones and bot flags, each committed "
             "(`SqliteRealistic.batch100Named` vs `process_entities` + `save()`)", 3.0),
            ("warmPeer", 1, "realistic_by_id_lookups_per_s", "lookups/s",
             "warm lookup by id over the 5,000 stored users and channels "
             "(`SqliteRealistic.warmPeer` vs `get_input_entity(PeerUser or PeerChannel)`)", 50.0),
            ("peerByUsername", 1, "realistic_by_username_lookups_per_s", "lookups/s",
             "lookup of a stored user by username "
             "(`SqliteRealistic.peerByUsername` vs `get_input_entity(\"user_i\")`)", None),
        ]
        for method, per_op, key, unit, text, target in real:
            mine = scores.get(("SqliteRealistic", method, None))
            theirs = telethon.get(key)
            if mine is None or theirs is None:
                continue
            ours_rate = mine[0] * per_op
            r = ours_rate / theirs if theirs else None
            shown = f">= {target:g}x" if target else "(info)"
            v = verdict(r, target) if target else "(info)"
            out.append(
                f"| {text} | {fmt(ours_rate)} {unit} | {fmt(theirs)} {unit} | {ratio_text(r)} | {shown} | {v} |"
            )
            if target:
                targets.append((f"sqlite `SqliteRealistic.{method}` >= {target:g}x Telethon on the same peers: {ratio_text(r)}", v))
        out.append("")
        out.append(
            "Telethon's numbers are the mean of "
            f"{telethon['rounds']} rounds of {telethon['seconds_per_round']:g} s after a warm-up round "
            "(`bench/telethon_bench.py`), on the same 5,000 stored users (the realistic rows: the same 5,000 "
            "peers as `Realistic`, names, phones and bot flags included). Telethon opens its file "
            "with Python's defaults (rollback journal, `synchronous = FULL`: an fsync per `save()`); "
            "the sqlite backend uses WAL with `synchronous = NORMAL` (no fsync per commit; durable "
            "against a process crash, not against power loss at the last commits).\n"
        )

    out.append("## Targets\n")
    kept = kept_targets(out_path, env.get("suites", ""))
    if kept:
        # the targets of suites this run did not run: as the previous results.md judged them
        targets[:] = [(t, v) for t, v in targets if target_suite(t) not in kept] + [
            (t, v) for suite in kept for t, v in kept[suite]]
    met = sum(1 for _, v in targets if v == "met")
    note = " (those of suites not run this time as the previous results.md judged them)" if kept else ""
    out.append(f"{met} of {len(targets)} targets met{note}.\n")
    for text, v in targets:
        out.append(f"- {v}: {text}")
    out.append("")
    out.append("## What the benchmarks do\n")
    out.append(
        "- Every JMH fork starts its own store in `@Setup(Level.Trial)` and removes it in "
        "`@TearDown`: a temporary SQLite file; a `redis-server` on a free loopback port (never the "
        "shared one); for PostgreSQL a database of its own (`CREATE DATABASE tgsession_bench_...`, "
        "dropped afterwards) on the local server (`TGSESSION_TEST_POSTGRES_URI`, else "
        "`postgres@127.0.0.1:5432`; loopback only); for Mongo a database of its own on a real MongoDB "
        "when one is at hand (`TGSESSION_TEST_MONGO_URI`, Docker, or `mongod` on the PATH; loopback "
        "only), else the in-JVM emulator on a free loopback port. Sessions are opened with "
        "`Sessions.open(uri)` and default options.\n"
        "- **Easy path** (`SessionBench`, `SessionBench4T` against `SqliteDriverBench`, "
        "`RedisDriverBench`, `MongoDriverBench`): 5,000 users (id + access hash; the first 100 with a "
        "username) are stored before measuring; `peerHit` reads them warm (every read a cache hit), "
        "`cachePeerExisting` and `cachePeers100` re-cache them with new access hashes and nothing "
        "else, `cachePeerNew` caches ids never stored, `peerMiss` looks up ids never stored, "
        "`setUpdateStateChannel` cycles over 100 channels. The baselines store and read the same "
        "users: SQLite in grammers' `peer_info` table (WAL, `synchronous = NORMAL`, one writer "
        "connection, one reader connection per thread), Redis in one hash (8-byte id to 8-byte hash) "
        "through a pooled `RedisClient`, Mongo one document per peer keyed by `_id`. `*4T` runs the "
        "call from 4 threads on one shared session (or the baseline's shared client); on the cores "
        "listed above 4 threads measure contention, not scaling. This path is what a session sees "
        "for peers known only by id and hash; it is not what a bot meets (names, phones, new users).\n"
        "- **Realistic workload** (`Realistic`, `RealisticBench`, `<Backend>Realistic`, "
        "`<Backend>Raw`, backends `Sqlite`, `Postgres`, `Redis`, `Mongo`): peer i is a channel when "
        "i % 10 == 9 (username `chan_i`; a megagroup when i % 20 == 19, else broadcast), else a user "
        "with username `user_i` (a known empty list when i % 50 == 18), a phone when i % 10 == 0, a "
        "bot when i % 20 == 1 (else known not to be one). Every write carries the whole peer (names, "
        "phone, bot flag) with a new access hash, as an update does. Paths: `batch100Named` (write, "
        "names: 100 stored users re-cached), `batch100New` (write, names: 100 users never seen), "
        "`singleNamed` (one stored user), `coldPeer` (cold: 50,000 peers stored, 10,000 on the Mongo "
        "emulator; a fresh instance per iteration, so its peer cache starts empty, reads 20,000 "
        "(sqlite), 10,000 (postgres, redis) or 2,000 (mongo) distinct ones once each in a shuffled "
        "order: every read misses; JMH single shots, shown as reads/s; each fork first runs `SHOT_WARMUPS` (4) warm-up shots of a quarter as many reads on fresh instances too, so both sides' read path is compiled, as in a process that has served sessions before: a cold read is an empty peer cache, not an uncompiled JIT), `warmPeer` (warm: the 5,000 "
        "stored peers read once before measuring, then cycled over: every read a hit where the "
        "backend's cache is on by default), `peerByUsername`, `peerByPhone` (names: always the "
        "store), `warmAfterScan` (warm after a scan: a fresh instance reads the 5,000-peer working set "
        "twice, as a session that has been serving it, then every other stored peer once, 45,000 peers, over "
        "four times the default peer cache of 10,000; then, measured as a JMH single shot after `SCAN_WARMUPS` (2) warm-up shots of the same, 200,000 random "
        "reads over the working set: whatever the scan pushed out must come back within a few reads; run on "
        "sqlite and Redis, whose peer cache is on by default), `coherentRead` (coherence: a second instance B caches a peer with a new hash, then "
        "A reads it by id; a read that misses B's hash is counted stale and listed above), "
        "`updateStatePrimary` (`setUpdateState(Primary)`: a new pts, date and seq, as a client "
        "writes after each update it applied) and `updateStateChannel` (`setUpdateState(Channel)`: a "
        "new pts of one of the working set's 500 channels; the raw baselines keep the same state in "
        "grammers' `update_state` and `channel_state` tables (SQLite), a one-row state table and a "
        "channel table (PostgreSQL), a state hash and a channel hash (Redis), one state document "
        "(Mongo)).\n"
        "- The raw baselines do the same logical work with the same columns and constraints: "
        "SQLite one table `peer(peer_id PRIMARY KEY, hash, kind, bot, username UNIQUE, phone "
        "UNIQUE)`, WAL, `synchronous = NORMAL`, sqlite-jdbc's default connection settings (its generated "
        "keys on, as a hand-written client gets them: each `INSERT` also prepares and runs `SELECT "
        "last_insert_rowid()`; ours turns them off), upserts that keep a stored bot flag and phone when the "
        "new one is unknown, 100 per commit, a fresh connection per cold iteration; PostgreSQL the "
        "same table and upserts through pgjdbc (one session per database, so no session column); "
        "Redis a record per peer in one hash plus `usernames` and `phones` index hashes, written by a "
        "pipeline of `HSET`s (the peer plus its index fields; no read, no merge), a lookup by name "
        "is two `HGET`s; Mongo one document per peer and one per username and phone, written by two "
        "unordered `bulkWrite`s of upserts, a lookup by name is two `find`s by `_id`. Each raw "
        "read builds a small record of the columns.\n"
        "- **Lease cost** (`LeaseCost`, `@Param lease` = `none` or `60`): `cachePeer` and "
        "`cachePeers` (100) of the realistic named users on a session opened with `lease=60` "
        "against one opened without, both in one JMH run; target within 10%.\n"
        "- **Fleet** (`FleetBench`, `FleetLoad`, `FleetProbe`, `FleetRaw`; suite `fleet`): N "
        "sessions opened in one JVM with `Sessions.open` from a URI template (`session=f00000`, ...; "
        "sqlite one `.session` file each in a temporary directory; the Mongo emulator in the same "
        "JVM), the first alone, then the others from a few threads (`--open-threads`, 4 by default), "
        "each used once (home DC, 10 realistic peers, an update state; the open call and the first "
        "use timed apart), then the workers "
        "(platform threads, and virtual threads when the fleet's JVM is 21+) pick a random session "
        "and peer: `peer(id)` 60%, `peerByUsername` 10%, `cachePeer` with a new hash 25%, "
        "`setUpdateState` 5%, for a bounded time; latencies are every op's, sorted. Per fleet: JVM "
        "threads (ThreadMXBean), descriptors (`/proc/self/fd`), heap after GC (MemoryMXBean), "
        "server connections (Redis `CLIENT LIST`, PostgreSQL `pg_stat_activity` of the fork's "
        "database, the emulator's established sockets in `/proc/net/tcp`), before, with the fleet "
        "open and after closing it. The raw side: one Jedis `RedisClient`, one `MongoClient`, 8 "
        "pgjdbc connections in a queue, sqlite one connection per file (WAL, `synchronous=NORMAL`), "
        "a session being a key prefix, a column value or a file; its first use is one transaction, "
        "pipeline or bulk write. Opening stops at the open budget (a row saying `K of N` is a miss "
        "of that fleet size, listed above the tables). One JVM per backend.\n"
        "- **Directory growth** (`DirectoryGrowth`, run by `bench/growth.sh --directory`, not by "
        "this script): one store filled to 1,000, 10,000 and 100,000 sessions (how, per backend, "
        "in its note above); `list` of the first page and of everything, `summary`, `open`, "
        "`delete` (medians of 20) at each size; skipped for a provider without capability "
        "DIRECTORY.\n"
        "- **How cost grows** (`Growth`, run by `bench/growth.sh`, not by this script): one pass per "
        "size, see its own note above.\n"
        "- `BenchmarkSetupTest`, `RealisticSetupTest`, `GrowthTest`, `FleetBenchTest` and `FleetOpenTest` run in `mvn verify`: every "
        "benchmark's setup, one call of each method and its teardown, against each backend, and the "
        "growth runners and the fleet's open phase and fills on tiny sizes; no timing is checked.\n"
        "- Source: `session-bench/src/main/java/dev/tgsession/bench`. Raw JMH output: "
        "`bench/target/jmh-BACKEND-PAIR[-ROUND].json` and `.log`."
    )
    text = keep_sections("\n".join(out) + "\n", out_path, env.get("suites", ""))
    with open(out_path, "w") as f:
        f.write(text)


# Sections of results.md by the suite that writes them; a section of a suite this run did not run
# is kept from the previous results.md (so a partial run does not erase numbers it did not take).
SECTION_SUITE = {
    "## Easy path, single thread": "easy",
    "## Easy path, 4 threads on one session": "easy",
    "## Against Telethon's SQLiteSession": "realistic",
    "## Realistic workload": "realistic",
    "## Lease cost": "lease",
    "## Fleet: many sessions in one JVM": "fleet",
}


def sections(text):
    parts = re.split(r"(?m)^(?=## )", text)
    return parts[0], [(p.split("\n", 1)[0], p) for p in parts[1:]]


def target_suite(text):
    """The suite whose run judges a line of the Targets section."""
    if text.startswith("easy path: ") or "`cachePeers100` >= 4x Telethon" in text or "`peer` hit >= 20x Telethon" in text:
        return "easy"
    if "LeaseCost." in text:
        return "lease"
    if "Realistic." in text or "vs Telethon" in text:
        return "realistic"
    return None


def kept_targets(old_path, suites):
    """{suite: [(text, verdict)]} of the previous results.md's Targets, for the suites this run did
    not run (none for a run of every suite, or for the suites never carried over)."""
    ran = set(suites.split()) if suites else None
    if ran is None:
        return {}
    try:
        with open(old_path) as f:
            old = f.read()
    except OSError:
        return {}
    _, parts = sections(old)
    part = next((p for h, p in parts if h.startswith("## Targets")), None)
    if part is None:
        return {}
    kept = {}
    for line in part.splitlines():
        m = re.match(r"- (\*\*[^*]+\*\*|met|\([^)]*\)): (.*)$", line)
        if not m:
            continue
        suite = target_suite(m.group(2))
        if suite is not None and suite not in ran and suite not in NOT_KEPT:
            kept.setdefault(suite, []).append((m.group(2), m.group(1)))
    return kept


# Suites whose sections are never carried over from an earlier results.md (written as a note instead)
NOT_KEPT = {"easy"}


def keep_sections(new, old_path, suites):
    try:
        with open(old_path) as f:
            old = f.read()
    except OSError:
        return new
    ran = set(suites.split()) if suites else None
    _, old_parts = sections(old)
    head, new_parts = sections(new)

    def suite_of(heading):
        return next((v for k, v in SECTION_SUITE.items() if heading.startswith(k)), None)

    result = []
    for heading, part in new_parts:
        suite = suite_of(heading)
        if ran is not None and suite is not None and suite not in ran and suite not in NOT_KEPT:
            kept = next((p for h, p in old_parts if h.startswith(heading.split(" (")[0])), None)
            if kept is not None:
                # the note once, however many runs in a row kept the section
                kept = re.sub(r"(\n\n\(Kept from the previous results\.md: [^\n]*\))+\s*$", "", kept.rstrip("\n"))
                part = kept + "\n\n(Kept from the previous results.md: suite `" + suite + "` not run this time.)\n\n"
        result.append(part)
    new_headings = {h.split(" (")[0] for h, _ in new_parts}
    for heading, part in old_parts:
        # a section this script does not write (e.g. bench/startup.py's) stays as it was
        if heading.split(" (")[0] in new_headings or heading in (
                "## Run", "## Targets", "## What the benchmarks do", "## How cost grows"):
            continue
        suite = suite_of(heading)
        if suite in NOT_KEPT:
            continue
        if suite is None or (ran is not None and suite not in ran):
            result.append(part)
    return head + "".join(result)


if __name__ == "__main__":
    main()
