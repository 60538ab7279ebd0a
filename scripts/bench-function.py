#!/usr/bin/env python3
"""Cold-start benchmark of one Vercel function binary, run locally.

Measures, for the release build of a function (default: `health`):
  * exec -> first 200 on /api/health: the binary is started with
    VERCEL_DEV_PORT (vercel_runtime's local mode) and polled over loopback
    until it answers 200; repeated --runs times, p50/p90/max reported;
  * the stripped binary's size;
  * resident memory (VmRSS) after the first answer and after 2 s idle.

Usage: scripts/bench-function.py [--bin health] [--runs 30]
Build first: cargo build --release --bin health
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_200(binary: str, timeout: float = 5.0):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWIN_", "UPSTASH_", "GROQ_"))}
    env["VERCEL_DEV_PORT"] = str(port)
    start = time.perf_counter()
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - start < timeout:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                conn.request("GET", "/api/health")
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return time.perf_counter() - start, proc
            except OSError:
                time.sleep(0.0005)
        raise SystemExit(f"{binary} did not answer 200 within {timeout} s")
    except BaseException:
        proc.kill()
        raise


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default="health")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    binary = os.path.join("target", "release", args.bin)
    if not os.path.exists(binary):
        sys.exit(f"{binary} is missing: run `cargo build --release --bin {args.bin}` first")

    times = []
    rss_first = rss_idle = 0
    for i in range(args.runs):
        elapsed, proc = first_200(binary)
        times.append(elapsed * 1000)
        if i == 0:
            rss_first = rss_kib(proc.pid)
            time.sleep(2)
            rss_idle = rss_kib(proc.pid)
        proc.kill()
        proc.wait()

    times.sort()
    p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
    size = os.path.getsize(binary)
    print(f"binary            {binary}")
    print(f"size              {size / 1e6:.2f} MB ({size} bytes, stripped by the release profile)")
    print(f"exec->first 200   p50 {statistics.median(times):.2f} ms   p90 {p90:.2f} ms   max {times[-1]:.2f} ms   ({args.runs} runs)")
    print(f"RSS               {rss_first / 1024:.1f} MiB after first answer, {rss_idle / 1024:.1f} MiB after 2 s idle")


if __name__ == "__main__":
    main()
