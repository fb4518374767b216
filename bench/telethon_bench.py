#!/usr/bin/python3
"""Times Telethon's SQLiteSession on the workload of session-bench, for bench/run.sh.

Run with Debian's python3 (/usr/bin/python3, package python3-telethon). It stores the same
5,000 users session-bench stores (ids 1_000_000_000 + i, with access hashes), then measures:

  process_entities_save: SQLiteSession.process_entities(list of 100 telethon.tl.types.User,
      each a stored user with a new access hash) followed by save() (one commit per batch),
      the work of SessionBench.cachePeers100 on sqlite; reported in peers/s.
  get_input_entity: SQLiteSession.get_input_entity(PeerUser(id)) of a stored user (the exact
      primary-key lookup), the work of SessionBench.peerHit; reported in lookups/s.

Each measurement runs a warm-up round and then ROUNDS rounds of SECONDS each, like a JMH
iteration; the score is the mean of the rounds. Output: one JSON object on stdout.
"""

import json
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time

import telethon
from telethon.sessions import SQLiteSession
from telethon.tl.types import PeerUser, User

STORED = 5_000
BATCH = 100
STORED_BASE = 1_000_000_000


def initial_hash(i):
    # Workload.initialHash, as a signed 64-bit value
    value = (0x5DEECE66D * (i + 1)) & 0xFFFFFFFFFFFFFFFF
    return value - (1 << 64) if value >= 1 << 63 else value


def measure(seconds, rounds, step):
    """Runs step() (which returns the units it did) for one warm-up round and `rounds` rounds."""
    scores = []
    for round_number in range(rounds + 1):
        units = 0
        start = time.perf_counter()
        deadline = start + seconds
        while True:
            units += step()
            now = time.perf_counter()
            if now >= deadline:
                break
        if round_number > 0:
            scores.append(units / (now - start))
    return {"score": sum(scores) / len(scores), "rounds": scores}


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    work_dir = tempfile.mkdtemp(prefix="tgsession-bench-telethon-")
    try:
        session = SQLiteSession(os.path.join(work_dir, "bench"))
        for start in range(0, STORED, 1000):
            session.process_entities(
                [
                    User(id=STORED_BASE + i, access_hash=initial_hash(i), first_name="u")
                    for i in range(start, start + 1000)
                ]
            )
            session.save()

        state = {"index": 0, "hash": 1}

        def next_index():
            i = state["index"]
            state["index"] = 0 if i + 1 == STORED else i + 1
            return i

        def process_batch():
            users = []
            for _ in range(BATCH):
                state["hash"] += 1
                users.append(
                    User(id=STORED_BASE + next_index(), access_hash=state["hash"], first_name="u")
                )
            session.process_entities(users)
            session.save()
            return BATCH

        peers = [PeerUser(STORED_BASE + i) for i in range(STORED)]

        def lookup():
            entity = session.get_input_entity(peers[next_index()])
            if entity.access_hash == 0:
                raise AssertionError("expected a stored user with an access hash")
            return 1

        batches = measure(seconds, rounds, process_batch)
        lookups = measure(seconds, rounds, lookup)
        session.close()
        print(
            json.dumps(
                {
                    "telethon": telethon.__version__,
                    "python": platform.python_version(),
                    "python_executable": sys.executable,
                    "sqlite": sqlite3.sqlite_version,
                    "seconds_per_round": seconds,
                    "rounds": rounds,
                    "process_entities_save_peers_per_s": batches["score"],
                    "process_entities_save_rounds": batches["rounds"],
                    "get_input_entity_lookups_per_s": lookups["score"],
                    "get_input_entity_rounds": lookups["rounds"],
                }
            )
        )
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
