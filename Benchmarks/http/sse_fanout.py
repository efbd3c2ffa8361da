"""Opens N SSE clients against a running `lotse serve`, then makes capacity changes and measures, for each change,
the time from sending the PUT (durable write included) to each client receiving the event (per-client latency distribution).
Stdlib only (asyncio). Usage: sse_fanout.py BASE_URL READER_TOKEN ADMIN_TOKEN [N]"""
import asyncio, json, sys, time, urllib.parse

base, reader_token, admin_token = sys.argv[1], sys.argv[2], sys.argv[3]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
u = urllib.parse.urlparse(base)
host, port = u.hostname, u.port
CHANGES = 10

async def client(ready, seen, done):
    reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
    writer.write(f"GET /v1/events HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {reader_token}\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    buf = b""
    while b"Lotse-Ereignisse" not in buf:
        data = await reader.read(65536)
        if not data:
            raise SystemExit(f"stream refused: {buf[:200]!r}")
        buf += data
    ready.release()
    got = 0
    while got < CHANGES:
        data = await reader.read(65536)
        if not data:
            break
        now = time.perf_counter()
        for line in data.split(b"\n"):
            if line.startswith(b"id: "):
                seen.setdefault(int(line[4:].strip().split(b"\r")[0]), []).append(now)
                got += 1
    writer.close()
    done.release()

async def put(i):
    reader, writer = await asyncio.open_connection(host, port)
    sent = time.perf_counter()
    body = json.dumps({"status": "limited" if i % 2 else "available"}).encode()
    writer.write((f"PUT /v1/hospitals/772096/resources/ct/status HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {admin_token}\r\n"
                  f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body)
    await writer.drain()
    resp = await reader.read()
    writer.close()
    text = resp.decode(errors="replace")
    position = json.loads(text[text.index("{"):])["position"]
    return position, sent

async def main():
    ready, done = asyncio.Semaphore(0), asyncio.Semaphore(0)
    seen = {}
    t0 = time.perf_counter()
    tasks = [asyncio.create_task(client(ready, seen, done)) for _ in range(n)]
    for _ in range(n):
        await ready.acquire()
    print(f"  {n} SSE clients connected in {time.perf_counter() - t0:.2f} s")
    acks = {}
    for i in range(CHANGES):
        pos, acked = await put(i)
        acks[pos] = acked
        await asyncio.sleep(0.2)
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
    lat = sorted((t - acks[p]) * 1000 for p, ts in seen.items() if p in acks for t in ts)
    missing = n * CHANGES - len(lat)
    q = lambda f: lat[min(len(lat) - 1, int(len(lat) * f))]
    print(f"  {CHANGES} updates x {n} clients: {len(lat)} deliveries, {missing} missing; "
          f"PUT sent -> event at client: latency p50 {q(0.5):.1f} ms, p99 {q(0.99):.1f} ms, max {lat[-1]:.1f} ms (target p99 <= 50 ms)")

asyncio.run(main())
