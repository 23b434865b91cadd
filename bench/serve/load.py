#!/usr/bin/python3
"""The load generator of deploy/bench --only serve, the same for `sersweep serve` and its Python peer: C concurrent
clients (asyncio, one keep-alive HTTP/1.1 connection each, stdlib only), each sending R requests one after the other,
POST /predict with the bodies of the given WAV files in turn. Loopback only (it refuses any other host).
Prints one JSON line: requests, errors (any status but 200, or a broken connection), wall, requests/s, latency
p50/p99/max in ms, and the first error seen.

Usage: load.py --url http://127.0.0.1:PORT --clients 32 --requests 2000 FILE.wav...   (--warm-up N: N untimed requests first)
"""
import argparse
import asyncio
import json
import statistics
import sys
import time
import urllib.parse


async def read_response(reader):
    """Status and body of one HTTP/1.1 response (Content-Length or chunked)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    if "content-length" in headers:
        return status, await reader.readexactly(int(headers["content-length"]))
    body = b""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                return status, body
            body += chunk[:-2]
    return status, body


async def client(host, port, bodies, count, offset, latencies, errors):
    reader = writer = None
    for i in range(count):
        body = bodies[(offset + i) % len(bodies)]
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(b"POST /predict HTTP/1.1\r\nHost: %s\r\nContent-Type: audio/wav\r\nContent-Length: %d\r\n\r\n" % (host.encode(), len(body)))
            writer.write(body)
            await writer.drain()
            status, answer = await read_response(reader)
            if status != 200:
                errors.append(f"HTTP {status}: {answer[:200].decode(errors='replace')}")
            latencies.append(time.perf_counter() - started)
        except (OSError, asyncio.IncompleteReadError, ValueError) as e:
            errors.append(f"{type(e).__name__}: {e}")
            if writer is not None:
                writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def run(url, clients, requests, bodies):
    parsed = urllib.parse.urlparse(url)
    if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"load.py: loopback only, got {parsed.hostname}")
    latencies, errors = [], []
    started = time.perf_counter()
    await asyncio.gather(*(client(parsed.hostname, parsed.port, bodies, requests, c, latencies, errors) for c in range(clients)))
    wall = time.perf_counter() - started
    ms = sorted(1000 * x for x in latencies)

    def pct(p):
        return ms[min(len(ms) - 1, int(p * len(ms)))] if ms else None

    return {"clients": clients, "requests": clients * requests, "errors": len(errors), "first_error": errors[0] if errors else None,
            "wall_s": wall, "requests_per_s": clients * requests / wall, "p50_ms": pct(0.50), "p99_ms": pct(0.99),
            "max_ms": ms[-1] if ms else None, "mean_ms": statistics.fmean(ms) if ms else None}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=2000, help="requests per client")
    parser.add_argument("--warm-up", type=int, default=0, help="untimed requests first (spread over the clients)")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    bodies = [open(f, "rb").read() for f in args.files]
    if args.warm_up:
        asyncio.run(run(args.url, args.clients, max(1, args.warm_up // args.clients), bodies))
    print(json.dumps(asyncio.run(run(args.url, args.clients, args.requests, bodies))))


if __name__ == "__main__":
    sys.exit(main())
