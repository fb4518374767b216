#!/usr/bin/env python3
"""Reads `jfr print --json --events jdk.ExecutionSample` (or jdk.NativeMethodSample) on stdin and
prints, for the top N methods, the share of samples that have the method anywhere on their stack
(inclusive), and the share that have it as the top frame (self). Only the benchmark's thread counts
(JMH's `...-jmh-worker-N`; JFR keeps the top 64 frames of a stack by default). Frames of JMH's generated benchmark code and of the
thread's entry (Thread.run, the JMH runner) are left out: they are on every stack.

usage: jfr print --json --events jdk.ExecutionSample FILE | profile_frames.py [N]
"""
import collections
import json
import sys

SKIP_PREFIXES = (
    "org.openjdk.jmh.",
    "java.lang.Thread.run",
    "java.lang.Thread.runWith",
    "java.util.concurrent.ThreadPoolExecutor",
    "java.util.concurrent.FutureTask",
    "java.util.concurrent.Executors$RunnableAdapter",
    "jdk.internal.reflect.",
    "java.lang.reflect.Method.invoke",
)


def frame_name(frame):
    method = frame.get("method") or {}
    owner = (method.get("type") or {}).get("name", "?")
    return f"{owner.replace('/', '.')}.{method.get('name', '?')}"


def main():
    top = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    data = json.load(sys.stdin)
    events = data.get("recording", {}).get("events", [])
    total = 0
    inclusive = collections.Counter()
    self_time = collections.Counter()
    for event in events:
        frames = ((event.get("values") or {}).get("stackTrace") or {}).get("frames") or []
        if not frames:
            continue
        thread = ((event.get("values") or {}).get("sampledThread") or {}).get("javaName") or ""
        if "-jmh-worker-" not in thread:
            continue  # another thread: JMH's control threads, the driver's, a server's in this JVM
        names = [frame_name(f) for f in frames]
        total += 1
        self_time[names[0]] += 1
        for name in set(names):
            if not name.startswith(SKIP_PREFIXES) and "_jmhTest." not in name:
                inclusive[name] += 1
    if total == 0:
        print("(no samples of this kind in the recording)")
        return
    print(f"{total} samples")
    print(f"{'inclusive':>9} {'self':>6}  method")
    for name, count in inclusive.most_common(top):
        print(f"{100.0 * count / total:8.1f}% {100.0 * self_time[name] / total:5.1f}%  {name}")


if __name__ == "__main__":
    main()
