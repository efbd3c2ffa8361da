#!/usr/bin/env python3
"""Validates Lotse's EDXL-HAVE 2.0 export (`GET /v1/export/have`) offline with xmllint against the HAVE 2.0
working-draft schema (Tests/HAVE/schemas: the draft unchanged, the two types it names but lacks, lax stand-ins for
the schemas it imports — see Docs/EDXL-HAVE.md), and checks the values against the board of the same moment: one
facility per site, every resource's availability, the bed counts, the EMS traffic status.

Starts `lotse serve --demo` (the harness of the browser tests), closes a resource with a reason and reports beds first.
Usage: python3 Tests/HAVE/have_validation.py [path to the lotse binary]   (needs xmllint: Debian `libxml2-utils`)
"""
import os
import subprocess
import sys
import tempfile
import urllib.request
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "Harness"))
from lotse_server import Server, step  # noqa: E402

NS = {"have": "urn:oasis:names:tc:emergency:edxl:have:2.0"}
SCHEMA = os.path.join(HERE, "schemas", "have-validation.xsd")
failures = []


def fail(text):
    failures.append(text)
    print("  FEHLER:", text, flush=True)


def fetch_xml(server, token, path):
    req = urllib.request.Request(server.base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=30, context=server.tls) as r:
        if r.headers.get("Content-Type") != "application/xml":
            fail(f"GET {path}: Content-Type {r.headers.get('Content-Type')!r}")
        return r.read()


def validate(document, where):
    with tempfile.NamedTemporaryFile(suffix=".xml", delete=False) as f:
        f.write(document)
    out = subprocess.run(["xmllint", "--noout", "--schema", SCHEMA, f.name], capture_output=True, text=True)
    os.unlink(f.name)
    if out.returncode != 0:
        fail(f"{where}: xmllint: {out.stderr.strip()[:2000]}")
    return ET.fromstring(document)


def agrees_with_board(root, board, where):
    facilities = {f.findtext("have:facilityInformation/have:facilityID", namespaces=NS): f for f in root.findall("have:facility", NS)}
    if len(facilities) != len(board["hospitals"]):
        fail(f"{where}: {len(facilities)} facilities, the board shows {len(board['hospitals'])}")
    for h in board["hospitals"]:
        f = facilities.get("site-" + h["hospitalId"])
        if f is None:
            fail(f"{where}: no facility for {h['hospitalId']}")
            continue
        lists = {l.findtext("have:taxonomyURI", namespaces=NS): l for l in f.findall("have:serviceList", NS)}
        items = {i.findtext("have:serviceTaxonomyKeyValue", namespaces=NS): i
                 for i in lists.get("urn:lotse:have:resource", ET.Element("x")).findall("have:serviceListItem", NS)}
        kinds = [s["status"] for s in h["resources"]]
        for s in h["resources"]:
            item = items.get(s["resource"])
            available = item is not None and item.findtext("have:serviceStatus/have:isAvailable", namespaces=NS)
            if available != ("true" if s["status"] in ("available", "limited") else "false"):
                fail(f"{where}: {h['hospitalId']} {s['resource']}: board {s['status']}, HAVE isAvailable {available}")
        traffic = f.findtext("have:facilityInformation/have:emergencyDepartmentStatus/have:emsTraffic/have:emsTrafficStatus", namespaces=NS)
        expected = (None if kinds and all(k == "unknown" for k in kinds) else "Normal" if kinds and all(k == "available" for k in kinds)
                    else "Closed" if kinds and all(k == "closed" for k in kinds) else "Advisory" if kinds else None)
        if traffic != expected:
            fail(f"{where}: {h['hospitalId']}: emsTrafficStatus {traffic}, expected {expected} for {kinds}")
        beds = {i.findtext("have:serviceTaxonomyKeyValue", namespaces=NS): i
                for i in lists.get("urn:lotse:have:bed-category", ET.Element("x")).findall("have:serviceListItem", NS)}
        if set(beds) != set(h["beds"]):
            fail(f"{where}: {h['hospitalId']}: bed categories {sorted(beds)} vs board {sorted(h['beds'])}")
        for category, count in h["beds"].items():
            item = beds.get(category)
            if item is None:
                continue
            got = (item.findtext("have:serviceBedCapacity/have:availableCount", namespaces=NS),
                   item.findtext("have:serviceBedCapacity/have:baselineCount", namespaces=NS))
            if got != (str(count["free"]), str(count["operable"])):
                fail(f"{where}: {h['hospitalId']} {category}: {got} vs board {count}")
            # Surge (beds more within 24 h / 72 h) in the capacity note, as the board has it; none without a report.
            note = item.findtext("have:serviceBedCapacity/have:capacityNote", namespaces=NS)
            if "additional24h" in count or "additional72h" in count:
                want = f"zusätzlich {count.get('additional24h', '?')} Betten in 24 h, {count.get('additional72h', '?')} in 72 h"
                if not note or want not in note:
                    fail(f"{where}: {h['hospitalId']} {category}: capacityNote {note!r}, expected {want!r}")
            elif note is not None:
                fail(f"{where}: {h['hospitalId']} {category}: a capacityNote without surge reported: {note!r}")


def main():
    server = Server()
    server.start()
    try:
        token = server.tokens["dispatcher"]
        before = server.moment_between()
        step("a closure with a reason (and characters XML must escape) and a bed report")
        server.close_and_report_beds("772096", "CT & MRT <defekt>")
        step("EDXL-HAVE now: valid against the 2.0 working-draft schema, values as on the board")
        board = server.call("GET", "/v1/board", token)
        root = validate(fetch_xml(server, token, "/v1/export/have"), "now")
        agrees_with_board(root, board, "now")
        reasons = [r.text for r in root.iter("{%s}emsTrafficReason" % NS["have"])]
        if not any("CT & MRT <defekt>" in (r or "") for r in reasons):
            fail("the closure's reason is not in any emsTrafficReason")
        step("EDXL-HAVE of a moment before the changes")
        past = validate(fetch_xml(server, token, f"/v1/export/have?asOf={before}"), "asOf")
        agrees_with_board(past, server.call("GET", f"/v1/board?asOf={before}", token), "asOf")
        print(f"  {len(root.findall('have:facility', NS))} facilities", flush=True)
    finally:
        server.stop()
    if failures:
        raise SystemExit(f"EDXL-HAVE validation: {len(failures)} problem(s)")
    print("EDXL-HAVE validation: the export validates (working-draft schema, xmllint) and agrees with the board")


if __name__ == "__main__":
    main()
