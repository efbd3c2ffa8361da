#!/usr/bin/env python3
"""Validates every FHIR resource Lotse serves against the HL7 FHIR models of PyPI `fhir.resources` (R4B, the
release closest to the R4 Lotse declares), and checks what those models do not: the codes of required bindings,
FHIR ids, references that resolve inside the bundle, and the values against the board of the same moment.

Starts `lotse serve --demo` on a fresh log (the harness of the browser tests), changes something first — a closure
with a reason, a bed report — so statuses of every kind are exported, then fetches:
  /v1/fhir/metadata, /v1/fhir/Location, /v1/fhir/Location/{id} (each), /v1/fhir/HealthcareService (all, and per
  site), /v1/fhir/MeasureReport, /v1/fhir/Bundle, /v1/fhir/Bundle?asOf=… (a moment before the changes).

Usage: python3 Tests/FHIR/fhir_validation.py [path to the lotse binary]   (needs `pip install "fhir.resources>=8,<9"`)
"""
import os
import re
import sys

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.measurereport import MeasureReport

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Harness"))
from lotse_server import Server, step  # noqa: E402

MODELS = {"Bundle": Bundle, "CapabilityStatement": CapabilityStatement, "HealthcareService": HealthcareService,
          "Location": Location, "MeasureReport": MeasureReport}
FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
# Required bindings of the elements Lotse fills (FHIR R4): the models check types and structure, not these codes.
REQUIRED = {
    ("Location", "status"): {"active", "suspended", "inactive"},
    ("Location", "mode"): {"instance", "kind"},
    ("MeasureReport", "status"): {"complete", "pending", "error"},
    ("MeasureReport", "type"): {"individual", "subject-list", "summary", "data-collection"},
    ("Bundle", "type"): {"document", "message", "transaction", "transaction-response", "batch", "batch-response", "history",
                         "searchset", "collection"},
    ("CapabilityStatement", "status"): {"draft", "active", "retired", "unknown"},
    ("CapabilityStatement", "kind"): {"instance", "capability", "requirements"},
}
STATUSES = {"available", "limited", "closed", "unknown"}
failures = []


def fail(text):
    failures.append(text)
    print("  FEHLER:", text, flush=True)


def validate(resource, where):
    """The resource against its R4B model, its required codes and id; returns it."""
    kind = resource.get("resourceType")
    model = MODELS.get(kind)
    if model is None:
        fail(f"{where}: unexpected resourceType {kind!r}")
        return resource
    try:
        model.model_validate(resource)
    except Exception as e:  # pydantic's ValidationError, with every problem listed
        fail(f"{where}: {kind} does not validate: {e}")
    for (k, element), codes in REQUIRED.items():
        if k == kind and element in resource and resource[element] not in codes:
            fail(f"{where}: {kind}.{element} = {resource[element]!r} is not a code of its required value set")
    if "id" in resource and not FHIR_ID.match(resource["id"]):
        fail(f"{where}: id {resource['id']!r} is not a FHIR id")
    if kind == "Bundle":
        for i, entry in enumerate(resource.get("entry", [])):
            validate(entry["resource"], f"{where} entry {i}")
        if resource.get("type") == "searchset" and resource.get("total") != len(resource.get("entry", [])):
            fail(f"{where}: total {resource.get('total')} ≠ {len(resource.get('entry', []))} entries")
    return resource


def fetch(server, token, path, status=200):
    code, content_type, body = server.fetch(path, token)
    if code != status:
        fail(f"GET {path}: {code}, expected {status}: {body}")
    elif status == 200 and content_type != "application/fhir+json":
        fail(f"GET {path}: Content-Type {content_type!r}")
    return body or {}


def resources(bundle):
    return [e["resource"] for e in bundle.get("entry", [])]


def status_of(service):
    return next((e.get("valueCode") for e in service.get("extension", []) if e["url"].endswith(":resource-status")), None)


def agrees_with_board(bundle, board, where):
    """Every site and resource of the board in the bundle with the same status, and nothing else."""
    found = {f"{r['resourceType']}/{r['id']}": r for r in resources(bundle)}
    expected = 0
    for h in board["hospitals"]:
        hid = h["hospitalId"]
        expected += 1 + len(h["resources"]) + (1 if h["beds"] else 0)
        location = found.get(f"Location/{hid}")
        if location is None or location["name"] != h["name"]:
            fail(f"{where}: Location/{hid} missing or misnamed")
        for s in h["resources"]:
            service = found.get(f"HealthcareService/{hid}-{s['resource']}")
            if service is None or status_of(service) != s["status"]:
                fail(f"{where}: {hid} {s['resource']}: board {s['status']}, FHIR {service and status_of(service)}")
        report = found.get(f"MeasureReport/{hid}-beds")
        if bool(h["beds"]) != (report is not None):
            fail(f"{where}: {hid}: bed report present on the board {bool(h['beds'])}, in FHIR {report is not None}")
    if expected != len(found):
        fail(f"{where}: {len(found)} resources, the board shows {expected}")
    for r in resources(bundle):
        for ref in [x.get("reference") for x in r.get("location", [])] + [r.get("subject", {}).get("reference")]:
            if ref and ref not in found:
                fail(f"{where}: {r['resourceType']}/{r['id']} refers to {ref}, not in the bundle")


def main():
    server = Server()
    server.start()
    try:
        token = server.tokens["dispatcher"]
        before = server.moment_between()
        step("a closure with a reason and a bed report, so every kind of status is exported")
        site = "772096"
        server.close_and_report_beds(site, "CT defekt")

        step("CapabilityStatement")
        meta = validate(fetch(server, token, "/v1/fhir/metadata"), "metadata")
        if meta.get("fhirVersion") != "4.0.1" or meta.get("format") != ["application/fhir+json"]:
            fail(f"metadata: fhirVersion {meta.get('fhirVersion')}, format {meta.get('format')}")

        step("Location: the searchset and every site on its own")
        locations = validate(fetch(server, token, "/v1/fhir/Location"), "Location")
        for r in resources(locations):
            one = validate(fetch(server, token, f"/v1/fhir/Location/{r['id']}"), f"Location/{r['id']}")
            if one.get("name") != r.get("name"):
                fail(f"Location/{r['id']}: another site than in the searchset")
        fetch(server, token, "/v1/fhir/Location/999999", status=404)

        step("HealthcareService and MeasureReport searches")
        services = validate(fetch(server, token, "/v1/fhir/HealthcareService"), "HealthcareService")
        seen = {status_of(s) for s in resources(services)}
        if not seen <= STATUSES or "closed" not in seen:
            fail(f"HealthcareService: statuses {seen}")
        mine = validate(fetch(server, token, f"/v1/fhir/HealthcareService?location=Location/{site}"), "HealthcareService?location")
        if not resources(mine) or any(s["location"][0]["reference"] != f"Location/{site}" for s in resources(mine)):
            fail("HealthcareService?location: other sites in the answer")
        reports = validate(fetch(server, token, f"/v1/fhir/MeasureReport?subject=Location/{site}"), "MeasureReport?subject")
        if len(resources(reports)) != 1:
            fail(f"MeasureReport?subject: {len(resources(reports))} reports")
        validate(fetch(server, token, "/v1/fhir/MeasureReport"), "MeasureReport")

        step("the collection of now and of a moment before the changes, against the board of the same moment")
        board = server.call("GET", "/v1/board", token)
        bundle = validate(fetch(server, token, "/v1/fhir/Bundle"), "Bundle")
        agrees_with_board(bundle, board, "Bundle")
        past = validate(fetch(server, token, f"/v1/fhir/Bundle?asOf={before}"), "Bundle?asOf")
        agrees_with_board(past, server.call("GET", f"/v1/board?asOf={before}", token), "Bundle?asOf")
        total = len(resources(bundle))
        print(f"  {total} resources in the collection, {len(resources(locations))} sites", flush=True)
    finally:
        server.stop()
    if failures:
        raise SystemExit(f"FHIR validation: {len(failures)} problem(s)")
    print("FHIR validation: every resource valid (fhir.resources R4B), codes, ids, references and values agree with the board")


if __name__ == "__main__":
    main()
