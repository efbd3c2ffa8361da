"""The Lotse server for end-to-end tests in Python: `lotse serve --demo` over HTTPS with a throwaway CA, its printed
tokens, `lotse events` / `lotse token`, JSON calls. Shared by the browser tests and the FHIR validation."""
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOTSE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "lotse")


def step(text):
    print(f"== {text}", flush=True)


def throwaway_ca(directory):
    """A CA and a server certificate for 127.0.0.1 (P-256), made with openssl; returns (cert, key, ca, spki hash)."""
    def run(*args, **kw):
        return subprocess.run(args, cwd=directory, check=True, capture_output=True, **kw)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    run("openssl", "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=Lotse Browser-Test-CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")
    run("openssl", "req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    with open(os.path.join(directory, "server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt",
        "-days", "1", "-extfile", "server.ext")
    pub = run("openssl", "x509", "-in", "server.crt", "-pubkey", "-noout").stdout
    der = run("openssl", "pkey", "-pubin", "-outform", "der", input=pub).stdout
    digest = run("openssl", "dgst", "-sha256", "-binary", input=der).stdout
    import base64
    return (os.path.join(directory, "server.crt"), os.path.join(directory, "server.key"), os.path.join(directory, "ca.pem"),
            base64.b64encode(digest).decode())


class Server:
    """`lotse serve --demo` over HTTPS on a fixed free port (so it can be restarted on the same address)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="lotse-browser-")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.cert, self.key, self.ca, self.spki = throwaway_ca(self.dir)
        self.tls = ssl.create_default_context(cafile=self.ca)
        self.base = f"https://127.0.0.1:{self.port}"
        self.proc = None
        self.tokens = {}

    def start(self, demo=True):
        log = open(os.path.join(self.dir, "serve.log"), "w")
        args = [LOTSE, "serve", "--db", os.path.join(self.dir, "lotse.sqlite"), "--port", str(self.port),
                "--tls-cert", self.cert, "--tls-key", self.key, "--escalation-seconds", "10"]
        if demo:
            args.insert(2, "--demo")
        self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "LOG_LEVEL": "error"})
        for _ in range(240):
            text = open(os.path.join(self.dir, "serve.log")).read()
            if "Lotse läuft auf" in text:
                break
            if self.proc.poll() is not None:
                raise SystemExit("lotse serve ended:\n" + text)
            time.sleep(0.5)
        else:
            raise SystemExit("lotse serve did not start")
        if demo:
            # "  hospital   Sana-Krankenhaus Rügen, Bergen (Scope 772096):\n    <token>"
            for role, label, token in re.findall(r"^  (\w+)\s+(.+?) \(Scope [^)]*\):\n\s+(\S+)", text, re.M):
                self.tokens.setdefault(role, token)
                self.tokens[label] = token

    def events(self):
        """The log as `lotse events` prints it (one line per event)."""
        out = subprocess.run([LOTSE, "events", "--db", os.path.join(self.dir, "lotse.sqlite"), "--limit", "1000000"],
                             capture_output=True, text=True, check=True)
        return out.stdout.splitlines()

    def mint(self, role, scope, sub, ttl):
        """A token from `lotse token`, signed with the key the demo made beside the log."""
        out = subprocess.run([LOTSE, "token", "--db", os.path.join(self.dir, "lotse.sqlite"), "--role", role, "--scope", scope,
                              "--sub", sub, "--ttl", ttl], capture_output=True, text=True, check=True)
        return out.stdout.strip()

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            self.proc = None

    def call(self, method, path, token, body=None):
        req = urllib.request.Request(self.base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10, context=self.tls) as r:
            return json.loads(r.read() or b"null")

    def moment_between(self):
        """A moment (ISO 8601, to the second) after the demo's start and before what the caller does next: a whole
        second after now (the time is written to the second), then another second passes."""
        time.sleep(1.1)
        moment = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        time.sleep(1.1)
        return moment

    def close_and_report_beds(self, site, reason):
        """As the site's hospital: closes its Stroke Unit for two hours with `reason`, then reports beds (some free,
        some full, surge on one category) — so every kind of status is there to export."""
        hospital = self.tokens["hospital"]
        until = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 7200))
        self.call("PUT", f"/v1/hospitals/{site}/resources/stroke-unit/closure", hospital, {"reason": reason, "until": until})
        self.call("PUT", f"/v1/hospitals/{site}/beds", hospital,
                  {"beds": {"normal": {"free": 3, "operable": 10, "additional24h": 4, "additional72h": 9},
                            "icu-high-care": {"free": 0, "operable": 4}}})

    def fetch(self, path, token):
        """(status, content type, parsed JSON) of a GET, errors included."""
        req = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(req, timeout=30, context=self.tls) as r:
                return r.status, r.headers.get("Content-Type"), json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type"), json.loads(e.read() or b"null")
