#!/usr/bin/python3
"""Writes the Telethon .session fixtures of TelethonSessionFileTest with the real Telethon.

Run with Debian's Python and its python3-telethon (1.25.1):

    cd session-sqlite/src/test/resources/telethon && /usr/bin/python3 generate.py

For each fixture NAME it writes NAME.session (by telethon.sessions.SQLiteSession) and
NAME.csv, the manifest of what an exact import must produce:

    home,<dc id>
    dc,<dc id>,<address>,<port>,<sha256 of the auth key, or 'none'>
    peer,<bot API id>,<user|chat|channel>,<access hash>,<username or ''>,<phone or ''>
    state,<pts>,<qts>,<date>,<seq>
    channel,<bare channel id>,<pts>
    peers,<count>

Everything is deterministic (seeded random, a fake clock for the entities' dates).
"""

import datetime
import hashlib
import os
import random
import time

import telethon
from telethon.crypto import AuthKey
from telethon.sessions import SQLiteSession
from telethon.tl import types

assert telethon.__version__ == "1.25.1", telethon.__version__

PHOTO = types.ChatPhotoEmpty()
EPOCH = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)


class Fixture:
    def __init__(self, name):
        self.name = name
        for suffix in (".session", ".session-journal", ".csv"):
            if os.path.exists(name + suffix):
                os.remove(name + suffix)
        self.session = SQLiteSession(name)
        self.rows = []
        self.peers = {}  # bot API id -> [kind, hash, username, phone]
        self.clock = 1_700_000_000

    def dc(self, dc_id, address, port, key):
        self.session.set_dc(dc_id, address, port)
        self.session.auth_key = AuthKey(key) if key else None
        digest = hashlib.sha256(key).hexdigest() if key else "none"
        self.rows.append(f"home,{dc_id}")
        self.rows.append(f"dc,{dc_id},{address},{port},{digest}")

    def entities(self, entities):
        """One process_entities call; later calls are later in time, as in a real client."""
        self.clock += 60
        real_time = time.time
        time.time = lambda: self.clock
        try:
            self.session.process_entities(entities)
        finally:
            time.time = real_time
        for e in entities:
            if isinstance(e, types.User):
                key, kind, phone = e.id, "user", e.phone or ""
            elif isinstance(e, types.Chat):
                key, kind, phone = -e.id, "chat", ""
            else:
                key, kind, phone = -(1_000_000_000_000 + e.id), "channel", ""
            username = (getattr(e, "username", None) or "").lower()
            access_hash = 0 if kind == "chat" else e.access_hash
            if username:  # the latest entity with a username keeps it (Telethon's rule)
                for other in self.peers.values():
                    if other[2] == username:
                        other[2] = ""
            if phone:
                for other in self.peers.values():
                    if other[3] == phone:
                        other[3] = ""
            self.peers[key] = [kind, access_hash, username, phone]

    def state(self, pts, qts, date, seq, channels):
        self.session.set_update_state(
            0, types.updates.State(pts, qts, EPOCH + datetime.timedelta(seconds=date), seq, 0))
        self.rows.append(f"state,{pts},{qts},{int(EPOCH.timestamp()) + date},{seq}")
        for channel_id, channel_pts in channels:
            self.session.set_update_state(
                channel_id, types.updates.State(channel_pts, 0, EPOCH, 0, 0))
            self.rows.append(f"channel,{channel_id},{channel_pts}")

    def write(self):
        self.session.save()
        self.session.close()
        for key, (kind, access_hash, username, phone) in sorted(self.peers.items()):
            self.rows.append(f"peer,{key},{kind},{access_hash},{username},{phone}")
        self.rows.append(f"peers,{len(self.peers)}")
        with open(self.name + ".csv", "w") as out:
            out.write("\n".join(self.rows) + "\n")


def user(rng, user_id, username=None, phone=None, bot=None):
    return types.User(
        id=user_id, access_hash=rng.randint(-2**63, 2**63 - 1), first_name=f"User {user_id}",
        username=username, phone=phone, bot=bot)


def channel(rng, channel_id, username=None, megagroup=None):
    return types.Channel(
        id=channel_id, title=f"Channel {channel_id}", photo=PHOTO, date=EPOCH,
        access_hash=rng.randint(-2**63, 2**63 - 1), username=username,
        broadcast=None if megagroup else True, megagroup=megagroup)


def chat(chat_id):
    return types.Chat(id=chat_id, title=f"Chat {chat_id}", photo=PHOTO,
                      participants_count=3, date=EPOCH, version=1)


def small():
    rng = random.Random(7)
    f = Fixture("small")
    f.dc(2, "149.154.167.51", 443, rng.randbytes(256))
    f.entities([
        user(rng, 777000, username="Telegram", phone="42777"),
        user(rng, 93372553, username="BotFather", bot=True),
        user(rng, 1099511627775, username="Max_User", phone="15551234567"),
        user(rng, 1),
        chat(999999999999),
        chat(1),
        channel(rng, 1, username="FirstChannel"),
        channel(rng, 997852516352, megagroup=True),
        channel(rng, 1006503122, username="durov"),
    ])
    f.state(4321, 12, 3600, 99, [(1006503122, 555), (1, 7), (997852516352, 2**31 - 1)])
    f.write()


def large():
    rng = random.Random(42)
    f = Fixture("large")
    f.dc(4, "2001:67c:4e8:f004::b", 443, rng.randbytes(256))
    for batch in range(40):
        entities = []
        for i in range(100):
            n = batch * 100 + i
            uid = 100_000 + n * 7919
            if n % 3 == 0:
                entities.append(user(rng, uid, username=f"user_{n}", phone=str(1555000000 + n)))
            elif n % 3 == 1:
                entities.append(user(rng, uid, bot=True, username=f"Bot{n}_bot"))
            else:
                entities.append(user(rng, uid))
            if n % 10 == 0:
                entities.append(chat(5000 + n))
            if n % 4 == 0:
                entities.append(channel(rng, 1_000_000 + n * 13,
                                        username=f"chan{n}" if n % 8 == 0 else None,
                                        megagroup=(n % 8 == 4) or None))
        f.entities(entities)
    # later sightings: a username moved to another peer, a phone number recycled,
    # a re-seen user with a new access hash
    f.entities([user(rng, 9_000_001, username="user_3", phone="1555000006")])
    f.entities([user(rng, 100_000)])
    f.state(1_000_000, 5, 86400 * 300, 12345,
            [(1_000_000 + n * 13, n + 1) for n in range(0, 4000, 4)])
    f.write()


def fresh():
    f = Fixture("fresh")
    f.session.save()
    f.session.close()
    f.rows.append("home,2")
    f.rows.append("state,0,0,0,0")
    f.rows.append("peers,0")
    with open(f.name + ".csv", "w") as out:
        out.write("\n".join(f.rows) + "\n")


if __name__ == "__main__":
    small()
    large()
    fresh()
