#!/usr/bin/python3
"""Times Telethon's SQLiteSession on the workload of session-bench, for bench/run.sh.

Run with Debian's python3 (/usr/bin/python3, package python3-telethon). It stores the same
5,000 users session-bench stores (ids 1_000_000_000 + i, with access hashes), then measures:

  process_entities_save: SQLiteSession.process_entities(list of 100 telethon.tl.types.User,
      each a stored user with a new access hash) followed by save() (one commit per batch),
      the work of SessionBench.cachePeers100 on sqlite; reported in peers/s.
  get_input_entity: SQLiteSession.get_input_entity(PeerUser(id)) of a stored user (the exact
      primary-key lookup), the work of SessionBench.peerHit; reported in lookups/s.

Then the realistic workload, on the same peers as session-bench's Realistic (5,000 stored: peer i a
channel chan_i when i % 10 == 9, else a user user_i, none when i % 50 == 18, a phone 1555+i when
i % 10 == 0, a bot when i % 20 == 1; ids and first hashes as Realistic's), in a file of its own:

  realistic_batch: process_entities of 100 stored users (the users of the 5,000, in turn), each
      with a new access hash and its username, phone and bot flag, then save(): the work of
      SqliteRealistic.batch100Named; in peers/s.
  realistic_by_id: get_input_entity(PeerUser or PeerChannel) of peer 0, 1, ..., 4,999 in turn:
      the work of SqliteRealistic.warmPeer; in lookups/s.
  realistic_by_username: get_input_entity("user_i") of the named users in turn: the work of
      SqliteRealistic.peerByUsername; in lookups/s.

Each measurement runs a warm-up round and then ROUNDS rounds of SECONDS each, like a JMH
iteration; the score is the mean of the rounds. Output: one JSON object on stdout.
"""

import datetime
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
from telethon.tl.types import Channel, ChatPhotoEmpty, PeerChannel, PeerUser, User

STORED = 5_000
BATCH = 100
STORED_BASE = 1_000_000_000


def initial_hash(i):
    # Workload.initialHash, as a signed 64-bit value
    value = (0x5DEECE66D * (i + 1)) & 0xFFFFFFFFFFFFFFFF
    return value - (1 << 64) if value >= 1 << 63 else value


# Realistic (session-bench): ids, names, phones and first hashes of the working set
REALISTIC_USER_BASE = 5_000_000_000
REALISTIC_CHANNEL_BASE = 1_500_000_000
BATCH_DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def signed64(value):
    value &= 0xFFFFFFFFFFFFFFFF
    return value - (1 << 64) if value >= 1 << 63 else value


def is_channel(i):
    return i % 10 == 9


def bare_id(i):
    return REALISTIC_CHANNEL_BASE + i if is_channel(i) else REALISTIC_USER_BASE + i


def username(i):
    if is_channel(i):
        return "chan_%d" % i
    return None if i % 50 == 18 else "user_%d" % i


def realistic_peer(i, access_hash):
    if is_channel(i):
        megagroup = i % 20 == 19
        return Channel(
            id=bare_id(i), title="c", photo=ChatPhotoEmpty(), date=BATCH_DATE,
            access_hash=access_hash, username=username(i),
            megagroup=megagroup, broadcast=not megagroup)
    return User(
        id=bare_id(i), access_hash=access_hash, first_name="u", username=username(i),
        phone="1555%07d" % i if i % 10 == 0 else None, bot=i % 20 == 1)


def measure_realistic(work_dir, seconds, rounds):
    session = SQLiteSession(os.path.join(work_dir, "realistic"))
    for start in range(0, STORED, 1000):
        session.process_entities(
            [realistic_peer(i, signed64(0x2545F4914F6CDD1D * (i + 1))) for i in range(start, start + 1000)])
        session.save()
    users = [i for i in range(STORED) if not is_channel(i)]
    named = [i for i in users if username(i) is not None]
    keys = [PeerChannel(bare_id(i)) if is_channel(i) else PeerUser(bare_id(i)) for i in range(STORED)]
    state = {"user": 0, "hash": 1, "warm": 0, "named": 0}

    def turn(name, size):
        i = state[name]
        state[name] = 0 if i + 1 == size else i + 1
        return i

    def batch():
        peers = []
        for _ in range(BATCH):
            state["hash"] += 1
            peers.append(realistic_peer(users[turn("user", len(users))], state["hash"]))
        session.process_entities(peers)
        session.save()
        return BATCH

    def by_id():
        if session.get_input_entity(keys[turn("warm", STORED)]).access_hash == 0:
            raise AssertionError("expected a stored peer with an access hash")
        return 1

    def by_username():
        if session.get_input_entity(username(named[turn("named", len(named))])).access_hash == 0:
            raise AssertionError("expected a stored user with an access hash")
        return 1

    try:
        return {
            "realistic_batch_peers_per_s": measure(seconds, rounds, batch),
            "realistic_by_id_lookups_per_s": measure(seconds, rounds, by_id),
            "realistic_by_username_lookups_per_s": measure(seconds, rounds, by_username),
        }
    finally:
        session.close()


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
        realistic = measure_realistic(work_dir, seconds, rounds)
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
                    **{key + suffix: value[field] for key, value in realistic.items()
                       for suffix, field in (("", "score"), ("_rounds", "rounds"))},
                }
            )
        )
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
