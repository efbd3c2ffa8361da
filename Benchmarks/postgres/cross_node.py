#!/usr/bin/env python3
"""Write on node A, see it on node B (issue 11): for each of N durable status updates sent to A, the time from A's
acknowledgement until (1) B's event stream delivers the event and (2) a query on B with minPosition answers.

Usage: cross_node.py BASE_A BASE_B TOKEN N
Prints p50/p99 of both in milliseconds. Standard library only."""
import http.client, json, sys, threading, time, urllib.parse

base_a, base_b, token, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
headers = {"Authorization": f"Bearer {token}"}
arrived = {}
lock = threading.Lock()
ready = threading.Event()


def conn(base):
    u = urllib.parse.urlparse(base)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=30)


def follow():
    c = conn(base_b)
    c.request("GET", "/v1/events", headers=headers)
    r = c.getresponse()
    ready.set()
    while True:
        line = r.fp.readline()
        if not line:
            return
        if line.startswith(b"id: "):
            t = time.perf_counter()
            with lock:
                arrived[int(line[4:].strip())] = t


threading.Thread(target=follow, daemon=True).start()
ready.wait(10)
time.sleep(0.3)
a, b = conn(base_a), conn(base_b)
sse, query = [], []
for i in range(n):
    body = json.dumps({"status": "available" if i % 2 else "limited"})
    a.request("PUT", "/v1/hospitals/772096/resources/ct/status", body=body, headers={**headers, "Content-Type": "application/json"})
    r = a.getresponse()
    data = json.loads(r.read())
    acked = time.perf_counter()
    assert r.status == 200, data
    pos = data["position"]
    b.request("GET", f"/v1/board?minPosition={pos}", headers=headers)
    rb = b.getresponse()
    board = json.loads(rb.read())
    answered = time.perf_counter()
    assert rb.status == 200 and board["logPosition"] >= pos, (rb.status, board.get("logPosition"), pos)
    query.append((answered - acked) * 1000)
    deadline = time.time() + 5
    while time.time() < deadline:
        with lock:
            t = arrived.get(pos)
        if t is not None:
            sse.append((t - acked) * 1000)
            break
        time.sleep(0.0005)
    else:
        raise SystemExit(f"position {pos} never arrived on B's event stream")
    time.sleep(0.005)


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * q))]


print(f"cross-node, {n} writes on A: B's event stream after A's ack p50 {pct(sse, .5):.1f} ms, p99 {pct(sse, .99):.1f} ms; "
      f"query on B with minPosition (incl. the board's own time) p50 {pct(query, .5):.1f} ms, p99 {pct(query, .99):.1f} ms")
