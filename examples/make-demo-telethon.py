#!/usr/bin/python3
"""Writes examples/demo-telethon.session and examples/demo-telethon.string with the real Telethon.

Run with Debian's python3-telethon (1.25.1): /usr/bin/python3 examples/make-demo-telethon.py
The auth key is fake and deterministic (the ASCII text below, repeated): it opens no account.
"""
import datetime
import os

import telethon
import telethon.sessions.sqlite
from telethon.crypto import AuthKey
from telethon.sessions import SQLiteSession, StringSession
from telethon.tl import types

HERE = os.path.dirname(os.path.abspath(__file__))
NAME = os.path.join(HERE, "demo-telethon")
FAKE_KEY = (b"tgsession demo auth key - FAKE, opens no account. " * 6)[:256]
DATE = datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.timezone.utc)


class _FixedClock:
    """Telethon stamps each entity row with time.time(); a fixed clock keeps the file stable."""

    @staticmethod
    def time():
        return DATE.timestamp()


def main():
    print("Telethon", telethon.__version__)
    telethon.sessions.sqlite.time = _FixedClock
    if os.path.exists(NAME + ".session"):
        os.remove(NAME + ".session")
    session = SQLiteSession(NAME)
    session.set_dc(4, "149.154.167.92", 443)
    session.auth_key = AuthKey(FAKE_KEY)
    no_photo = types.ChatPhotoEmpty()
    session.process_entities([
        types.User(id=5550100001, is_self=True, access_hash=-4_611_686_018_427_387_904,
                   first_name="Demo", last_name="Self", username="tgsession_demo",
                   phone="15550100001"),
        types.User(id=5550100002, bot=True, access_hash=7_000_000_000_000_000_002,
                   first_name="Demo Helper", username="demo_helper_bot"),
        types.User(id=5550100003, access_hash=123_456_789, first_name="Alice",
                   phone="15550100003"),
        types.User(id=5550100004, access_hash=-987_654_321, first_name="Bob",
                   username="bob_example"),
        types.Chat(id=4_000_000_001, title="Demo small group", photo=no_photo,
                   participants_count=3, date=DATE, version=1),
        types.Channel(id=1_700_000_001, title="Demo news", photo=no_photo, date=DATE,
                      broadcast=True, access_hash=-1_111_111_111_111_111_111,
                      username="tgsession_news"),
        types.Channel(id=1_700_000_002, title="Demo supergroup", photo=no_photo, date=DATE,
                      megagroup=True, access_hash=2_222_222_222_222_222_222),
    ])
    session.set_update_state(0, types.updates.State(
        pts=4321, qts=12, date=DATE, seq=87, unread_count=0))
    session.set_update_state(1_700_000_001, types.updates.State(
        pts=555, qts=0, date=DATE, seq=0, unread_count=0))
    session.set_update_state(1_700_000_002, types.updates.State(
        pts=777, qts=0, date=DATE, seq=0, unread_count=0))
    session.save()
    string = StringSession.save(session)
    session.close()
    with open(NAME + ".string", "w") as out:
        out.write(string + "\n")
    print("wrote", NAME + ".session", "and", NAME + ".string")


if __name__ == "__main__":
    main()
