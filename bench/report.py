#!/usr/bin/env python3
"""Writes bench/results.md from one run of bench/run.sh.

usage: report.py TELETHON_JSON ENV_JSON OUT_MD JMH_JSON...

JMH_JSON are JMH's -rf json outputs (one per backend), TELETHON_JSON the line telethon_bench.py printed (or an
empty file when it could not run), ENV_JSON what run.sh recorded about the machine and the run.
"""

import json
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


# two-sided 99.9% Student t quantiles by degrees of freedom, as JMH reports its errors
T999 = {1: 636.6, 2: 31.60, 3: 12.92, 4: 8.610, 5: 6.869, 6: 5.959, 7: 5.408, 8: 5.041, 9: 4.781,
        10: 4.587, 12: 4.318, 15: 4.073, 20: 3.850, 30: 3.646, 60: 3.460}


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
    for run in runs:
        name = run["benchmark"].rsplit(".", 2)
        key = (name[-2], name[-1], run.get("params", {}).get("backend"))
        metric = run["primaryMetric"]
        values = [v for fork in metric.get("rawData", []) for v in fork]
        samples.setdefault(key, []).extend(values or [metric["score"]])
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


def main():
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

    out.append("## Single thread\n")
    out.append("| backend | benchmark | one op | ops/s | baseline | baseline ops/s | ratio | target | verdict |")
    out.append("|---|---|---|---:|---|---:|---:|---|---|")
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
                f" | {target_text} | {v} |"
            )
    out.append("")

    out.append("## 4 threads on one session\n")
    out.append("| backend | benchmark | one op | ops/s | baseline (4 threads) | baseline ops/s | ratio | target | verdict |")
    out.append("|---|---|---|---:|---|---:|---:|---|---|")
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
                f" | {f'>= {target:g}x' if name else ''} | {v} |"
            )
    out.append("")

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
        out.append(
            f"| batches of 100 users, each committed (`cachePeers100` vs `process_entities` + `save()`)"
            f" | {fmt(ours_peers)} peers/s | {fmt(t_peers)} peers/s | {ratio_text(r1)} | >= 4x | {verdict(r1, 4.0)} |"
        )
        out.append(
            f"| lookup of a stored user by id (`peer` vs `get_input_entity(PeerUser)`)"
            f" | {fmt(ours_hits)} lookups/s | {fmt(t_hits)} lookups/s | {ratio_text(r2)} | >= 20x | {verdict(r2, 20.0)} |"
        )
        out.append("")
        out.append(
            "Telethon's numbers are the mean of "
            f"{telethon['rounds']} rounds of {telethon['seconds_per_round']:g} s after a warm-up round "
            "(`bench/telethon_bench.py`), on the same 5,000 stored users. Telethon opens its file "
            "with Python's defaults (rollback journal, `synchronous = FULL`: an fsync per `save()`); "
            "the sqlite backend uses WAL with `synchronous = NORMAL` (no fsync per commit; durable "
            "against a process crash, not against power loss at the last commits).\n"
        )
        targets.append((f"sqlite `cachePeers100` >= 4x Telethon process_entities+save: {ratio_text(r1)}", verdict(r1, 4.0)))
        targets.append((f"sqlite `peer` hit >= 20x Telethon get_input_entity: {ratio_text(r2)}", verdict(r2, 20.0)))

    out.append("## Targets\n")
    met = sum(1 for _, v in targets if v == "met")
    out.append(f"{met} of {len(targets)} targets met in this run.\n")
    for text, v in targets:
        out.append(f"- {v}: {text}")
    out.append("")
    out.append("## What the benchmarks do\n")
    out.append(
        "- Every JMH fork starts its own store in `@Setup(Level.Trial)` and removes it in "
        "`@TearDown`: a temporary SQLite file, a `redis-server` on a free loopback port, and for Mongo "
        "a database of its own on a real MongoDB when one is at hand (`TGSESSION_TEST_MONGO_URI`, "
        "Docker, or `mongod` on the PATH; loopback only), else the in-JVM emulator on a free "
        "loopback port. Sessions are opened with `Sessions.open(uri)`.\n"
        "- 5,000 users (id + access hash; the first 100 with a username) are stored before "
        "measuring; `peerHit`, `cachePeerExisting` and `cachePeers100` cycle over them with new "
        "access hashes, `cachePeerNew` caches ids never stored, `peerMiss` looks up ids never "
        "stored, `setUpdateStateChannel` cycles over 100 channels. The baselines store and read the "
        "same users: SQLite in grammers' `peer_info` table (WAL, `synchronous = NORMAL`, one writer "
        "connection, one reader connection per thread), Redis in one hash (8-byte id to 8-byte hash) "
        "through a pooled `RedisClient`, Mongo one document per peer keyed by `_id`.\n"
        "- `*4T` runs the call from 4 threads on one shared session (or the baseline's shared "
        "client); the machine has the cores listed above, so 4 threads measure contention, not "
        "scaling.\n"
        "- Source: `session-bench/src/main/java/dev/tgsession/bench`. Raw JMH output: "
        "`bench/target/jmh-BACKEND-PAIR[-ROUND].json` and `.log`."
    )
    with open(out_path, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
