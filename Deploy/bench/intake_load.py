#!/usr/bin/env python3
"""HTTP/1.1 keep-alive load client for `fieldtally-bench intake` (standard library only).

Posts every body of a message file (`key<TAB>value` lines; the value is the body) once, over
`--clients` persistent connections that each send one request at a time and wait for its answer,
and prints one JSON object: answers by status, failures (dropped connections), the wall time from
the first request to the last answer, and acknowledgement latencies (request written -> answer
read) in milliseconds.

A connection the server closes (or drops) is reopened; the request it carried is counted as
failed, not retried, so every body is sent exactly once.
"""

import argparse
import asyncio
import json
import math
import resource
import sys
import time
from urllib.parse import urlsplit


def read_bodies(path):
    bodies = []
    with open(path, "rb") as handle:
        for line in handle:
            line = line.rstrip(b"\n")
            if not line:
                continue
            tab = line.find(b"\t")
            bodies.append(line[tab + 1 :] if tab >= 0 else line)
    return bodies


async def read_answer(reader):
    """Reads one HTTP/1.1 answer: (status, lower-cased headers). The body is read and dropped."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed before an answer")
    parts = status_line.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise ConnectionError(f"not an HTTP answer: {status_line[:80]!r}")
    status = int(parts[1])
    headers = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        while True:
            size = int((await reader.readline()).split(b";")[0].strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        length = int(headers.get(b"content-length", b"0"))
        if length:
            await reader.readexactly(length)
    return status, headers


async def client(bodies, next_index, host, port, head_prefix, result):
    reader = writer = None
    while True:
        index = next_index()
        if index is None:
            break
        body = bodies[index]
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            started = time.perf_counter()
            writer.write(head_prefix + str(len(body)).encode() + b"\r\n\r\n" + body)
            status, headers = await read_answer(reader)
            result["latencies"].append((time.perf_counter() - started) * 1000)
            result["statuses"][status] = result["statuses"].get(status, 0) + 1
            if headers.get(b"connection", b"").lower() == b"close":
                writer.close()
                writer = None
        except (ConnectionError, asyncio.IncompleteReadError, OSError, ValueError) as error:
            result["failures"] += 1
            result["last_failure"] = repr(error)
            if writer is not None:
                writer.close()
            writer = None
    if writer is not None:
        writer.close()


def percentile(sorted_values, fraction):
    """Nearest rank, as the Swift benchmarks compute it."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[min(len(sorted_values), rank) - 1]


async def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="e.g. http://127.0.0.1:8080/v1/submissions")
    parser.add_argument("--file", required=True, help="key<TAB>value lines; each value is posted once")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--content-type", default="application/json")
    arguments = parser.parse_args()

    bodies = read_bodies(arguments.file)
    target = urlsplit(arguments.url)
    host, port = target.hostname, target.port or 80
    head_prefix = (
        f"POST {target.path or '/'} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Content-Type: {arguments.content_type}\r\nContent-Length: "
    ).encode()
    position = 0

    def next_index():
        nonlocal position
        if position >= len(bodies):
            return None
        position += 1
        return position - 1

    result = {"latencies": [], "statuses": {}, "failures": 0, "last_failure": None}
    cpu_start = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    await asyncio.gather(*(client(bodies, next_index, host, port, head_prefix, result) for _ in range(arguments.clients)))
    seconds = time.perf_counter() - started
    cpu_end = resource.getrusage(resource.RUSAGE_SELF)
    latencies = sorted(result["latencies"])
    ok = sum(count for status, count in result["statuses"].items() if 200 <= status < 300)
    print(
        json.dumps(
            {
                "requests": len(bodies),
                "ok": ok,
                "statuses": {str(status): count for status, count in sorted(result["statuses"].items())},
                "failures": result["failures"],
                "last_failure": result["last_failure"],
                "seconds": seconds,
                "client_cpu_seconds": (cpu_end.ru_utime + cpu_end.ru_stime) - (cpu_start.ru_utime + cpu_start.ru_stime),
                "latency_ms": {
                    "p50": percentile(latencies, 0.5),
                    "p90": percentile(latencies, 0.9),
                    "p99": percentile(latencies, 0.99),
                    "p999": percentile(latencies, 0.999),
                    "max": latencies[-1] if latencies else None,
                },
            }
        )
    )


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
