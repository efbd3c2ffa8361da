#!/usr/bin/env python3
"""Builds a drive-time matrix for `lotse serve --travel-matrix` from an OSRM server (Docs/RANKING.md).

Origins: every MV municipality (its point in mv_gemeinden.csv); destinations: every MV hospital site
(mv_hospitals.csv). Asks OSRM's table service (`/table/v1/driving`) in chunks and writes
`origin,lat,lon,hospital,minutes,km` — car minutes without Sondersignal (Lotse applies its factor for urgency 1).

    python3 scripts/travel_matrix_osrm.py --osrm http://127.0.0.1:5000 --out mv-matrix.csv
"""
import argparse, csv, json, os, sys, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--osrm", required=True, help="base URL of osrm-routed, e.g. http://127.0.0.1:5000")
    ap.add_argument("--data", default=os.path.join(ROOT, "Sources", "LotseSeed", "Resources"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--chunk", type=int, default=50, help="origins per request (osrm-routed --max-table-size must allow chunk + sites)")
    a = ap.parse_args()
    towns = list(csv.DictReader(open(os.path.join(a.data, "mv_gemeinden.csv"), encoding="utf-8")))
    sites = list(csv.DictReader(open(os.path.join(a.data, "mv_hospitals.csv"), encoding="utf-8")))
    with open(a.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["origin", "lat", "lon", "hospital", "minutes", "km"])
        for start in range(0, len(towns), a.chunk):
            chunk = towns[start:start + a.chunk]
            points = [(t["lon"], t["lat"]) for t in chunk] + [(s["lon"], s["lat"]) for s in sites]
            coords = ";".join(f"{lon},{lat}" for lon, lat in points)
            sources = ";".join(str(i) for i in range(len(chunk)))
            destinations = ";".join(str(len(chunk) + j) for j in range(len(sites)))
            url = f"{a.osrm.rstrip('/')}/table/v1/driving/{coords}?sources={sources}&destinations={destinations}&annotations=duration,distance"
            answer = json.load(urllib.request.urlopen(url, timeout=120))
            if answer.get("code") != "Ok":
                sys.exit(f"OSRM: {answer.get('code')} {answer.get('message', '')}")
            for i, t in enumerate(chunk):
                for j, s in enumerate(sites):
                    seconds, metres = answer["durations"][i][j], answer["distances"][i][j]
                    if seconds is None:  # no route (an island without a ferry in the extract): left out, Lotse falls back
                        continue
                    w.writerow([t["ags"], t["lat"], t["lon"], s["stoid"], f"{seconds / 60:.2f}", f"{metres / 1000:.2f}"])
            print(f"{min(start + a.chunk, len(towns))}/{len(towns)} Gemeinden", file=sys.stderr)


if __name__ == "__main__":
    main()
