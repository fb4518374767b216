#!/usr/bin/env python3
"""Start-up time of the tgsession command: `info` on the demo file against an empty main in the same jar.

Usage: bench/startup.py [RUNS] [--write]   (needs session-cli/target/tgsession.jar: ./tgsession --version builds it)

Each configuration runs RUNS times (default 15), interleaved so that a load spike hits all of
them alike; the table gives median, min and max wall time of the whole process (JVM start to exit).
With --write the section between the startup markers of bench/results.md is replaced.
"""
import os, re, resource, shutil, statistics, subprocess, sys, tempfile, time, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "session-cli", "target", "tgsession.jar")
DEMO = os.path.join(ROOT, "examples", "demo-telethon.session")
BEGIN, END = "<!-- startup:begin -->", "<!-- startup:end -->"


def script_flags():
    """The JVM options the tgsession script passes (read from it, so the two cannot drift)."""
    text = open(os.path.join(ROOT, "tgsession")).read()
    match = re.search(r'^fast_start="([^"]*)"', text, re.M)
    short = re.search(r'fast_start="(-XX:TieredStopAtLevel=1) \$fast_start"', text)
    return ([short.group(1)] if short else []) + (match.group(1).split() if match else [])


CPU = {}


def run(cmd):
    """Wall ms and output of one run; its CPU ms (user + system, JIT and GC threads included) go to CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), result.stderr.decode()))
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    CPU.setdefault(tuple(cmd), []).append(cpu)
    return elapsed * 1000, result.stdout


def main():
    args = [a for a in sys.argv[1:] if a != "--write"]
    runs = int(args[0]) if args else 15
    if not os.path.exists(JAR):
        sys.exit("no %s: build it first (./tgsession --version)" % JAR)
    work = tempfile.mkdtemp(prefix="tgsession-startup-")
    try:
        src = os.path.join(work, "EmptyMain.java")
        open(src, "w").write("public class EmptyMain { public static void main(String[] a) {} }\n")
        subprocess.run(["javac", "-d", work, src], check=True)
        jar = os.path.join(work, "tgsession.jar")
        shutil.copy(JAR, jar)
        with zipfile.ZipFile(jar, "a") as z:
            z.write(os.path.join(work, "EmptyMain.class"), "EmptyMain.class")
        session = "sqlite:" + os.path.join(work, "demo.session")
        run(["java", "-jar", jar, "import", "telethon-file", DEMO, session])
        script = os.path.join(ROOT, "tgsession")
        # The script makes its class-data sharing archive on the first run after a build.
        subprocess.run(["rm", "-f", os.path.join(ROOT, "session-cli", "target", "tgsession.jsa")])
        run([script, "info", session])
        configs = [
            ("empty main in the same jar, `java -cp tgsession.jar EmptyMain`", ["java", "-cp", jar, "EmptyMain"]),
            ("`java -jar tgsession.jar info sqlite:demo.session`", ["java", "-jar", jar, "info", session]),
            ("`./tgsession info sqlite:demo.session` (the script: CDS archive, options below)", [script, "info", session]),
        ]
        _, out = run(configs[2][1])
        assert b"auth key id b0e52a0dd8734177 (home)" in out, out
        times = {name: [] for name, _ in configs}
        for _ in range(runs):
            for name, cmd in configs:
                times[name].append(run(cmd)[0])
        load = os.getloadavg()
        java = subprocess.run(["java", "-version"], stderr=subprocess.PIPE).stderr.decode().splitlines()[1]
        lines = [
            BEGIN,
            "## Startup of the `tgsession` command",
            "",
            "Written by `bench/startup.py %d` (do not edit by hand): wall time of the whole process, "
            "%d runs of each, interleaved; %s; %d cores; load average after %.2f %.2f %.2f."
            % (runs, runs, java, os.cpu_count(), *load),
            "The script runs `java %s -XX:SharedArchiveFile=session-cli/target/tgsession.jsa` (a "
            "dynamic CDS archive it makes on the first run after a build, with "
            "`-XX:ArchiveClassesAtExit`) and points sqlite-jdbc at a copy of its native library "
            "(`-Dorg.sqlite.lib.path`) instead of extracting it on each start." % " ".join(script_flags()),
            "",
            "| what | median ms | min ms | max ms | median / empty main | median CPU ms | CPU / empty main |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        base_cpu = statistics.median(CPU[tuple(configs[0][1])][-runs:])
        for i, (name, cmd) in enumerate(configs):
            t = times[name]
            ratio = statistics.median(t) / statistics.median(times[configs[0][0]])
            cpu = statistics.median(CPU[tuple(cmd)][-runs:])
            lines.append(
                "| %s | %.0f | %.0f | %.0f | %.1fx | %.0f | %.1fx |"
                % (name, statistics.median(t), min(t), max(t), ratio, cpu, cpu / base_cpu))
        ratio = statistics.median(times[configs[2][0]]) / statistics.median(times[configs[0][0]])
        lines.append("")
        lines.append(
            "Target (issue 26): `tgsession info` on the demo file within 2x the empty main: "
            + ("met" if ratio <= 2 else "not met")
            + " (%.1fx). The machine's load average says how far the absolute times are inflated;"
            " the runs are interleaved, so the ratios are comparable." % ratio)
        lines.append(END)
        section = "\n".join(lines)
        print(section)
        if "--write" in sys.argv:
            path = os.path.join(ROOT, "bench", "results.md")
            text = open(path).read()
            if BEGIN in text:
                text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END):]
            else:
                text = text.rstrip("\n") + "\n\n" + section + "\n"
            open(path, "w").write(text)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
